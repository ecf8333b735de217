// PEM <-> DER (RFC 7468). Strict: the base64 body must be canonical (RFC 4648 §3.5: padding bits
// zero, '=' only at the end), and exactly one block of the expected label is taken from the text.
// core/ has no Buffer or atob, so base64 is done here.

import { fromHex, toHex } from '../bytes.ts';
import { DerError } from './der.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Hard cap on a PEM body: certificates and keys are a few KiB. */
const MAX_PEM_CHARS = 1 << 20;

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Decode base64 ignoring whitespace; returns null on any non-canonical or invalid input. */
export function base64Decode(text: string): Uint8Array | null {
  const clean = text.replace(/[\r\n\t ]/g, '');
  if (clean.length % 4 !== 0) return null;
  let pad = 0;
  if (clean.endsWith('==')) pad = 2;
  else if (clean.endsWith('=')) pad = 1;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const last = i + 4 === clean.length;
    const v: number[] = [];
    for (let j = 0; j < 4; j++) {
      const c = clean.charCodeAt(i + j);
      if (c === 61 /* = */ && last && j >= 4 - pad) {
        v.push(0);
        continue;
      }
      const d = c < 128 ? DECODE[c]! : -1;
      if (d < 0) return null;
      v.push(d);
    }
    const n = (v[0]! << 18) | (v[1]! << 12) | (v[2]! << 6) | v[3]!;
    if (last && pad === 2 && (n & 0xffff) !== 0) return null; // non-zero padding bits
    if (last && pad === 1 && (n & 0xff) !== 0) return null;
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

/**
 * Every PEM block in `text` (labels as written, e.g. "CERTIFICATE", "PUBLIC KEY"). A linear scan:
 * a regular expression with a lazy body is quadratic on text full of BEGIN lines without END.
 */
export function pemBlocks(text: string): PemBlock[] {
  if (text.length > MAX_PEM_CHARS)
    throw new DerError('malformed_certificate', `PEM text longer than ${MAX_PEM_CHARS} characters`);
  const out: PemBlock[] = [];
  const BEGIN = '-----BEGIN ';
  const DASHES = '-----';
  let pos = 0;
  for (;;) {
    const b = text.indexOf(BEGIN, pos);
    if (b < 0) break;
    const labelEnd = text.indexOf(DASHES, b + BEGIN.length);
    if (labelEnd < 0) throw new DerError('malformed_certificate', 'unterminated PEM BEGIN line');
    const label = text.slice(b + BEGIN.length, labelEnd);
    if (!/^[A-Z0-9 ]{1,64}$/.test(label)) throw new DerError('malformed_certificate', 'invalid PEM label');
    const endMarker = `-----END ${label}-----`;
    const bodyStart = labelEnd + DASHES.length;
    const e = text.indexOf(endMarker, bodyStart);
    if (e < 0) throw new DerError('malformed_certificate', `PEM block "${label}" has no matching END line`);
    const body = text.slice(bodyStart, e);
    if (body.includes(BEGIN))
      throw new DerError('malformed_certificate', `PEM block "${label}" contains another BEGIN line`);
    const der = base64Decode(body);
    if (!der || der.length === 0)
      throw new DerError('malformed_certificate', `PEM block "${label}" has invalid base64`);
    out.push({ label, der });
    pos = e + endMarker.length;
  }
  return out;
}

/** The DER of the single PEM block labelled `label`; throws if there is none or more than one. */
export function pemToDer(text: string, label = 'CERTIFICATE'): Uint8Array {
  const blocks = pemBlocks(text).filter((b) => b.label === label);
  const code = label === 'CERTIFICATE' ? 'malformed_certificate' : 'malformed_key';
  if (blocks.length === 0) throw new DerError(code, `no "${label}" PEM block found`);
  if (blocks.length > 1) throw new DerError(code, `${blocks.length} "${label}" PEM blocks found, expected exactly one`);
  return blocks[0]!.der;
}

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = base64Encode(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Re-exported for the callers that print fingerprints with them (core/bytes.ts has the one copy). */
export { toHex, fromHex };

/** "6E:8A:31:..." form used by openssl and the real-roots README. */
export function colonHex(bytes: Uint8Array): string {
  return toHex(bytes)
    .toUpperCase()
    .replace(/(..)(?=.)/g, '$1:');
}
