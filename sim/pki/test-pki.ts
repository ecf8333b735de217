// The project's TEST PKI (TEST ONLY, never trusted in production): deterministic IACA roots for
// P-256 / P-384 / P-521 and Document Signer certificates under them, for the mdoc issuer simulator,
// the virtual wallet and tests. Keys come from fixed seed labels, so everything here is byte-identical
// to what `npm run gen:test-trust` wrote into resources/test-trust/ (a test checks that).

import type { Curve } from '../../core/crypto/provider.ts';
import { keyFromSeed, type TestKey } from './cert-builder.ts';
import { buildDs, buildIaca, type BuiltIaca, type DsVariant } from './profiles.ts';

export type TestIacaName = 'p256' | 'p384' | 'p521';
export const TEST_IACA_CURVES: Record<TestIacaName, Curve> = { p256: 'P-256', p384: 'P-384', p521: 'P-521' };

/** File name of each test IACA inside resources/test-trust/iaca/. */
export const testIacaFile = (name: TestIacaName): string => `kakunin-test-iaca-${name}.pem`;

const iacaCache = new Map<TestIacaName, BuiltIaca>();

/** The test IACA root (certificate DER + TEST private key). */
export function testIaca(name: TestIacaName = 'p256'): BuiltIaca {
  let b = iacaCache.get(name);
  if (!b) {
    const curve = TEST_IACA_CURVES[name];
    b = buildIaca({
      key: keyFromSeed(curve, `iaca-${name}`),
      subject: [
        ['C', 'JP'],
        ['O', 'Kakunin Test PKI (TEST ONLY)'],
        ['CN', `Kakunin Test IACA ${curve}`],
      ],
    });
    iacaCache.set(name, b);
  }
  return b;
}

export interface TestDocumentSigner {
  /** DS certificate DER: put it in x5chain (COSE header 33). */
  certificate: Uint8Array;
  /** DS key (TEST ONLY): sign the MSO with privateKey on `curve`. */
  curve: Curve;
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** The IACA certificate it chains to (present in resources/test-trust/iaca/). */
  iacaCertificate: Uint8Array;
  key: TestKey;
}

/**
 * A Document Signer certificate + private key under a test IACA. `variant` makes a DS that breaks
 * one Annex B rule (wrong-eku, expired, rogue-iaca, ...). The 'good' DS for each IACA is deterministic
 * (fixed key and serial); variants use fixed keys too, so results are reproducible.
 */
export function testDocumentSigner(
  iacaName: TestIacaName = 'p256',
  variant: DsVariant = 'good',
  dsCurve?: Curve,
): TestDocumentSigner {
  return documentSignerFor(testIaca(iacaName), variant, dsCurve, `${iacaName}`);
}

/** Same, under any built IACA (e.g. vicalOnlyIaca() from vical-builder.ts). */
export function documentSignerFor(
  iaca: BuiltIaca,
  variant: DsVariant = 'good',
  dsCurve?: Curve,
  label = 'custom',
): TestDocumentSigner {
  const curve = dsCurve ?? iaca.key.curve;
  const key = keyFromSeed(curve, `ds-${label}-${curve}-${variant}`);
  const ds = buildDs({ iaca, key, variant, serial: 0x1000 });
  return {
    certificate: ds.der,
    curve,
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    iacaCertificate: iaca.der,
    key,
  };
}
