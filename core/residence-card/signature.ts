// The residence card's signature (在留カード等仕様書 §3.3.4.9, §3.4.3.1; 第２世代 §3.3.4.10, §3.4.3.1):
//   1st generation: DF3/EF01 = DA (256-byte check code) + DB (X.509 card certificate);
//     RSA-2048 PKCS#1 v1.5 / SHA-256 over pad(D0 front image, 7000, 00) || pad(D1 face, 3000, 00).
//   2nd generation: DF3/EF01 = DC (96 bytes) + DD (X.509, ECDSA P-384 with SHA-256);
//     SHA256withECDSA over printed-entry values (zero-padded to 53) || D1 face || D0 name image.
// The card certificate must be signed by a root in DIR/residence-card/ (chained here, never trusting
// the card's own key alone).
import { CURVE_BYTES, type CryptoProvider } from '../crypto/provider.ts';
import { concat } from '../card/ber-tlv.ts';
import {
  parseCertificate,
  nameToString,
  ecdsaDerToRaw,
  type Certificate,
  type PublicKeyInfo,
} from '../x509/certificate.ts';
import { walkTlvs, only } from '../document/card-tlv.ts';
import { GEN1_SIGNED_FACE, GEN1_SIGNED_FRONT, GEN2_PRINTED_SIGNED } from './files.ts';
import type { ResidenceCardRoot, ResidenceCardTrust } from './trust.ts';
import type { CardTlv } from '../document/card-tlv.ts';
import { errorText } from '../errors.ts';
import { failCheck, passCheck, type ResidenceCardCheck } from './codes.ts';

export interface SignatureFile {
  signature: Uint8Array;
  certificate: Uint8Array;
}

/** DF3/EF01 of either generation (padding after the two objects is ignored). */
export function parseSignatureFile(file: Uint8Array, generation: 1 | 2): SignatureFile {
  const tlvs = walkTlvs(file, 0x00, 'DF3/EF01');
  const [sigTag, certTag] = generation === 1 ? [0xda, 0xdb] : [0xdc, 0xdd];
  return { signature: only(tlvs, sigTag, 'DF3/EF01').value, certificate: only(tlvs, certTag, 'DF3/EF01').value };
}

function padTo(b: Uint8Array, n: number): Uint8Array | null {
  if (b.length > n) return null;
  const out = new Uint8Array(n);
  out.set(b);
  return out;
}

/** The 10 000 bytes the 1st-generation check code covers; null when an image is too large. */
export function gen1SignedTarget(front: Uint8Array, face: Uint8Array): Uint8Array | null {
  const f = padTo(front, GEN1_SIGNED_FRONT);
  const p = padTo(face, GEN1_SIGNED_FACE);
  return f && p ? concat(f, p) : null;
}

/** The 2nd-generation target: printed values (file order) padded to 53, face, name image. */
export function gen2SignedTarget(
  printed: readonly CardTlv[],
  face: Uint8Array,
  nameImage: Uint8Array,
): Uint8Array | null {
  const values = padTo(concat(...printed.map((t) => t.value)), GEN2_PRINTED_SIGNED);
  return values ? concat(values, face, nameImage) : null;
}

/** Verify `signature` over `data` with a certificate key, with the ISA's algorithm pairing (P-384 + SHA-256). */
function verifyWithKey(
  key: PublicKeyInfo,
  hash: 'SHA-256' | 'SHA-384',
  data: Uint8Array,
  signature: Uint8Array,
  crypto: CryptoProvider,
  rawOrDer: boolean,
): boolean {
  if (key.kind === 'rsa') return crypto.rsaPkcs1Verify(hash, { n: key.n, e: key.e }, data, signature);
  if (key.kind !== 'ec') return false;
  const width = CURVE_BYTES[key.curve];
  // DC is 96 bytes (raw r || s) in the Appendix 2 example; the tag table calls it ASN.1: accept both.
  if (rawOrDer && signature.length === 2 * width && crypto.ecdsaVerify(key.curve, hash, key.point, data, signature))
    return true;
  try {
    return crypto.ecdsaVerify(key.curve, hash, key.point, data, ecdsaDerToRaw(signature, key.curve));
  } catch {
    return false;
  }
}

