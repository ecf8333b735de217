// Active Authentication (ICAO Doc 9303-11 §6.1, worked example App. F): INTERNAL AUTHENTICATE with a
// fresh 8-byte nonce; the chip signs it with the key whose public half is in DG15 (vouched for by the
// SOD). RSA: ISO/IEC 9796-2 scheme 1 with partial message recovery (§6.1.2.2): the recovered F is
// '6A' || M1 || H(M1 || RND.IFD) || trailer ('BC' for SHA-1, '38CC' / '34CC' / '36CC' / '35CC' for
// SHA-224/256/384/512). ECDSA: plain r || s (TR-03111) over H(RND.IFD), the hash named by DG14's
// ActiveAuthenticationInfo (§6.1.2.3).
import type { CryptoProvider, HashAlg } from '../crypto/provider.ts';
import { CURVE_BYTES, HASH_BYTES } from '../crypto/provider.ts';
import { ecdsaDerToRaw, parseSubjectPublicKeyInfo, type PublicKeyInfo } from '../x509/certificate.ts';
import { DerError } from '../x509/der.ts';
import { parseTlv } from '../card/ber-tlv.ts';
import type { PassportChannel } from './channel.ts';
import type { ActiveAuthenticationInfo } from './security-infos.ts';

const TRAILERS: Record<number, HashAlg> = { 0x38: 'SHA-224', 0x34: 'SHA-256', 0x36: 'SHA-384', 0x35: 'SHA-512' };

/** DG15: 6F { SubjectPublicKeyInfo } (§6.1.5). RSA keys of 1024 bits and more are accepted (App. F uses 1024). */
export function parseDg15(bytes: Uint8Array): PublicKeyInfo {
  const outer = parseTlv(bytes, 0);
  if (outer.tag !== 0x6f) throw new DerError('malformed_key', `DG15 outer tag ${outer.tag.toString(16)}`);
  return parseSubjectPublicKeyInfo(outer.value, 'malformed_key', { rsaMinBytes: 128 });
}

/**
 * Check a recovered ISO/IEC 9796-2 message representative F against our nonce M2 (§6.1.2.2): header
 * '6A' (partial recovery), trailer naming the hash, H(M1 || M2) equal to the hash inside F.
 */
export function checkIso9796Representative(
  f: Uint8Array,
  m2: Uint8Array,
  crypto: Pick<CryptoProvider, 'digest'>,
): { ok: true; hash: HashAlg } | { ok: false; reason: string } {
  let hash: HashAlg;
  let t: number;
  if (f[f.length - 1] === 0xbc) {
    hash = 'SHA-1';
    t = 1;
  } else if (f[f.length - 1] === 0xcc && TRAILERS[f[f.length - 2]!]) {
    hash = TRAILERS[f[f.length - 2]!]!;
    t = 2;
  } else return { ok: false, reason: 'the recovered message has no ISO/IEC 9796-2 trailer' };
  if (f[0] !== 0x6a)
    return { ok: false, reason: `the recovered message header is ${f[0]!.toString(16)}, not 6A (partial recovery)` };
  const h = HASH_BYTES[hash];
  if (f.length < 1 + h + t) return { ok: false, reason: 'the recovered message is too short' };
  const m1 = f.subarray(1, f.length - h - t);
  const inF = f.subarray(f.length - h - t, f.length - t);
  const m = new Uint8Array(m1.length + m2.length);
  m.set(m1);
  m.set(m2, m1.length);
  const d = crypto.digest(hash, m);
  let diff = 0;
  for (let i = 0; i < h; i++) diff |= d[i]! ^ inF[i]!;
  return diff === 0
    ? { ok: true, hash }
    : { ok: false, reason: `H(M1 || RND.IFD) differs: the chip did not sign our nonce` };
}

/** Verify the chip's answer to our nonce with the DG15 key. */
export function verifyActiveAuthentication(
  key: PublicKeyInfo,
  aaInfo: ActiveAuthenticationInfo | undefined,
  nonce: Uint8Array,
  signature: Uint8Array,
  crypto: CryptoProvider,
): { ok: true; detail: string } | { ok: false; reason: string } {
  if (key.kind === 'rsa') {
    const rsa = { n: key.n, e: key.e };
    const f = crypto.rsaPublicOp(rsa, signature);
    if (!f) return { ok: false, reason: 'the signature is not a valid RSA signature for the DG15 key' };
    let r = checkIso9796Representative(f, nonce, crypto);
    if (!r.ok && f[f.length - 1] !== 0xbc && f[f.length - 1] !== 0xcc) {
      // ISO/IEC 9796-2 lets the signer send n - s when that is smaller: recover from n - F.
      let n = 0n;
      for (const b of key.n) n = (n << 8n) | BigInt(b);
      let v = 0n;
      for (const b of f) v = (v << 8n) | BigInt(b);
      const alt = n - v;
      const bytes = new Uint8Array(f.length);
      let x = alt;
      for (let i = bytes.length - 1; i >= 0; i--, x >>= 8n) bytes[i] = Number(x & 0xffn);
      r = checkIso9796Representative(bytes, nonce, crypto);
    }
    return r.ok
      ? {
          ok: true,
          detail: `Active Authentication (RSA-${key.n.length * 8}, ISO/IEC 9796-2, ${r.hash}) over a fresh nonce`,
        }
      : { ok: false, reason: r.reason };
  }
  if (key.kind === 'ec') {
    const hash = aaInfo?.hash;
    if (!hash || hash === 'SHA-1')
      return {
        ok: false,
        reason: 'ECDSA Active Authentication without a usable ActiveAuthenticationInfo hash in DG14',
      };
    let raw = signature;
    if (signature.length !== 2 * CURVE_BYTES[key.curve]) {
      // Some chips answer DER (gmrtd notes a Portuguese ID); accept it converted, never a third form.
      try {
        raw = ecdsaDerToRaw(signature, key.curve);
      } catch {
        return { ok: false, reason: 'the ECDSA signature is neither plain r || s nor DER' };
      }
    }
    return crypto.ecdsaVerify(key.curve, hash, key.point, nonce, raw)
      ? { ok: true, detail: `Active Authentication (ECDSA ${key.curve}, ${hash}) over a fresh nonce` }
      : { ok: false, reason: 'the ECDSA signature over our nonce does not verify' };
  }
  return { ok: false, reason: `unsupported Active Authentication key ${key.kind}` };
}

/** INTERNAL AUTHENTICATE with a fresh nonce (§6.1.3); the answer is checked by the caller after PA vouched for DG15. */
export async function performActiveAuthentication(
  ch: PassportChannel,
  crypto: Pick<CryptoProvider, 'randomBytes'>,
): Promise<{ nonce: Uint8Array; signature: Uint8Array | null; sw: number }> {
  const nonce = crypto.randomBytes(8);
  const r = await ch.send({ cla: 0x00, ins: 0x88, p1: 0x00, p2: 0x00, data: nonce, le: 256 });
  return { nonce, signature: r.sw === 0x9000 ? r.data : null, sw: r.sw };
}
