// SessionEstablishment and SessionData (ISO 18013-5 §9.1.1.4):
//   SessionEstablishment = {"eReaderKey": EReaderKeyBytes, "data": bstr}
//   SessionData = {? "data": bstr, ? "status": uint}
// Status values (Table 20): 10 session encryption error, 11 CBOR decoding error, 20 session termination.
import { CborError, EmbeddedCbor, decodeCbor, encodeCbor, type CborLimits, type CborMap } from '../../cbor/index.ts';
import { SessionError } from './errors.ts';

export const SESSION_STATUS = {
  encryptionError: 10,
  cborDecodingError: 11,
  sessionTermination: 20,
} as const;

/** Session messages carry a whole DeviceResponse (portraits included); cap well above that. */
export const SESSION_MESSAGE_LIMITS: Partial<CborLimits> = {
  maxTotalBytes: 4 * 1024 * 1024,
  maxBytesLength: 4 * 1024 * 1024,
};

export interface SessionEstablishment {
  eReaderKeyBytes: EmbeddedCbor;
  data: Uint8Array;
}

export interface SessionData {
  data?: Uint8Array;
  status?: number;
}

export function encodeSessionEstablishment(m: SessionEstablishment): Uint8Array {
  return encodeCbor(
    new Map<string, EmbeddedCbor | Uint8Array>([
      ['eReaderKey', m.eReaderKeyBytes],
      ['data', m.data],
    ]) as CborMap,
  );
}

function decodeMap(bytes: Uint8Array, what: string): CborMap {
  let v;
  try {
    v = decodeCbor(bytes, SESSION_MESSAGE_LIMITS);
  } catch (e) {
    if (e instanceof CborError) throw new SessionError('session_message_malformed', `${what}: ${e.message}`);
    throw e;
  }
  if (!(v instanceof Map)) throw new SessionError('session_message_malformed', `${what} is not a map`);
  return v;
}

export function decodeSessionEstablishment(bytes: Uint8Array): SessionEstablishment {
  const m = decodeMap(bytes, 'SessionEstablishment');
  const key = m.get('eReaderKey');
  const data = m.get('data');
  if (!(key instanceof EmbeddedCbor))
    throw new SessionError('session_message_malformed', 'SessionEstablishment.eReaderKey is not #6.24');
  if (!(data instanceof Uint8Array))
    throw new SessionError('session_message_malformed', 'SessionEstablishment.data is not a byte string');
  return { eReaderKeyBytes: key, data };
}

export function encodeSessionData(m: SessionData): Uint8Array {
  const map: CborMap = new Map();
  if (m.data !== undefined) map.set('data', m.data);
  if (m.status !== undefined) map.set('status', m.status);
  return encodeCbor(map);
}

export function decodeSessionData(bytes: Uint8Array): SessionData {
  const m = decodeMap(bytes, 'SessionData');
  const data = m.get('data');
  const status = m.get('status');
  if (data !== undefined && !(data instanceof Uint8Array))
    throw new SessionError('session_message_malformed', 'SessionData.data is not a byte string');
  if (status !== undefined && !(typeof status === 'number' && Number.isInteger(status) && status >= 0)) {
    throw new SessionError('session_message_malformed', 'SessionData.status is not an unsigned integer');
  }
  if (data === undefined && status === undefined)
    throw new SessionError('session_message_malformed', 'SessionData has neither data nor status');
  const out: SessionData = {};
  if (data !== undefined) out.data = data;
  if (status !== undefined) out.status = status as number;
  return out;
}
