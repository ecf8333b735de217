// Staff-screen messages (English and Japanese) for the session and transport codes that end a read
// before verification. Verification codes have theirs in core/mdoc/codes.ts, engagement codes in
// core/mdoc/engagement/codes.ts; `readErrorMessage` looks in all three.
import { codeMessage, type CodeInfo } from '../../core/mdoc/codes.ts';
import type { ResponseResult } from '../../core/mdoc/verify.ts';
import { ENGAGEMENT_CODES } from '../../core/mdoc/engagement/codes.ts';
import { NFC_RETRIEVAL_CODES } from '../../core/mdoc/transport/nfc/codes.ts';

export const READ_CODES: Record<string, CodeInfo> = {
  // session (ISO 18013-5 §9.1.1)
  session_engagement_invalid: {
    en: 'The phone’s engagement has no usable session key.',
    ja: '端末の接続情報に有効なセッション鍵がありません。',
  },
  session_key_invalid: { en: 'The phone’s session key is invalid.', ja: '端末のセッション鍵が不正です。' },
  session_message_malformed: {
    en: 'The phone sent a malformed session message.',
    ja: '端末のセッションメッセージの形式が不正です。',
  },
  session_decrypt_failed: {
    en: 'The phone’s answer could not be decrypted (wrong session or tampered).',
    ja: '端末の応答を復号できませんでした（セッション不一致または改ざん）。',
  },
  session_counter_exhausted: { en: 'Too many session messages.', ja: 'セッションメッセージが多すぎます。' },
  session_status_error: { en: 'The phone reported a session error.', ja: '端末がセッションエラーを通知しました。' },
  session_terminated: {
    en: 'The phone ended the session without answering.',
    ja: '端末が応答せずにセッションを終了しました。',
  },
  session_closed: { en: 'The session had already ended.', ja: 'セッションは既に終了しています。' },
  // transports (BLE §8.3.3.1.1, NFC §8.3.3.2)
  transport_unavailable: {
    en: 'Bluetooth or the NFC reader is not available on this kiosk.',
    ja: 'この端末では Bluetooth または NFC リーダーが使えません。',
  },
  transport_peer_not_found: {
    en: 'The phone did not connect in time. Keep the phone near the kiosk and try again.',
    ja: '端末が時間内に接続しませんでした。端末を近づけたまま、もう一度お試しください。',
  },
  transport_service_incomplete: {
    en: 'The phone’s Bluetooth service is incomplete.',
    ja: '端末の Bluetooth サービスが不完全です。',
  },
  transport_timeout: { en: 'The phone did not answer in time.', ja: '端末が時間内に応答しませんでした。' },
  transport_link_lost: {
    en: 'The phone went out of range during the read.',
    ja: '読み取り中に端末が離れました。もう一度お試しください。',
  },
  transport_disconnected: {
    en: 'The phone disconnected during the read.',
    ja: '読み取り中に端末との接続が切れました。',
  },
  transport_disconnected_mid_message: {
    en: 'The connection dropped in the middle of the phone’s answer.',
    ja: '端末の応答の途中で接続が切れました。',
  },
  transport_peer_terminated: {
    en: 'The phone ended the session before answering (it may not trust this kiosk’s identity).',
    ja: '端末が応答前にセッションを終了しました（本機を接続先と認めなかった可能性があります）。',
  },
  transport_protocol_error: { en: 'The phone broke the transfer protocol.', ja: '端末が転送手順に違反しました。' },
  transport_message_too_large: { en: 'The phone’s answer is too large.', ja: '端末の応答が大きすぎます。' },
  transport_closed: { en: 'The connection was already closed.', ja: '接続は既に閉じられています。' },
  phone_needs_bluetooth: {
    en: 'This phone needs Bluetooth; use the QR code or the card.',
    ja: 'このスマートフォンは Bluetooth が必要です。QRコードまたはカードをご利用ください。',
  },
  no_common_transport: {
    en: 'The phone offers no connection this kiosk supports.',
    ja: '端末が本機で使える接続方式を提示しませんでした。',
  },
  request_forbidden_element: {
    en: 'The request would include a forbidden element (My Number).',
    ja: '要求に禁止された項目（個人番号）が含まれます。',
  },
  request_element_not_allowed: {
    en: 'The request would include an element the kiosk may not ask for.',
    ja: '要求に、この端末が求めてはいけない項目が含まれます。',
  },
  no_reader_hardware: {
    en: 'No NFC reader, Bluetooth adapter or scanner input is available.',
    ja: 'NFC リーダー、Bluetooth、スキャナ入力のいずれも利用できません。',
  },
  read_aborted: {
    en: 'The read stopped on an unexpected condition; nothing is accepted.',
    ja: '予期しない状態で読み取りを中止しました。結果は無効です。',
  },
};

export function readErrorMessage(code: string): CodeInfo {
  return (
    READ_CODES[code] ??
    (ENGAGEMENT_CODES as Record<string, CodeInfo>)[code] ??
    (NFC_RETRIEVAL_CODES as Record<string, CodeInfo>)[code] ??
    codeMessage(code)
  );
}

/** A response rejected before (or instead of) verification: one failed check, its error in both languages. */
export function rejectedResponse(code: string, detail: string, m: CodeInfo = readErrorMessage(code)): ResponseResult {
  return {
    verdict: 'invalid',
    documents: [],
    checks: [{ code, ok: false, detail }],
    errors: [{ code, message: m.en, message_ja: m.ja, detail }],
    warnings: [],
  };
}
