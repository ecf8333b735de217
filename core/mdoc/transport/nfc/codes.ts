// Stable error codes of NFC data retrieval (ISO 18013-5 §8.3.3.1.2). Contract like every code
// list: never rename, only add. Link failures (phone lifted) come as ApduChannelError
// ('nfc_tag_lost', core/mdoc/engagement/apdu-channel.ts).
//
// Entry points: `NfcRetrievalError`, `NFC_RETRIEVAL_CODES`.
export const NFC_RETRIEVAL_CODES = {
  nfc_retrieval_app_not_found: {
    en: 'The phone does not offer mdoc NFC data retrieval.',
    ja: '端末が NFC によるデータ取得に対応していません。',
  },
  nfc_retrieval_status: {
    en: 'The phone answered an NFC data retrieval command with an error status.',
    ja: '端末が NFC データ取得コマンドにエラーを返しました。',
  },
  nfc_retrieval_malformed: {
    en: 'The phone sent a malformed NFC data retrieval response.',
    ja: '端末の NFC データ取得応答の形式が不正です。',
  },
  nfc_retrieval_too_large: {
    en: 'The NFC data retrieval message exceeds a size limit.',
    ja: 'NFC データ取得のメッセージがサイズの上限を超えています。',
  },
} as const;

export type NfcRetrievalCode = keyof typeof NFC_RETRIEVAL_CODES;

export class NfcRetrievalError extends Error {
  override readonly name = 'NfcRetrievalError';
  constructor(
    readonly code: NfcRetrievalCode,
    message: string,
  ) {
    super(message);
  }
}
