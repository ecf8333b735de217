// `kakunin trust import`: check a root (or VICAL, or card-face key) and only then copy it into a trust
// DIR in the layout load-dir.ts reads. A file that claims to be a real J-LIS root but does not match its
// pinned SHA-256 fingerprint is refused (core/trust/pinned-roots.ts), as is anything that would not load.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { checkPinnedRoot, type PinnedRoot } from '../../core/trust/pinned-roots.ts';
import { checkCardFaceKey, expiryWarnings, EXPIRY_WARNING_DAYS, TrustStore, type TrustIssue } from '../../core/trust/trust-store.ts';
import { verifyVical, VicalError } from '../../core/trust/vical.ts';
import { certificatesFromFile, nameToString, parseCertificate } from '../../core/x509/certificate.ts';
import { DerError } from '../../core/x509/der.ts';
import { derToPem, pemToDer, toHex } from '../../core/x509/pem.ts';
import { MAX_TRUST_FILE_BYTES } from './load-dir.ts';

export type ImportKind = 'iaca' | 'jpki' | 'vical' | 'vical-signer' | 'card-face';
export const IMPORT_KINDS: readonly ImportKind[] = ['iaca', 'jpki', 'vical', 'vical-signer', 'card-face'];
const SUBDIR: Record<ImportKind, string> = { iaca: 'iaca', jpki: 'jpki', vical: 'vical', 'vical-signer': 'vical-signers', 'card-face': 'card-face' };

export interface ImportOptions {
  crypto: CryptoProvider;
  now?: Date;
  /** card-face only: the 16-byte signer key id as 32 hex characters. */
  keyId?: string;
}

export type ImportResult =
  | {
      ok: true;
      kind: ImportKind;
      /** Where it was written. */
      file: string;
      /** True when an identical file was already there. */
      unchanged: boolean;
      subject?: string;
      fingerprint?: string;
      pinned?: PinnedRoot;
      notBefore?: string;
      notAfter?: string;
      warnings: TrustIssue[];
    }
  | { ok: false; error: { code: string; message: string } };

const refuse = (code: string, message: string): ImportResult => ({ ok: false, error: { code, message } });

