// TEST ONLY: the virtual wallet's check of a DocRequest's readerAuth (ISO 18013-5 §9.1.4), written
// from the clause, not from the kiosk's signer (core/mdoc/request/reader-authentication.ts):
//   ReaderAuthentication = ["ReaderAuthentication", SessionTranscript, ItemsRequestBytes]
//   ReaderAuthenticationBytes = #6.24(bstr .cbor ReaderAuthentication), the detached payload;
//   COSE_Sign1 (RFC 9052 §4.4): Sig_structure = ["Signature1", protected, h'', payload];
//   x5chain (label 33) in the unprotected header, reader certificate first;
//   the reader certificate must chain to the reader root the wallet trusts, be valid now and carry
//   ExtendedKeyUsage 1.0.18013.5.1.6.
// Built with the generic CBOR encoder (the kiosk writes the bytes by hand), so a byte the two
// disagree on fails here.
import { encodeCbor, EmbeddedCbor, type CborMap, type CborValue } from '../../core/cbor/index.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { decodeCbor } from '../../core/cbor/index.ts';
import { nameAttribute, parseCertificate } from '../../core/x509/certificate.ts';
import { verifyCertificateSignature } from '../../core/x509/signature.ts';

export type ReaderAuthVerdict =
  | { ok: true; subjectCn: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'untrusted-chain' | 'expired' | 'wrong-eku' | 'bad-signature' };

const ALG_HASH: Record<number, { curve: 'P-256' | 'P-384' | 'P-521'; hash: 'SHA-256' | 'SHA-384' | 'SHA-512' }> = {
  [-7]: { curve: 'P-256', hash: 'SHA-256' },
  [-35]: { curve: 'P-384', hash: 'SHA-384' },
  [-36]: { curve: 'P-521', hash: 'SHA-512' },
};

export function checkReaderAuth(o: {
  crypto: CryptoProvider;
  readerAuth: CborValue | undefined;
  /** The wallet's own SessionTranscript array (as it derived its session keys from). */
  transcript: CborValue[];
  itemsRequest: EmbeddedCbor;
  readerRoot: Uint8Array;
  now: Date;
}): ReaderAuthVerdict {
  if (o.readerAuth === undefined) return { ok: false, reason: 'missing' };
  const ra = o.readerAuth;
  if (!Array.isArray(ra) || ra.length !== 4) return { ok: false, reason: 'malformed' };
  const [prot, unprot, payload, signature] = ra;
  if (
    !(prot instanceof Uint8Array) ||
    !(unprot instanceof Map) ||
    payload !== null ||
    !(signature instanceof Uint8Array)
  )
    return { ok: false, reason: 'malformed' };
  let alg: number | undefined;
  try {
    alg = ((decodeCbor(prot) as CborMap).get(1) as number | undefined) ?? undefined;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const a = alg === undefined ? undefined : ALG_HASH[alg];
  if (!a) return { ok: false, reason: 'malformed' };
  const x5 = unprot.get(33);
  const chain = x5 instanceof Uint8Array ? [x5] : Array.isArray(x5) ? (x5 as Uint8Array[]) : [];
  if (!chain.length || !(chain[0] instanceof Uint8Array)) return { ok: false, reason: 'malformed' };
  let leaf, root;
  try {
    leaf = parseCertificate(chain[0]!);
    root = parseCertificate(o.readerRoot);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // Chain: reader certificate directly under the trusted reader root (the test PKI has no intermediates).
  if (!verifyCertificateSignature(leaf, root.publicKey, o.crypto).ok) return { ok: false, reason: 'untrusted-chain' };
  if (o.now < leaf.notBefore || o.now > leaf.notAfter) return { ok: false, reason: 'expired' };
  if (!leaf.extendedKeyUsage?.includes('1.0.18013.5.1.6')) return { ok: false, reason: 'wrong-eku' };
  if (leaf.publicKey.kind !== 'ec' || leaf.publicKey.curve !== a.curve) return { ok: false, reason: 'malformed' };
  const readerAuthentication: CborValue[] = ['ReaderAuthentication', o.transcript, o.itemsRequest];
  const payloadBytes = EmbeddedCbor.wrap(readerAuthentication).raw;
  const toBeSigned = encodeCbor(['Signature1', prot, new Uint8Array(0), payloadBytes]);
  const good = o.crypto.ecdsaVerify(a.curve, a.hash, leaf.publicKey.point, toBeSigned, signature);
  if (!good) return { ok: false, reason: 'bad-signature' };
  return { ok: true, subjectCn: nameAttribute(leaf.subject, 'CN') ?? '' };
}
