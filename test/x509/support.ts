// Shared by the X.509 and trust tests: both CryptoProviders (every chain test runs on each, the
// differential rule of ARCHITECTURE.md), the real roots read from ../shared (never copied into the
// repo), and the Annex D certificates.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { certificatesFromFile } from '../../core/x509/certificate.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const REAL_DIR = resolve(ROOT, '..', 'shared', 'trust', 'real');
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

const annexD = JSON.parse(
  readFileSync(resolve(ROOT, '..', 'shared', 'vectors', 'iso18013-5-annex-d.json'), 'utf8'),
) as { values: Record<string, string> };
export const ANNEX_D_IACA = new Uint8Array(Buffer.from(annexD.values['iaca_root_cert']!, 'hex'));
export const ANNEX_D_DS = new Uint8Array(Buffer.from(annexD.values['ds_cert']!, 'hex'));
