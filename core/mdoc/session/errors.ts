// Typed failures of the mdoc session layer (ISO 18013-5 §9.1.1). Each code is stable and ends up in
// the read-mdoc JSON `errors`; the reader turns every one of them into a clean, idle state.
export type SessionErrorCode =
  | 'session_engagement_invalid' // DeviceEngagement has no usable Security / EDeviceKey
  | 'session_key_invalid' // EDeviceKey / EReaderKey not a valid point on a supported curve
  | 'session_message_malformed' // SessionEstablishment / SessionData not the expected CBOR shape
  | 'session_decrypt_failed' // AES-GCM tag did not verify (wrong keys, tampering, replay, reordering)
  | 'session_counter_exhausted' // 2^32 - 1 messages in one direction (never in practice)
  | 'session_status_error' // SessionData status 10 (encryption error) or 11 (CBOR decoding error)
  | 'session_terminated' // SessionData status 20 without data: the holder ended the session
  | 'session_closed'; // the caller used a session after it ended

export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
  }
}
