// Reads a trust DIR into a TrustStore. The layout is a contract (issue 2), exactly:
//   DIR/iaca/*.pem|*.der                  IACA roots
//   DIR/vical/*.cbor + DIR/vical-signers/*.pem   AAMVA-style VICAL (COSE_Sign1); its IACAs are trusted
//                                         only if the VICAL verifies against a vical signer
//   DIR/jpki/*.pem                        JPKI roots (My Number Card certificates)
//   DIR/card-face/<32 hex>.pem            RSA SubjectPublicKeyInfo of a card-face AP signer key,
//                                         named by the 16-byte signer key id
// A bad file becomes an error that names it; nothing here throws for file content.

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { EXPIRY_WARNING_DAYS, expiryWarnings, TrustStore } from '../../core/trust/trust-store.ts';
import { addVical } from '../../core/trust/vical.ts';
import { DerError } from '../../core/x509/der.ts';
import { certificatesFromFile, parseCertificate, type Certificate } from '../../core/x509/certificate.ts';
import { pemToDer, toHex } from '../../core/x509/pem.ts';

export interface LoadOptions {
  crypto: CryptoProvider;
  now?: Date;
  expiryWarningDays?: number;
}

/** Trust files are small; anything larger is refused before reading it. */
export const MAX_TRUST_FILE_BYTES = 4 * 1024 * 1024;

export const TRUST_SUBDIRS = ['iaca', 'vical', 'vical-signers', 'jpki', 'card-face'] as const;

export function loadTrustDir(dir: string, opts: LoadOptions): TrustStore {
  const store = new TrustStore({ crypto: opts.crypto, now: opts.now ?? new Date(), ...(opts.expiryWarningDays !== undefined ? { expiryWarningDays: opts.expiryWarningDays } : {}) });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    store.errors.push({ code: 'trust_dir_missing', detail: `trust directory ${dir} does not exist`, file: dir });
    return store;
  }
  if (!TRUST_SUBDIRS.some((s) => existsSync(join(dir, s)))) {
    store.warnings.push({ code: 'trust_dir_empty', detail: `${dir} has none of ${TRUST_SUBDIRS.join(', ')}`, file: dir });
  }

  for (const f of files(store, join(dir, 'iaca'), ['.pem', '.der', '.crt', '.cer'])) {
    for (const der of readCertificates(store, f)) store.addRoot(der, 'iaca', f);
  }
  for (const f of files(store, join(dir, 'jpki'), ['.pem', '.der', '.crt', '.cer'])) {
    for (const der of readCertificates(store, f)) store.addRoot(der, 'jpki', f);
  }
  for (const f of files(store, join(dir, 'card-face'), ['.pem'])) {
    const bytes = readBounded(store, f);
    if (!bytes) continue;
    let spki: Uint8Array;
    try {
      spki = pemToDer(new TextDecoder().decode(bytes), 'PUBLIC KEY');
    } catch (e) {
      store.errors.push({ code: 'malformed_key', detail: e instanceof Error ? e.message : String(e), file: f });
      continue;
    }
    store.addCardFaceKey(basename(f, '.pem'), spki, f);
  }
  // VICAL signers are the anchors of the VICAL signature: load them first, then each VICAL.
  const signers: Certificate[] = [];
  for (const f of files(store, join(dir, 'vical-signers'), ['.pem', '.der', '.crt', '.cer'])) {
    for (const der of readCertificates(store, f)) {
      try {
        const cert = parseCertificate(der);
        signers.push(cert);
        // Listed (and expiry-warned) like roots; they anchor only the VICAL signature.
        store.vicalSigners.push({ cert, fingerprint: toHex(opts.crypto.digest('SHA-256', cert.der)), kind: 'vical-signer', origin: f, profileChecks: [] });
        store.warnings.push(...expiryWarnings(cert, store.now, opts.expiryWarningDays ?? EXPIRY_WARNING_DAYS, f));
      } catch (e) {
        store.errors.push({ code: e instanceof DerError ? e.code : 'malformed_certificate', detail: (e as Error).message, file: f });
      }
    }
  }
  for (const f of files(store, join(dir, 'vical'), ['.cbor'])) {
    const bytes = readBounded(store, f);
    if (bytes) addVical(store, bytes, signers, f);
  }
  return store;
}

function files(store: TrustStore, sub: string, exts: string[]): string[] {
  if (!existsSync(sub)) return [];
  let names: string[];
  try {
    names = readdirSync(sub).sort();
  } catch (e) {
    store.errors.push({ code: 'trust_dir_unreadable', detail: (e as Error).message, file: sub });
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith('.') || n === 'README.md') continue;
    const p = join(sub, n);
    if (!exts.includes(extname(n).toLowerCase())) {
      store.warnings.push({ code: 'ignored_file', detail: `not a ${exts.join('/')} file, ignored`, file: p });
      continue;
    }
    out.push(p);
  }
  return out;
}

function readBounded(store: TrustStore, f: string): Uint8Array | null {
  try {
    const st = statSync(f);
    if (!st.isFile()) {
      store.errors.push({ code: 'not_a_file', detail: 'not a regular file', file: f });
      return null;
    }
    if (st.size > MAX_TRUST_FILE_BYTES) {
      store.errors.push({ code: 'file_too_large', detail: `${st.size} bytes exceeds ${MAX_TRUST_FILE_BYTES}`, file: f });
      return null;
    }
    return new Uint8Array(readFileSync(f));
  } catch (e) {
    store.errors.push({ code: 'file_unreadable', detail: (e as Error).message, file: f });
    return null;
  }
}

function readCertificates(store: TrustStore, f: string): Uint8Array[] {
  const bytes = readBounded(store, f);
  if (!bytes) return [];
  try {
    return certificatesFromFile(bytes);
  } catch (e) {
    store.errors.push({ code: e instanceof DerError ? e.code : 'malformed_certificate', detail: (e as Error).message, file: f });
    return [];
  }
}
