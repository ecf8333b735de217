// Stable check codes of mdoc verification (ISO/IEC 18013-5 §9.3; the items of "What the verifier
// checks" in docs/card-and-mdoc-facts.md), each named after the failure it rules out (core/check.ts).
// Codes are a contract: the CLI's JSON, the audit log and the UI key on them. Never rename one;
// add new ones. Each has an English and a Japanese message for staff screens.
//
// The X.509 chain codes are core/x509's (one rule a file); they are part of this table so that every
// code a DeviceResponse verification can emit has a human message here.
import type { CborErrorCode } from '../cbor/errors.ts';
import type { CoseErrorCode } from '../cose/errors.ts';
import { X509_CODES } from '../x509/codes.ts';

export interface CodeInfo {
  en: string;
  ja: string;
}

export const MDOC_CODES = {
  // ---- CBOR / structure (item 1)
  malformed_cbor: {
    en: 'The response is not well-formed CBOR or has the wrong structure.',
    ja: '応答データの形式（CBOR）が不正です。',
  },
  cbor_limit_exceeded: {
    en: 'The response exceeds a size or nesting limit.',
    ja: '応答データがサイズまたは入れ子の上限を超えています。',
  },
  unsupported_version: {
    en: 'The DeviceResponse version is not supported.',
    ja: '応答データのバージョンに対応していません。',
  },
  response_status: {
    en: 'The wallet reported an error status instead of documents.',
    ja: 'ウォレットがエラー状態を返しました。',
  },
  no_documents: { en: 'The response holds no document.', ja: '応答に証明書データが含まれていません。' },
  document_errors: {
    en: 'The wallet reported documents it could not return.',
    ja: 'ウォレットが一部の証明書を返せませんでした。',
  },
  internal_error: {
    en: 'Verification stopped on an unexpected condition; the response is rejected.',
    ja: '予期しない状態で検証を中止しました。応答は無効として扱います。',
  },
  session_transcript_invalid: {
    en: 'The session transcript is missing or malformed.',
    ja: 'セッション記録（SessionTranscript）が不正です。',
  },
  // ---- COSE / issuerAuth (item 2)
  malformed_cose: { en: 'A COSE structure is malformed.', ja: 'COSE 署名構造が不正です。' },
  x5chain_missing: {
    en: 'The issuer signature carries no certificate (x5chain).',
    ja: '発行者署名に証明書（x5chain）がありません。',
  },
  alg_not_in_protected_header: {
    en: 'The signature algorithm is not in the protected header.',
    ja: '署名アルゴリズムが保護ヘッダにありません。',
  },
  alg_unsupported: { en: 'The signature algorithm is not supported.', ja: '対応していない署名アルゴリズムです。' },
  alg_key_mismatch: {
    en: 'The signature algorithm does not match the key.',
    ja: '署名アルゴリズムと鍵の種類が一致しません。',
  },
  issuer_signature_invalid: {
    en: 'The issuer signature over the MSO is invalid.',
    ja: '発行者署名（MSO）の検証に失敗しました。',
  },
  cose_key_invalid: { en: 'A COSE key is malformed or not a valid point.', ja: 'COSE 鍵の形式が不正です。' },
  payload_missing: { en: 'A signed structure has no payload to verify.', ja: '署名対象のデータがありません。' },
  // ---- X.509 chain (item 3; codes and messages from core/x509/codes.ts)
  ...X509_CODES,
  // ---- MSO (item 4)
  mso_malformed: {
    en: 'The Mobile Security Object is malformed.',
    ja: 'MSO（モバイルセキュリティオブジェクト）の形式が不正です。',
  },
  unsupported_digest_algorithm: {
    en: 'The MSO digest algorithm is not supported.',
    ja: 'MSO のダイジェストアルゴリズムに対応していません。',
  },
  doc_type_mismatch: {
    en: 'The document type differs from the signed one.',
    ja: '証明書の種類が署名された内容と一致しません。',
  },
  issuer_not_bound_to_doctype: {
    en: 'This issuer may not issue this kind of document.',
    ja: 'この発行者はこの種類の証明書を発行できません（発行元の不一致）。',
  },
  mso_not_yet_valid: { en: 'The credential is not yet valid.', ja: '証明書データはまだ有効期間前です。' },
  mso_expired: { en: 'The credential has expired.', ja: '証明書データの有効期限が切れています。' },
  // ---- digests (item 5)
  digest_mismatch: {
    en: 'A data element does not match its signed digest.',
    ja: 'データ項目が署名されたダイジェストと一致しません（改ざんの可能性）。',
  },
  digest_id_unknown: {
    en: 'A data element has no signed digest.',
    ja: 'データ項目に対応する署名済みダイジェストがありません。',
  },
  namespace_unknown: {
    en: 'A namespace is not covered by the issuer signature.',
    ja: '名前空間が発行者署名の対象外です。',
  },
  // ---- device authentication (item 6)
  device_key_invalid: { en: 'The device key in the MSO is invalid.', ja: 'MSO 内の端末鍵が不正です。' },
  reader_key_required: {
    en: 'Device MAC needs the reader ephemeral key.',
    ja: '端末 MAC の検証にはリーダーの一時鍵が必要です。',
  },
  device_auth_failed: {
    en: 'Device authentication failed (possible copy or replay).',
    ja: '端末認証に失敗しました（複製または再送の可能性）。',
  },
} as const satisfies Record<string, CodeInfo>;

/** Every code an mdoc verification can report. */
export type MdocCheckCode = keyof typeof MDOC_CODES;
/** The same union, as the code type of MdocError. */
export type MdocCode = MdocCheckCode;

// The COSE and CBOR error codes end up as check codes: each must have its messages above.
type Covered<T extends MdocCheckCode> = T;
export type CoseAndCborCodesCovered = Covered<CoseErrorCode | CborErrorCode>;

const FALLBACK: CodeInfo = { en: 'Verification check failed.', ja: '検証に失敗しました。' };

/** The messages of any code (strings from outside, e.g. main's own codes, get a generic message). */
export function codeMessage(code: string): CodeInfo {
  return (MDOC_CODES as Record<string, CodeInfo>)[code] ?? FALLBACK;
}
