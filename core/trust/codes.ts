// Codes of the trust store's errors (a file refused) and warnings (a root expiring soon), each with
// the English and Japanese words staff see. The loader in main/ records its own file problems
// (missing directory, symbolic link, file too large) under the same vocabulary. A root's Annex B
// profile warnings keep their X.509 check codes (core/x509/codes.ts). Codes are a contract (CLI JSON:
// `kakunin trust`, the readers' trust issues): never rename one, add new ones.
import type { X509CheckCode } from '../x509/codes.ts';

export const TRUST_ISSUES = {
  // ---- the trust directory and its files (main/trust/load-dir.ts, main/trust/document-trust.ts)
  trust_dir_missing: { en: 'The trust directory does not exist.', ja: '信頼ストアのフォルダがありません。' },
  trust_dir_empty: {
    en: 'The trust directory holds none of the trust folders.',
    ja: '信頼ストアのフォルダに信頼の起点のフォルダがありません。',
  },
  trust_dir_unreadable: { en: 'A trust folder cannot be read.', ja: '信頼ストアのフォルダを読み取れません。' },
  symlink_refused: {
    en: 'A symbolic link in the trust directory is not followed.',
    ja: '信頼ストア内のシンボリックリンクはたどりません。',
  },
  foreign_owner: {
    en: "A trust file is owned by neither the kiosk's user nor root.",
    ja: '信頼ストアのファイルの所有者が端末の利用者でも root でもありません。',
  },
  ignored_file: { en: 'A file of another type was ignored.', ja: '対象外の種類のファイルを無視しました。' },
  not_a_file: { en: 'Not a regular file.', ja: '通常のファイルではありません。' },
  file_too_large: { en: 'A trust file is too large.', ja: '信頼ストアのファイルが大きすぎます。' },
  trust_file_too_large: { en: 'A trust file is too large.', ja: '信頼ストアのファイルが大きすぎます。' },
  file_unreadable: { en: 'A trust file cannot be read.', ja: '信頼ストアのファイルを読み取れません。' },
  multiple_certificates: {
    en: 'A file holds more than one certificate (one anchor per file).',
    ja: '1つのファイルに複数の証明書があります（1ファイルに1つの起点）。',
  },
  malformed_doctypes: {
    en: 'The document-type bindings file is malformed.',
    ja: '文書種別の対応付けファイルの形式が不正です。',
  },
  malformed_replacements: {
    en: 'The file of approved replacements is malformed.',
    ja: '承認済みの置き換えのファイルの形式が不正です。',
  },
  // ---- certificates and keys (core/x509/der.ts DerError codes among them)
  malformed_certificate: { en: 'A certificate is malformed.', ja: '証明書の形式が不正です。' },
  unsupported_certificate: {
    en: 'A certificate uses a form or algorithm this kiosk does not support.',
    ja: '対応していない形式またはアルゴリズムの証明書です。',
  },
  malformed_key: { en: 'A key is malformed (card-face keys are RSA).', ja: '鍵の形式が不正です（券面APの鍵はRSA）。' },
  invalid_key_id: {
    en: 'A card-face key id is not 16 bytes of hex.',
    ja: '券面APの鍵IDが16バイトの16進数ではありません。',
  },
  // ---- roots and keys as anchors (core/trust/trust-store.ts)
  duplicate_root: { en: 'The same root is already loaded.', ja: '同じルート証明書が既に読み込まれています。' },
  duplicate_key: { en: 'The same card-face key is built in.', ja: '同じ券面APの鍵が既に組み込まれています。' },
  duplicate_key_id: {
    en: 'A card-face key with this id is already loaded.',
    ja: '同じ鍵IDの券面APの鍵が既に読み込まれています。',
  },
  builtin_conflict: {
    en: "Claims a built-in anchor's name or key id with other bytes: a replacement needs staff approval.",
    ja: '組み込みの信頼の起点と同じ名前または鍵IDで内容が異なります（置き換えには承認が必要です）。',
  },
  builtin_replaced: {
    en: 'A built-in card-face key is replaced by an approved import.',
    ja: '組み込みの券面APの鍵を承認済みの鍵で置き換えました。',
  },
  pinned_fingerprint_mismatch: {
    en: 'Looks like a J-LIS root, but its fingerprint is not a published one.',
    ja: 'J-LISのルート証明書に見えますが、公表されたフィンガープリントと一致しません。',
  },
  pinned_root_mismatch: {
    en: 'Looks like a published root, but its fingerprint differs.',
    ja: '公表されたルート証明書に見えますが、フィンガープリントが一致しません。',
  },
  not_self_signed: {
    en: 'A trust anchor must be a self-signed root.',
    ja: '信頼の起点は自己署名のルート証明書である必要があります。',
  },
  root_not_self_signed: {
    en: 'A trust anchor must be a self-signed root.',
    ja: '信頼の起点は自己署名のルート証明書である必要があります。',
  },
  root_signature_invalid: {
    en: "The root's self-signature does not verify.",
    ja: 'ルート証明書の自己署名を検証できません。',
  },
  unpinned_jp_root: {
    en: 'A root with C=JP is not a pinned J-LIS anchor: check its fingerprint with its publisher.',
    ja: 'C=JPのルート証明書ですが、登録済みのJ-LISの起点ではありません（発行元にフィンガープリントを確認してください）。',
  },
  root_expired: { en: 'A root certificate has expired.', ja: 'ルート証明書の有効期限が切れています。' },
  root_not_yet_valid: { en: 'A root certificate is not yet valid.', ja: 'ルート証明書はまだ有効期間前です。' },
  root_expiring: { en: 'A root certificate expires soon.', ja: 'ルート証明書の有効期限が近づいています。' },
  // ---- ICAO CSCAs and master lists (core/trust/csca.ts, core/trust/master-list.ts)
  csca_profile_invalid: {
    en: 'The CSCA certificate does not meet the ICAO profile.',
    ja: 'CSCA証明書がICAOの要件を満たしていません。',
  },
  csca_signature_invalid: {
    en: 'The CSCA is neither self-signed nor signed by a loaded CSCA of its country.',
    ja: 'CSCA証明書が自己署名でも、同じ国の読み込み済みCSCAの署名でもありません。',
  },
  malformed_masterlist: { en: 'The CSCA master list is malformed.', ja: 'CSCAマスターリストの形式が不正です。' },
  masterlist_signer_untrusted: {
    en: 'The master list signer is not trusted.',
    ja: 'マスターリストの署名者が信頼されていません。',
  },
  masterlist_signature_invalid: {
    en: 'The master list signature does not verify.',
    ja: 'マスターリストの署名を検証できません。',
  },
  // ---- VICAL (core/trust/vical.ts)
  malformed_vical: { en: 'The VICAL is malformed.', ja: 'VICALの形式が不正です。' },
  vical_signature_invalid: { en: 'The VICAL signature does not verify.', ja: 'VICALの署名を検証できません。' },
  vical_signer_untrusted: { en: 'The VICAL signer is not trusted.', ja: 'VICALの署名者が信頼されていません。' },
  vical_stale: { en: 'The VICAL is past its next update.', ja: 'VICALの次回更新日を過ぎています。' },
  // ---- document trust (main/trust/document-trust.ts: the driving licence signers)
  licence_signer_without_ski: {
    en: 'A licence signer certificate has no subject key identifier.',
    ja: '運転免許証の署名者証明書にサブジェクト鍵識別子がありません。',
  },
  licence_signer_key: { en: 'A licence signer key is not RSA.', ja: '運転免許証の署名者の鍵がRSAではありません。' },
} as const satisfies Record<string, { en: string; ja: string }>;

/** Every code a TrustIssue can carry: the table above, and a root's Annex B profile check codes. */
export type TrustIssueCode = keyof typeof TRUST_ISSUES | X509CheckCode;
