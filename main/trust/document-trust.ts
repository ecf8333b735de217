// The trust folders of the licence and the residence card, beside the mdoc / My Number ones:
//   DIR/residence-card/*.pem|der|crt|cer   ISA roots (self-signed; an ISA-looking subject must
//                                          match a pinned fingerprint, core/residence-card/trust.ts)
//   DIR/driving-licence/*.pem|der|crt|cer  NPA licence signer certificates, found by their
//                                          subject key identifier (EF07 tag B6)
// Files are read bounded; a refused file is reported (errors) and never trusted.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import {
  certificatesFromFile,
  ecdsaDerToRaw,
  nameToString,
  parseCertificate,
  type Certificate,
} from '../../core/x509/certificate.ts';
import { toHex } from '../../core/x509/pem.ts';
import { verifyCertificateSignature } from '../../core/x509/signature.ts';
import { checkIsaRoot, type ResidenceCardRoot, type ResidenceCardTrust } from '../../core/residence-card/trust.ts';
import type { LicenceSigner, LicenceTrust } from '../../core/licence/trust.ts';
import { MAX_TRUST_FILE_BYTES } from './load-dir.ts';
import { errorText } from '../../core/errors.ts';
import type { TrustIssue } from '../../core/trust/trust-store.ts';

export interface DocumentTrust extends ResidenceCardTrust, LicenceTrust {
  errors: (TrustIssue & { file: string })[];
}

const EXTS = ['.pem', '.der', '.crt', '.cer'];

function certsIn(sub: string, errors: DocumentTrust['errors']): { file: string; der: Uint8Array }[] {
  if (!existsSync(sub)) return [];
  const out: { file: string; der: Uint8Array }[] = [];
  for (const n of readdirSync(sub).sort()) {
    const f = join(sub, n);
    if (!EXTS.some((e) => n.toLowerCase().endsWith(e)) || !statSync(f).isFile()) continue;
    if (statSync(f).size > MAX_TRUST_FILE_BYTES) {
      errors.push({
        code: 'trust_file_too_large',
        detail: `${n} is larger than ${MAX_TRUST_FILE_BYTES} bytes`,
        file: f,
      });
      continue;
    }
    try {
      for (const der of certificatesFromFile(new Uint8Array(readFileSync(f)))) out.push({ file: f, der });
    } catch (e) {
      errors.push({ code: 'malformed_certificate', detail: errorText(e), file: f });
    }
  }
  return out;
}

export function loadDocumentTrust(dir: string, crypto: CryptoProvider): DocumentTrust {
  const errors: DocumentTrust['errors'] = [];
  const residenceCardRoots: ResidenceCardRoot[] = [];
  const licenceSigners = new Map<string, LicenceSigner>();
  for (const { file, der } of certsIn(join(dir, 'residence-card'), errors)) {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch (e) {
      errors.push({ code: 'malformed_certificate', detail: errorText(e), file });
      continue;
    }
    const fingerprint = toHex(crypto.digest('SHA-256', cert.der)).toLowerCase();
    const subject = nameToString(cert.subject);
    const pin = checkIsaRoot(subject, fingerprint);
    if (!pin.ok) {
      errors.push({ code: 'pinned_root_mismatch', detail: pin.reason, file });
      continue;
    }
    if (
      subject !== nameToString(cert.issuer) ||
      (!verifyCertificateSignature(cert, cert.publicKey, crypto).ok && !selfSignedIsa(cert, crypto))
    ) {
      errors.push({ code: 'root_not_self_signed', detail: `${subject} is not a self-signed root`, file });
      continue;
    }
    residenceCardRoots.push({ cert, fingerprint, origin: file, ...(pin.pinned ? { pinned: pin.pinned } : {}) });
  }
  for (const { file, der } of certsIn(join(dir, 'driving-licence'), errors)) {
    try {
      const cert = parseCertificate(der);
      if (!cert.subjectKeyIdentifier) {
        errors.push({
          code: 'licence_signer_without_ski',
          detail: 'a licence signer certificate needs a subject key identifier (EF07 B6 names it)',
          file,
        });
        continue;
      }
      if (cert.publicKey.kind !== 'rsa') {
        errors.push({
          code: 'licence_signer_key',
          detail: `licence signer key is ${cert.publicKey.kind}, expected RSA`,
          file,
        });
        continue;
      }
      licenceSigners.set(toHex(cert.subjectKeyIdentifier).toLowerCase(), {
        cert,
        origin: file,
        fingerprint: toHex(crypto.digest('SHA-256', cert.der)).toLowerCase(),
      });
    } catch (e) {
      errors.push({ code: 'malformed_certificate', detail: errorText(e), file });
    }
  }
  return { residenceCardRoots, licenceSigners, errors };
}

/** The ISA's CA2 signs with ecdsa-with-SHA256 on a P-384 key, which the mdoc rule (P-384 needs SHA-384) refuses. */
function selfSignedIsa(cert: Certificate, crypto: CryptoProvider): boolean {
  const k = cert.publicKey;
  const a = cert.signatureAlgorithm;
  if (k.kind !== 'ec' || a.kind !== 'ecdsa' || a.hash !== 'SHA-256') return false;
  try {
    return crypto.ecdsaVerify(k.curve, 'SHA-256', k.point, cert.tbs, ecdsaDerToRaw(cert.signature, k.curve));
  } catch {
    return false;
  }
}
