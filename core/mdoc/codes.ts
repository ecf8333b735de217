// Stable check codes of mdoc verification (ISO/IEC 18013-5 §9.3, spec file items 1-8), named after
// the spec structure or rule they come from (STYLE.md: isomdl's IssuerDigestMismatch, MsoExpired).
// Codes are a contract: the CLI's JSON, the audit log and the UI key on them. Never rename one;
// add new ones. Each has an English and a Japanese message for staff screens.
//
// The X.509 chain codes come from core/x509 (one rule a file); their messages are listed here too
// so every code a DeviceResponse verification can emit has a human message in one place.

export interface CodeInfo {
  en: string;
  ja: string;
}

export const MDOC_CODES = {
  // ---- CBOR / structure (spec item 1)
  malformed_cbor: { en: 'The response is not well-formed CBOR or has the wrong structure.', ja: '応答データの形式（CBOR）が不正です。' },
  cbor_limit_exceeded: { en: 'The response exceeds a size or nesting limit.', ja: '応答データがサイズまたは入れ子の上限を超えています。' },
  unsupported_version: { en: 'The DeviceResponse version is not supported.', ja: '応答データのバージョンに対応していません。' },
  response_status: { en: 'The wallet reported an error status instead of documents.', ja: 'ウォレットがエラー状態を返しました。' },
  no_documents: { en: 'The response holds no document.', ja: '応答に証明書データが含まれていません。' },
  document_errors: { en: 'The wallet reported documents it could not return.', ja: 'ウォレットが一部の証明書を返せませんでした。' },
  internal_error: { en: 'Verification stopped on an unexpected condition; the response is rejected.', ja: '予期しない状態で検証を中止しました。応答は無効として扱います。' },
  session_transcript_invalid: { en: 'The session transcript is missing or malformed.', ja: 'セッション記録（SessionTranscript）が不正です。' },
  // ---- COSE / issuerAuth (spec item 2)
  malformed_cose: { en: 'A COSE structure is malformed.', ja: 'COSE 署名構造が不正です。' },
  x5chain_missing: { en: 'The issuer signature carries no certificate (x5chain).', ja: '発行者署名に証明書（x5chain）がありません。' },
  alg_not_in_protected_header: { en: 'The signature algorithm is not in the protected header.', ja: '署名アルゴリズムが保護ヘッダにありません。' },
  alg_unsupported: { en: 'The signature algorithm is not supported.', ja: '対応していない署名アルゴリズムです。' },
  alg_key_mismatch: { en: 'The signature algorithm does not match the key.', ja: '署名アルゴリズムと鍵の種類が一致しません。' },
  issuer_signature_invalid: { en: 'The issuer signature over the MSO is invalid.', ja: '発行者署名（MSO）の検証に失敗しました。' },
  // ---- X.509 chain (spec item 3; codes from core/x509)
  malformed_certificate: { en: 'The document signer certificate is malformed.', ja: '署名者証明書の形式が不正です。' },
  untrusted_chain: { en: 'The document signer does not chain to a trusted root.', ja: '署名者証明書が信頼されたルートにつながりません。' },
  chain_signature_invalid: { en: 'The certificate signature does not verify.', ja: '証明書の署名を検証できません。' },
  ds_key_usage_invalid: { en: 'The document signer certificate has the wrong key usage.', ja: '署名者証明書の鍵用途が不正です。' },
  ds_eku_invalid: { en: 'The document signer certificate lacks the mdoc signer EKU.', ja: '署名者証明書の拡張鍵用途が不正です。' },
  ds_not_yet_valid: { en: 'The document signer certificate is not yet valid.', ja: '署名者証明書はまだ有効期間前です。' },
  ds_expired: { en: 'The document signer certificate has expired.', ja: '署名者証明書の有効期限が切れています。' },
  ds_not_valid_at_signing: { en: 'The MSO was signed outside the signer certificate validity.', ja: '署名時点で署名者証明書が有効ではありませんでした。' },
  country_mismatch: { en: 'The signer and root certificate countries differ.', ja: '署名者証明書とルート証明書の国が一致しません。' },
  iaca_profile_invalid: { en: 'The root certificate does not meet the IACA profile.', ja: 'ルート証明書が IACA の要件を満たしていません。' },
  iaca_not_yet_valid: { en: 'The root certificate is not yet valid.', ja: 'ルート証明書はまだ有効期間前です。' },
  iaca_expired: { en: 'The root certificate has expired.', ja: 'ルート証明書の有効期限が切れています。' },
  unknown_critical_extension: { en: 'A certificate has an unknown critical extension.', ja: '証明書に未知の重要拡張があります。' },
  // ---- MSO (spec item 4)
  mso_malformed: { en: 'The Mobile Security Object is malformed.', ja: 'MSO（モバイルセキュリティオブジェクト）の形式が不正です。' },
  unsupported_digest_algorithm: { en: 'The MSO digest algorithm is not supported.', ja: 'MSO のダイジェストアルゴリズムに対応していません。' },
  doc_type_mismatch: { en: 'The document type differs from the signed one.', ja: '証明書の種類が署名された内容と一致しません。' },
  issuer_not_bound_to_doctype: { en: 'This issuer may not issue this kind of document.', ja: 'この発行者はこの種類の証明書を発行できません（発行元の不一致）。' },
  mso_not_yet_valid: { en: 'The credential is not yet valid.', ja: '証明書データはまだ有効期間前です。' },
  mso_expired: { en: 'The credential has expired.', ja: '証明書データの有効期限が切れています。' },
  // ---- digests (spec item 5)
  digest_mismatch: { en: 'A data element does not match its signed digest.', ja: 'データ項目が署名されたダイジェストと一致しません（改ざんの可能性）。' },
  digest_id_unknown: { en: 'A data element has no signed digest.', ja: 'データ項目に対応する署名済みダイジェストがありません。' },
  namespace_unknown: { en: 'A namespace is not covered by the issuer signature.', ja: '名前空間が発行者署名の対象外です。' },
  // ---- device authentication (spec item 6)
  device_key_invalid: { en: 'The device key in the MSO is invalid.', ja: 'MSO 内の端末鍵が不正です。' },
  reader_key_required: { en: 'Device MAC needs the reader ephemeral key.', ja: '端末 MAC の検証にはリーダーの一時鍵が必要です。' },
  device_auth_failed: { en: 'Device authentication failed (possible copy or replay).', ja: '端末認証に失敗しました（複製または再送の可能性）。' },
} as const satisfies Record<string, CodeInfo>;

export type MdocCode = keyof typeof MDOC_CODES;

const FALLBACK: CodeInfo = { en: 'Verification check failed.', ja: '検証に失敗しました。' };

export function codeMessage(code: string): CodeInfo {
  return (MDOC_CODES as Record<string, CodeInfo>)[code] ?? FALLBACK;
}