function certSignedBy(cert: Certificate, root: ResidenceCardRoot, crypto: CryptoProvider): boolean {
  const alg = cert.signatureAlgorithm;
  if (alg.kind !== 'rsa-pkcs1' && alg.kind !== 'ecdsa') return false;
  if (alg.hash !== 'SHA-256' && alg.hash !== 'SHA-384') return false;
  return verifyWithKey(root.cert.publicKey, alg.hash, cert.tbs, cert.signature, crypto, false);
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

export interface SignatureVerification {
  checks: ResidenceCardCheck[];
  /** SHA-256 of the card certificate's issuer root SPKI? No: the root's fingerprint, for the audit. */
  rootFingerprint: string | null;
}

/**
 * Chain the card certificate to a trusted ISA root, then verify the card's signature over `target`.
 * Root or certificate expiry does not fail the check: the ISA defines no retrospective rule and old
 * cards are signed under old roots, so it is reported ("historical") and the card's own expiry
 * decides validity.
 */
export function verifyResidenceCardSignature(
  generation: 1 | 2,
  sig: SignatureFile,
  target: Uint8Array | null,
  trust: ResidenceCardTrust,
  crypto: CryptoProvider,
  at: Date,
): SignatureVerification {
  let cert: Certificate;
  try {
    cert = parseCertificate(sig.certificate);
  } catch (e) {
    return {
      checks: [
        failCheck('residence_card.certificate_chain', `card certificate does not parse: ${errorText(e)}`),
        failCheck('residence_card.signature', 'not checked: no certificate'),
      ],
      rootFingerprint: null,
    };
  }
  const roots = trust.residenceCardRoots.filter((r) => nameToString(r.cert.subject) === nameToString(cert.issuer));
  const root = roots.find((r) => certSignedBy(cert, r, crypto));
  const checks: ResidenceCardCheck[] = [];
  if (!root) {
    checks.push(
      failCheck(
        'residence_card.certificate_chain',
        roots.length
          ? 'the card certificate is not signed by the ISA root of its issuer name'
          : `no trusted ISA root named ${nameToString(cert.issuer)} in the trust directory's residence-card/`,
      ),
    );
    checks.push(failCheck('residence_card.signature', 'not checked: the card certificate is not trusted'));
    return { checks, rootFingerprint: null };
  }
  const expired = [
    cert.notAfter < at ? `card certificate expired ${ymd(cert.notAfter)}` : '',
    root.cert.notAfter < at ? `root expired ${ymd(root.cert.notAfter)}` : '',
  ].filter(Boolean);
  checks.push(
    passCheck(
      'residence_card.certificate_chain',
      `${root.pinned?.name ?? nameToString(root.cert.subject)}${expired.length ? ` (historical: ${expired.join(', ')})` : ''}`,
    ),
  );
  if (cert.notBefore > at)
    checks.push(
      failCheck('residence_card.certificate_validity', `card certificate not valid before ${ymd(cert.notBefore)}`),
    );
  if (!target) {
    checks.push(failCheck('residence_card.signature', 'an image is larger than the signed length'));
    return { checks, rootFingerprint: root.fingerprint };
  }
  const good = verifyWithKey(cert.publicKey, 'SHA-256', target, sig.signature, crypto, generation === 2);
  checks.push(
    good
      ? passCheck(
          'residence_card.signature',
          generation === 1
            ? 'RSA check code over the front image and the photo'
            : 'ECDSA P-384 over the printed entries, the photo and the name image',
        )
      : failCheck('residence_card.signature', 'the signature does not verify: the images or entries were altered'),
  );
  return { checks, rootFingerprint: root.fingerprint };
}
