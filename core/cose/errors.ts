// Typed failures of COSE parsing and verification (RFC 9052). Each code is stable; core/mdoc maps
// them onto its own check codes (e.g. a bad COSE_Key in deviceKeyInfo is `device_key_invalid`).
export type CoseErrorCode =
  | 'malformed_cose'
  | 'alg_not_in_protected_header'
  | 'alg_unsupported'
  | 'alg_key_mismatch'
  | 'x5chain_missing'
  | 'cose_key_invalid'
  | 'payload_missing';

export class CoseError extends Error {
  override readonly name = 'CoseError';
  constructor(
    readonly code: CoseErrorCode,
    message: string,
  ) {
    super(message);
  }
}
