// Byte helpers used across core/, main/ and sim/: one copy of each.

/** The parts one after another, in a new array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Same length and same bytes. Constant time in the contents (no early exit; the length is public):
 * that matters where the comparison guards a secret or a signature, and costs nothing elsewhere.
 * The callers that rely on it: the COSE_Mac0 tag (cose/mac0.ts: a secret-keyed MAC) and the RSA
 * signature blocks (card/verify.ts card-face DF28, crypto/noble.ts RSASSA-PKCS1-v1_5). Digests,
 * names and ids compared elsewhere are public.
 */
export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Lower-case hex, two digits a byte. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Hex (either case, even length) to bytes; null for anything else. */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Hex that the program itself wrote (constants, AIDs): a bad literal is a bug, so it throws. */
export function hexBytes(hex: string): Uint8Array {
  const b = fromHex(hex);
  if (!b) throw new Error(`bad hex literal ${JSON.stringify(hex.slice(0, 16))}`);
  return b;
}

/** One character a byte (ISO 8859-1): never throws, whatever the bytes. Built in slices, so a long
 *  input stays far below String.fromCharCode's argument limit. */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 1024)
    s += String.fromCharCode.apply(null, b.subarray(i, i + 1024) as unknown as number[]);
  return s;
}
