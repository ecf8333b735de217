export type CborErrorCode = 'malformed_cbor' | 'cbor_limit_exceeded';

/** Every decoding failure is one of these: callers turn it into a check, never a crash. */
export class CborError extends Error {
  override readonly name = 'CborError';
  constructor(
    readonly code: CborErrorCode,
    message: string,
    /** Byte offset or structural path where the problem was found. */
    readonly at?: string,
  ) {
    super(at ? `${message} (at ${at})` : message);
  }
}
