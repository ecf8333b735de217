// TEST-ONLY VICAL builder (ISO/IEC 18013-5 Annex C shape, as AAMVA publishes): a COSE_Sign1 over the
// VICAL map, signed ES256 by a VICAL signer key, the signer certificate in x5chain (label 33).

import { encodeCbor, Tagged, type CborValue } from '../../core/cbor/index.ts';
import { buildCertificate, ext, keyFromSeed, keyIdentifier, signRaw, type TestKey } from './cert-builder.ts';
import { buildIaca, type BuiltIaca } from './profiles.ts';

export interface VicalEntry {
  certificate: Uint8Array;
  docType?: string[];
}

export interface BuiltVical {
  vical: Uint8Array;
  signerCertificate: Uint8Array;
  signerKey: TestKey;
}

export function vicalSigner(label = 'vical-signer'): { der: Uint8Array; key: TestKey } {
  const key = keyFromSeed('P-256', label);
  const subject = [
    ['C', 'JP'],
    ['O', 'Kakunin Test PKI (TEST ONLY)'],
    ['CN', `Kakunin Test VICAL Signer (${label})`],
  ] as const;
  const der = buildCertificate({
    serial: 7,
    issuer: subject,
    subject,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    subjectKey: key,
    signerKey: key,
    extensions: [
      ext.basicConstraints(false),
      ext.keyUsage(['digitalSignature']),
      ext.subjectKeyIdentifier(keyIdentifier(key)),
    ],
  });
  return { der, key };
}

export function buildVical(
  entries: VicalEntry[],
  signer: { der: Uint8Array; key: TestKey },
  opts: { date?: string; nextUpdate?: string; issueId?: number; includeX5chain?: boolean } = {},
): Uint8Array {
  const vical = new Map<CborValue, CborValue>([
    ['version', '1.0'],
    ['vicalProvider', 'Kakunin Test VICAL Provider (TEST ONLY)'],
    ['date', new Tagged(0, opts.date ?? '2025-06-01T00:00:00Z')],
    ['vicalIssueID', opts.issueId ?? 1],
    ['nextUpdate', new Tagged(0, opts.nextUpdate ?? '2039-01-01T00:00:00Z')],
    [
      'certificateInfos',
      entries.map(
        (e) =>
          new Map<CborValue, CborValue>([
            ['certificate', e.certificate],
            ['docType', e.docType ?? ['org.iso.18013.5.1.mDL', 'org.iso.23220.1.jp.mnc']],
          ]),
      ),
    ],
  ]);
  const payload = encodeCbor(vical);
  const protectedBytes = encodeCbor(new Map<CborValue, CborValue>([[1, -7]]));
  const unprotected = new Map<CborValue, CborValue>(opts.includeX5chain === false ? [] : [[33, signer.der]]);
  const sig = signRaw(signer.key, 'SHA-256', encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]));
  return encodeCbor(new Tagged(18, [protectedBytes, unprotected, payload, sig]));
}

/** The test VICAL in resources/test-trust/vical/: lists only vicalOnlyIaca(). */
export function testVical(): BuiltVical {
  const signer = vicalSigner();
  return {
    vical: buildVical([{ certificate: vicalOnlyIaca().der }], signer),
    signerCertificate: signer.der,
    signerKey: signer.key,
  };
}

let vicalIacaCache: BuiltIaca | undefined;
/** An IACA that is trusted ONLY through the test VICAL (not in iaca/), so tests can tell the paths apart. */
export function vicalOnlyIaca(): BuiltIaca {
  vicalIacaCache ??= buildIaca({
    key: keyFromSeed('P-256', 'iaca-vical-only'),
    subject: [
      ['C', 'JP'],
      ['O', 'Kakunin Test PKI (TEST ONLY)'],
      ['CN', 'Kakunin Test IACA via VICAL'],
    ],
  });
  return vicalIacaCache;
}
