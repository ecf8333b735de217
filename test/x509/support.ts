// Shared by the X.509 and trust tests: both CryptoProviders (every chain test runs on each, the
// differential rule, docs/architecture.md "Clocks and crypto are passed in"), the real roots as published and the Annex D
// certificates (both from test/support/reference-files.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { certificatesFromFile } from '../../core/x509/certificate.ts';
import { annexD, realTrustDir } from '../support/reference-files.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const REAL_DIR = realTrustDir();
export const PROVIDERS: readonly CryptoProvider[] = [nodeCrypto, nobleCrypto];

export const REAL_FILES = {
  'jlis-mnc-mdoc-iaca.pem': 'iaca',
  'jpki-auth-ca-2015.pem': 'jpki',
  'jpki-auth-ca-2023.pem': 'jpki',
  'jpki-sign-ca-2015.pem': 'jpki',
  'jpki-sign-ca-2023.pem': 'jpki',
} as const;

export function realRootDer(file: keyof typeof REAL_FILES): Uint8Array {
  const certs = certificatesFromFile(new Uint8Array(readFileSync(resolve(REAL_DIR, file))));
  if (certs.length !== 1) throw new Error(`${file}: expected one certificate`);
  return certs[0]!;
}

const { values } = annexD();
export const ANNEX_D_IACA = new Uint8Array(Buffer.from(values['iaca_root_cert']!, 'hex'));
export const ANNEX_D_DS = new Uint8Array(Buffer.from(values['ds_cert']!, 'hex'));
