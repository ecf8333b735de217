// DES (FIPS 46-3) and the TDEA / 3DES-EDE built from it (NIST SP 800-67), for the pure backend
// (@noble/ciphers has no DES): the residence card's 1st generation and ICAO secure messaging after
// BAC (Doc 9303-11 §9.8.6) use two-key 3DES-CBC and the ISO/IEC 9797-1 MAC algorithm 3 built on it.
// Node's OpenSSL provides the same ciphers for the native backend; test/crypto/des-cbc.test.ts
// checks this file against OpenSSL and the FIPS 81 example.
//
// The tables below are FIPS 46-3's, 1-based bit numbers with bit 1 the most significant; the
// S-box/P step is folded into eight 64-entry tables at load. Only session keys and card data flow
// through here, no long-term secret, so table lookups indexed by key bits are acceptable.

const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24,
  16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31,
  23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21,
  61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49,
  17, 57, 25,
];
const P = [
  16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, 63, 55,
  47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30,
  40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8, 4, 1,
    14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5, 0, 14,
    7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1, 13, 6,
    4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9, 10, 6,
    9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6, 4, 2, 1,
    11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8, 9, 14,
    15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6, 1, 4,
    11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2, 7, 11,
    4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
  ],
];

/** Bit `n` (1 = most significant) of a 32-bit word. */
const bit32 = (w: number, n: number) => (w >>> (32 - n)) & 1;

/** SP[i][v]: P(S_i(v) placed in bits 4i+1..4i+4): one round's S and P steps are eight lookups. */
const SP: Uint32Array[] = S.map((box, i) => {
  const t = new Uint32Array(64);
  for (let v = 0; v < 64; v++) {
    const row = ((v >> 4) & 2) | (v & 1); // outer bits b1 b6
    const col = (v >> 1) & 15; // inner bits b2..b5
    const s = box[row * 16 + col]! << (28 - 4 * i);
    let out = 0;
    for (let j = 0; j < 32; j++) out |= bit32(s, P[j]!) << (31 - j);
    t[v] = out >>> 0;
  }
  return t;
});

/** Permute 64 bits held as [hi, lo] by a FIPS table of 1-based positions. */
function permute64(hi: number, lo: number, table: readonly number[]): [number, number] {
  let h = 0;
  let l = 0;
  for (let j = 0; j < 32; j++) {
    const n = table[j]!;
    h |= (n <= 32 ? bit32(hi, n) : bit32(lo, n - 32)) << (31 - j);
  }
  for (let j = 32; j < 64; j++) {
    const n = table[j]!;
    l |= (n <= 32 ? bit32(hi, n) : bit32(lo, n - 32)) << (63 - j);
  }
  return [h >>> 0, l >>> 0];
}

/** The 16 round keys, each as eight 6-bit groups (§ "Key schedule calculation"). */
export function desKeySchedule(key: Uint8Array): Uint8Array[] {
  if (key.length !== 8) throw new Error('DES key must be 8 bytes');
  const bits: number[] = [];
  for (const b of key) for (let i = 7; i >= 0; i--) bits.push((b >> i) & 1);
  let c = PC1.slice(0, 28).map((n) => bits[n - 1]!);
  let d = PC1.slice(28).map((n) => bits[n - 1]!);
  const out: Uint8Array[] = [];
  for (const sh of SHIFTS) {
    c = c.slice(sh).concat(c.slice(0, sh));
    d = d.slice(sh).concat(d.slice(0, sh));
    const cd = c.concat(d);
    const k = PC2.map((n) => cd[n - 1]!);
    const groups = new Uint8Array(8);
    for (let g = 0; g < 8; g++) for (let j = 0; j < 6; j++) groups[g] = (groups[g]! << 1) | k[6 * g + j]!;
    out.push(groups);
  }
  return out;
}

/** The cipher function f(R, K) (§ "The cipher function f"): expansion E, key, S-boxes, P. */
function f(r: number, k: Uint8Array): number {
  // E takes bits 32,1..5 / 4..9 / ... : group g is the six bits starting at position 4g (1-based,
  // cyclic), i.e. the top six bits of R rotated right by 1 and then left by 4g.
  const rr = ((r >>> 1) | (r << 31)) >>> 0;
  let out = 0;
  for (let g = 0; g < 8; g++) {
    const sh = 4 * g;
    const w = sh === 0 ? rr : ((rr << sh) | (rr >>> (32 - sh))) >>> 0;
    out ^= SP[g]![((w >>> 26) & 63) ^ k[g]!]!;
  }
  return out >>> 0;
}

/** One 8-byte block through DES with a key schedule (decrypt = subkeys in reverse order). */
export function desBlock(
  schedule: readonly Uint8Array[],
  input: Uint8Array,
  decrypt: boolean,
  out: Uint8Array,
  at = 0,
): void {
  const hi = ((input[0]! << 24) | (input[1]! << 16) | (input[2]! << 8) | input[3]!) >>> 0;
  const lo = ((input[4]! << 24) | (input[5]! << 16) | (input[6]! << 8) | input[7]!) >>> 0;
  let [l, r] = permute64(hi, lo, IP);
  for (let i = 0; i < 16; i++) {
    const k = schedule[decrypt ? 15 - i : i]!;
    const nr = (l ^ f(r, k)) >>> 0;
    l = r;
    r = nr;
  }
  const [h, w] = permute64(r, l, FP); // preoutput is R16 L16
  out[at] = h >>> 24;
  out[at + 1] = (h >>> 16) & 0xff;
  out[at + 2] = (h >>> 8) & 0xff;
  out[at + 3] = h & 0xff;
  out[at + 4] = w >>> 24;
  out[at + 5] = (w >>> 16) & 0xff;
  out[at + 6] = (w >>> 8) & 0xff;
  out[at + 7] = w & 0xff;
}

/**
 * DES (8-byte key) or TDEA-EDE (16-byte two-key K1 K2 K1, or 24-byte K1 K2 K3; SP 800-67 §3.1) in
 * CBC mode without padding. `data` must be a multiple of 8 bytes, `iv` 8 bytes.
 */
export function desCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array, decrypt: boolean): Uint8Array {
  const keys =
    key.length === 8
      ? [key]
      : [key.subarray(0, 8), key.subarray(8, 16), key.length === 24 ? key.subarray(16, 24) : key.subarray(0, 8)];
  const ks = keys.map(desKeySchedule);
  const out = new Uint8Array(data.length);
  const chain = Uint8Array.from(iv); // a copy even when iv is a Buffer (Buffer.slice is a view)
  const t1 = new Uint8Array(8);
  const t2 = new Uint8Array(8);
  for (let o = 0; o < data.length; o += 8) {
    const block = data.subarray(o, o + 8);
    if (!decrypt) {
      for (let i = 0; i < 8; i++) t1[i] = block[i]! ^ chain[i]!;
      if (ks.length === 1) desBlock(ks[0]!, t1, false, out, o);
      else {
        desBlock(ks[0]!, t1, false, t2);
        desBlock(ks[1]!, t2, true, t1);
        desBlock(ks[2]!, t1, false, out, o);
      }
      chain.set(out.subarray(o, o + 8));
    } else {
      if (ks.length === 1) desBlock(ks[0]!, block, true, t1);
      else {
        desBlock(ks[2]!, block, true, t2);
        desBlock(ks[1]!, t2, false, t1);
        desBlock(ks[0]!, t1, true, t2);
        t1.set(t2);
      }
      for (let i = 0; i < 8; i++) out[o + i] = t1[i]! ^ chain[i]!;
      chain.set(block);
    }
  }
  return out;
}
