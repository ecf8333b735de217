// BER-TLV data object '53' (ISO/IEC 7816-4 §5.2, "discretionary data") that carries
// SessionEstablishment / SessionData in ENVELOPE commands and their responses (ISO 18013-5
// §8.3.3.1.2). Length: short form < 0x80, long form 81 xx / 82 xxxx / 83 xxxxxx; definite only,
// minimal, and bounded before anything is allocated.
//
// Entry points: `encodeDo53(message)`, `decodeDo53(bytes, maxLength)`.
import { NfcRetrievalError } from './codes.ts';

export function encodeDo53(message: Uint8Array): Uint8Array {
  const n = message.length;
  let head: number[];
  if (n < 0x80) head = [0x53, n];
  else if (n < 0x100) head = [0x53, 0x81, n];
  else if (n < 0x10000) head = [0x53, 0x82, n >> 8, n & 0xff];
  else if (n < 0x1000000) head = [0x53, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  else throw new NfcRetrievalError('nfc_retrieval_too_large', `message of ${n} bytes`);
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(message, head.length);
  return out;
}

export function decodeDo53(b: Uint8Array, maxLength: number): Uint8Array {
  const bad = (m: string): never => {
    throw new NfcRetrievalError('nfc_retrieval_malformed', `DO'53': ${m}`);
  };
  if (b.length < 2) bad(`${b.length} bytes`);
  if (b[0] !== 0x53) bad(`tag 0x${b[0]!.toString(16)}`);
  const l0 = b[1]!;
  let len: number;
  let p: number;
  if (l0 < 0x80) {
    len = l0;
    p = 2;
  } else {
    const k = l0 & 0x7f;
    if (k < 1 || k > 3) bad(`length form 0x${l0.toString(16)}`);
    if (b.length < 2 + k) bad('length runs past the end');
    len = 0;
    for (let i = 0; i < k; i++) len = len * 256 + b[2 + i]!;
    if ((k === 1 && len < 0x80) || (k > 1 && len < 1 << (8 * (k - 1)))) bad('non-minimal length');
    p = 2 + k;
  }
  if (len > maxLength)
    throw new NfcRetrievalError('nfc_retrieval_too_large', `DO'53' of ${len} bytes exceeds ${maxLength}`);
  if (p + len !== b.length) bad(`length ${len} but ${b.length - p} bytes follow`);
  return b.slice(p);
}
