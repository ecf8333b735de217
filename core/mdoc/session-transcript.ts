// SessionTranscript (ISO 18013-5 §9.1.5.1):
//   SessionTranscript = [DeviceEngagementBytes, EReaderKeyBytes, Handover]
//   SessionTranscriptBytes = #6.24(bstr .cbor SessionTranscript)
// The CLI's --transcript file is SessionTranscriptBytes. Decision (documented in the CLI help too):
// the untagged SessionTranscript array is accepted as well, because several tools write that form;
// it is then wrapped in tag 24 around the bytes exactly as given, never re-encoded. DeviceEngagementBytes
// and EReaderKeyBytes may be null (ISO 18013-7 online presentation uses null for both).
//
// Two byte views matter and both are kept as received:
// - `bytes` (SessionTranscriptBytes): SHA-256 of it is the HKDF salt for SKReader/SKDevice/EMacKey;
// - `content` (the SessionTranscript array's encoding): embedded verbatim in DeviceAuthentication.
import { decodeCbor } from '../cbor/decode.ts';
import { CborError } from '../cbor/errors.ts';
import { EmbeddedCbor, type CborValue } from '../cbor/model.ts';
import { MDOC_CBOR } from './device-response.ts';
import { MdocError } from './errors.ts';

export interface SessionTranscript {
  bytes: Uint8Array;
  content: Uint8Array;
  value: CborValue[];
}

function bad(msg: string): never {
  throw new MdocError('session_transcript_invalid', `SessionTranscript: ${msg}`);
}

export function parseSessionTranscript(fileBytes: Uint8Array): SessionTranscript {
  let top: CborValue;
  try {
    top = decodeCbor(fileBytes, MDOC_CBOR);
  } catch (e) {
    if (e instanceof CborError) bad(e.message);
    throw e;
  }
  let wrapped: EmbeddedCbor;
  if (top instanceof EmbeddedCbor) wrapped = top;
  else if (Array.isArray(top)) wrapped = EmbeddedCbor.fromContent(fileBytes);
  else return bad('neither #6.24 SessionTranscriptBytes nor a SessionTranscript array');
  let value: CborValue;
  try {
    value = Array.isArray(top) ? top : wrapped.decode(MDOC_CBOR);
  } catch (e) {
    if (e instanceof CborError) bad(e.message);
    throw e;
  }
  if (!Array.isArray(value) || value.length !== 3) bad('not a 3-element array');
  const [de, erk] = value;
  if (!(de instanceof EmbeddedCbor) && de !== null) bad('DeviceEngagementBytes is neither #6.24 nor null');
  if (!(erk instanceof EmbeddedCbor) && erk !== null) bad('EReaderKeyBytes is neither #6.24 nor null');
  return { bytes: wrapped.raw, content: wrapped.content, value };
}

/** Builds SessionTranscriptBytes from parts (the reader side of a session, the virtual wallet, tests). */
export function buildSessionTranscript(
  deviceEngagementBytes: EmbeddedCbor | null,
  eReaderKeyBytes: EmbeddedCbor | null,
  handover: CborValue,
): SessionTranscript {
  const wrapped = EmbeddedCbor.wrap([deviceEngagementBytes, eReaderKeyBytes, handover]);
  return { bytes: wrapped.raw, content: wrapped.content, value: [deviceEngagementBytes, eReaderKeyBytes, handover] };
}