export function importTrustFile(dir: string, kind: ImportKind, file: string, opts: ImportOptions): ImportResult {
  const now = opts.now ?? new Date();
  let bytes: Uint8Array;
  try {
    const st = statSync(file);
    if (!st.isFile()) return refuse('not_a_file', `${file} is not a regular file`);
    if (st.size > MAX_TRUST_FILE_BYTES) return refuse('file_too_large', `${file} is ${st.size} bytes (limit ${MAX_TRUST_FILE_BYTES})`);
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    return refuse('file_unreadable', `${file}: ${(e as Error).message}`);
  }

  const store = new TrustStore({ crypto: opts.crypto, now });
  const warnings: TrustIssue[] = [];

  try {
    switch (kind) {
      case 'iaca':
      case 'jpki': {
        const certs = certificatesFromFile(bytes);
        if (certs.length !== 1) return refuse('malformed_certificate', `${file} holds ${certs.length} certificates; import one root per file`);
        const r = store.checkRoot(certs[0]!, kind, file);
        if (!r.ok) return refuse(r.error.code, r.error.detail);
        const root = r.value;
        const bad = root.profileChecks.filter((c) => !c.ok);
        if (bad.length) return refuse('iaca_profile_invalid', `not an ISO 18013-5 Annex B IACA: ${bad.map((c) => c.detail).join('; ')}`);
        warnings.push(...expiryWarnings(root.cert, now, EXPIRY_WARNING_DAYS, file));
        const name = safeBase(file) + (bytes[0] === 0x30 ? '.der' : '.pem');
        return write(dir, kind, name, bytes, {
          subject: nameToString(root.cert.subject),
          fingerprint: root.fingerprint,
          ...(root.pinned ? { pinned: root.pinned } : {}),
          notBefore: root.cert.notBefore.toISOString(),
          notAfter: root.cert.notAfter.toISOString(),
          warnings,
        });
      }
      case 'vical-signer': {
        const certs = certificatesFromFile(bytes);
        if (certs.length !== 1) return refuse('malformed_certificate', `${file} holds ${certs.length} certificates; import one signer per file`);
        const cert = parseCertificate(certs[0]!);
        const fingerprint = toHex(opts.crypto.digest('SHA-256', cert.der));
        const pin = checkPinnedRoot(cert, fingerprint, 'vical-signer');
        if (pin.status === 'mismatch') return refuse('pinned_fingerprint_mismatch', pin.detail);
        if (cert.publicKey.kind !== 'ec') return refuse('unsupported_certificate', 'a VICAL signer key must be EC (ES256/ES384/ES512)');
        warnings.push(...expiryWarnings(cert, now, EXPIRY_WARNING_DAYS, file));
        // Stored as PEM: load-dir reads vical-signers/*.pem.
        return write(dir, kind, safeBase(file) + '.pem', new TextEncoder().encode(derToPem(cert.der)), {
          subject: nameToString(cert.subject),
          fingerprint,
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
          warnings,
        });
      }
      case 'vical': {
        // Trusted only if it verifies against the signers already in DIR/vical-signers.
        const signers: ReturnType<typeof parseCertificate>[] = [];
        for (const f of listPem(join(dir, 'vical-signers'))) {
          for (const der of certificatesFromFile(new Uint8Array(readFileSync(f)))) signers.push(parseCertificate(der));
        }
        const v = verifyVical(bytes, signers, opts.crypto, now);
        return write(dir, kind, safeBase(file) + '.cbor', bytes, { subject: `VICAL signed by ${nameToString(v.signer.subject)}`, fingerprint: toHex(opts.crypto.digest('SHA-256', bytes)), warnings });
      }
      case 'card-face': {
        if (!opts.keyId) return refuse('usage', '--key-id HEX (32 hex characters, the 16-byte signer key id) is required for --kind card-face');
        const text = new TextDecoder().decode(bytes);
        const spki = bytes[0] === 0x30 ? bytes : pemToDer(text, 'PUBLIC KEY');
        const r = checkCardFaceKey(opts.keyId, spki, file);
        if (!r.ok) return refuse(r.error.code, r.error.detail);
        return write(dir, kind, `${r.value.keyId}.pem`, new TextEncoder().encode(derToPem(spki, 'PUBLIC KEY')), {
          subject: `RSA-${r.value.key.n.length * 8} card-face key ${r.value.keyId}`,
          fingerprint: toHex(opts.crypto.digest('SHA-256', spki)),
          warnings,
        });
      }
    }
  } catch (e) {
    if (e instanceof DerError) return refuse(e.code, e.message);
    if (e instanceof VicalError) return refuse(e.code, e.message);
    throw e;
  }
}

function safeBase(file: string): string {
  const b = basename(file, extname(file)).replace(/[^A-Za-z0-9._-]/g, '_');
  return b.length ? b : 'imported';
}

function listPem(sub: string): string[] {
  if (!existsSync(sub)) return [];
  return readdirSync(sub)
    .sort()
    .filter((n) => /\.(pem|der|crt|cer)$/i.test(n))
    .map((n) => join(sub, n));
}

function write(
  dir: string,
  kind: ImportKind,
  name: string,
  bytes: Uint8Array,
  info: { subject?: string; fingerprint?: string; pinned?: PinnedRoot; notBefore?: string; notAfter?: string; warnings: TrustIssue[] },
): ImportResult {
  const sub = join(dir, SUBDIR[kind]);
  const dest = join(sub, name);
  if (existsSync(dest)) {
    const old = readFileSync(dest);
    if (Buffer.compare(old, Buffer.from(bytes)) === 0) return { ok: true, kind, file: dest, unchanged: true, ...info };
    return refuse('file_exists', `${dest} already exists with different content; remove it first`);
  }
  mkdirSync(sub, { recursive: true });
  writeFileSync(dest, bytes, { flag: 'wx' });
  return { ok: true, kind, file: dest, unchanged: false, ...info };
}
