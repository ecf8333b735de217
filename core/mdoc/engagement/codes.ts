// Stable error codes of mdoc engagement (ISO 18013-5 §8.2: QR, NFC static and negotiated handover)
// and of the NFC link under it. Codes are a contract: read-mdoc's JSON `errors`, the audit log and
// the staff screen key on them. Never rename one; add new ones. Each has English and Japanese text.
//
// Entry points: `EngagementError` (thrown by every parser and state machine in this folder, never
// anything else for hostile input), `engagementMessage(code)`.

export interface EngagementCodeInfo {
  en: string;
  ja: string;
}

export const ENGAGEMENT_CODES = {
  // ---- QR (§8.2.2.3: "mdoc:" + base64url(DeviceEngagement))
  qr_malformed: {
    en: 'The scanned code is not an mdoc engagement (mdoc: ...).',
    ja: '読み取ったコードは mdoc の提示コードではありません。',
  },
  // ---- DeviceEngagement (§8.2.1.1)
  device_engagement_malformed: {
    en: 'The DeviceEngagement structure is malformed.',
    ja: '端末エンゲージメント（DeviceEngagement）の形式が不正です。',
  },
  device_engagement_version_unsupported: {
    en: 'The DeviceEngagement version is not supported.',
    ja: '端末エンゲージメントのバージョンに対応していません。',
  },
  cipher_suite_unsupported: {
    en: 'The wallet offers an unsupported cipher suite.',
    ja: 'ウォレットが対応していない暗号スイートを指定しました。',
  },
  // ---- NDEF (NFC Forum NDEF 1.0)
  ndef_malformed: { en: 'The NFC message (NDEF) is malformed.', ja: 'NFC メッセージ（NDEF）の形式が不正です。' },
  ndef_chunked_unsupported: {
    en: 'Chunked NDEF records are not accepted.',
    ja: '分割された NDEF レコードには対応していません。',
  },
  ndef_too_large: { en: 'The NFC message exceeds a size limit.', ja: 'NFC メッセージがサイズの上限を超えています。' },
  // ---- Connection Handover (NFC Forum CH 1.5, ISO 18013-5 §8.2.2.1)
  handover_malformed: {
    en: 'The NFC handover message is malformed.',
    ja: 'NFC ハンドオーバーメッセージの形式が不正です。',
  },
  handover_version_unsupported: {
    en: 'The NFC handover version is not supported.',
    ja: 'NFC ハンドオーバーのバージョンに対応していません。',
  },
  handover_no_device_engagement: {
    en: 'The NFC handover carries no DeviceEngagement.',
    ja: 'NFC ハンドオーバーに端末エンゲージメントが含まれていません。',
  },
  handover_no_carrier: {
    en: 'The wallet offers no connection the kiosk supports.',
    ja: 'ウォレットが本機で使える接続方式を提示しませんでした。',
  },
  // ---- TNEP (NFC Forum TNEP 1.0) for negotiated handover
  tnep_malformed: {
    en: 'The wallet sent a malformed TNEP record.',
    ja: 'ウォレットの TNEP レコードの形式が不正です。',
  },
  tnep_service_unavailable: {
    en: 'The wallet does not offer the handover service.',
    ja: 'ウォレットがハンドオーバーサービスを提供していません。',
  },
  tnep_status_error: {
    en: 'The wallet refused the handover service.',
    ja: 'ウォレットがハンドオーバーサービスを拒否しました。',
  },
  tnep_timeout: {
    en: 'The wallet did not answer the handover in time.',
    ja: 'ウォレットが時間内にハンドオーバーに応答しませんでした。',
  },
  // ---- NFC Type 4 Tag procedure (NFC Forum T4T 1.2 §7.5)
  nfc_ndef_app_not_found: {
    en: 'The phone on the reader offers no NFC engagement (NDEF application).',
    ja: 'リーダー上の端末が NFC エンゲージメントに対応していません。IDを手動で表示してください。',
  },
  nfc_cc_malformed: {
    en: 'The NFC capability container is malformed.',
    ja: 'NFC 機能コンテナ（CC）の形式が不正です。',
  },
  nfc_status: {
    en: 'The phone answered an NFC command with an error status.',
    ja: '端末が NFC コマンドにエラーを返しました。',
  },
  nfc_response_malformed: { en: 'The phone sent a malformed NFC response.', ja: '端末の NFC 応答の形式が不正です。' },
  // ---- the link itself (main/nfc, sim): thrown as ApduChannelError
  nfc_tag_lost: {
    en: 'The phone was taken off the reader.',
    ja: '端末がリーダーから離れました。もう一度かざしてください。',
  },
  nfc_no_tag: { en: 'No phone was presented in time.', ja: '時間内に端末がかざされませんでした。' },
  nfc_reader_unavailable: { en: 'The NFC reader is not available.', ja: 'NFC リーダーが使用できません。' },
  nfc_service_stopped: {
    en: 'The reader service (pcscd) stopped or is not answering.',
    ja: 'リーダーのサービス（pcscd）が停止しているか、応答しません。',
  },
} as const satisfies Record<string, EngagementCodeInfo>;

export type EngagementCode = keyof typeof ENGAGEMENT_CODES;

export class EngagementError extends Error {
  override readonly name = 'EngagementError';
  constructor(
    readonly code: EngagementCode,
    message: string,
  ) {
    super(message);
  }
}

export function engagementMessage(code: string): EngagementCodeInfo {
  return (
    (ENGAGEMENT_CODES as Record<string, EngagementCodeInfo>)[code] ?? {
      en: 'Engagement failed.',
      ja: 'エンゲージメントに失敗しました。',
    }
  );
}
