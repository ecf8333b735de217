// The DeviceResponses every verifier in the benchmark is timed on. Made ONCE per run, then given
// unchanged to Kakunin and to both peer libraries (the same inputs for all).
//
// Who makes them: @auth0/mdl's issuer and holder code (an independent implementation), signed with
// the project's TEST PKI (sim/pki/test-pki.ts: deterministic IACA + Document Signer per curve, the
// same roots as resources/test-trust/iaca). Using a peer's issuer means the inputs are, by
// construction, something the peers accept; run.ts still asserts that every verifier accepts them.
//
// Scenarios: (a) age_over_20 only, (b) identity with a ~20 KB portrait; each under a P-256
// and a P-384 issuer. The device key is P-256 (what phones use) and authenticates by signature.

import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { DeviceResponse, Document, MDoc } from '@auth0/mdl';
import { EmbeddedCbor, encodeCbor } from '../../core/cbor/index.ts';
import type { Curve } from '../../core/crypto/provider.ts';
import { derToPem } from '../../core/x509/pem.ts';
import { testDocumentSigner, testIacaFile, type TestIacaName } from '../../sim/pki/test-pki.ts';

export const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';
export const MDL_NS = 'org.iso.18013.5.1';

export interface Scenario {
  /** e.g. "age_over_20 P-256". */
  name: string;
  kind: 'age' | 'identity';
  issuerCurve: Curve;
  /** The DeviceResponse CBOR as a phone would send it. */
  deviceResponse: Uint8Array;
  /** #6.24(bstr .cbor SessionTranscript). */
  sessionTranscriptBytes: Uint8Array;
  /** The plain SessionTranscript CBOR (without the #6.24 wrapper). */
  sessionTranscript: Uint8Array;
  /** The trusted IACA root (DER and PEM) and its file name in resources/test-trust/iaca. */
  iacaDer: Uint8Array;
  iacaPem: string;
  iacaFile: string;
  /** DS certificate and the elements disclosed. */
  dsDer: Uint8Array;
  requested: Record<string, string[]>;
  docType: string;
  /** A time inside every validity window (MSO, DS, IACA). */
  now: Date;
}

/** Holder attributes of the TEST credential (fictional person). */
function holderAttributes(portrait: Uint8Array): Record<string, unknown> {
  return {
    family_name: 'Yamada',
    given_name: 'Hanako',
    birth_date: '1990-04-01',
    issue_date: '2025-07-01',
    expiry_date: '2030-06-30',
    issuing_country: 'JP',
    issuing_authority: 'Kakunin Test PKI (TEST ONLY)',
    document_number: 'TEST-0001',
    portrait,
    driving_privileges: [],
    un_distinguishing_sign: 'J',
    age_over_18: true,
    age_over_20: true,
    age_over_65: false,
    resident_address: '1-1 Chiyoda, Chiyoda-ku, Tokyo',
  };
}

/** A fake JPEG portrait of about `size` bytes (SOI + random body + EOI): only its size matters here. */
function fakePortrait(size: number): Uint8Array {
  const b = new Uint8Array(randomBytes(size));
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  b.set([0xff, 0xd9], size - 2);
  return b;
}

function coseKeyP256(jwk: { x?: string; y?: string }): Map<number, unknown> {
  return new Map<number, unknown>([
    [1, 2],
    [-1, 1],
    [-2, Buffer.from(jwk.x!, 'base64url')],
    [-3, Buffer.from(jwk.y!, 'base64url')],
  ]);
}

/**
 * A realistic QR-engagement SessionTranscript: [DeviceEngagementBytes, EReaderKeyBytes, null]
 * (ISO 18013-5 §9.1.5.1), with a DE that carries the holder's ephemeral key and BLE options.
 */
function sessionTranscriptFor(): { transcript: Uint8Array; bytes: Uint8Array } {
  const eDevice = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const eReader = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const eDeviceKeyBytes = EmbeddedCbor.wrap(coseKeyP256(eDevice) as never);
  const de = new Map<number, unknown>([
    [0, '1.0'],
    [1, [1, eDeviceKeyBytes]],
    [
      2,
      [
        [
          2,
          1,
          new Map<number, unknown>([
            [0, false],
            [1, true],
            [11, new Uint8Array(randomBytes(16))],
          ]),
        ],
      ],
    ],
  ]);
  const transcript = encodeCbor([
    EmbeddedCbor.wrap(de as never),
    EmbeddedCbor.wrap(coseKeyP256(eReader) as never),
    null,
  ] as never);
  return { transcript, bytes: EmbeddedCbor.fromContent(transcript).raw };
}

async function makeScenario(
  kind: 'age' | 'identity',
  iacaName: TestIacaName,
  portraitBytes: number,
): Promise<Scenario> {
  const ds = testDocumentSigner(iacaName);
  const alg = ds.curve === 'P-256' ? 'ES256' : ds.curve === 'P-384' ? 'ES384' : 'ES512';
  const n = ds.privateKey.length;
  const dsJwk = {
    kty: 'EC',
    crv: ds.curve,
    d: Buffer.from(ds.privateKey).toString('base64url'),
    x: Buffer.from(ds.publicKey.subarray(1, 1 + n)).toString('base64url'),
    y: Buffer.from(ds.publicKey.subarray(1 + n)).toString('base64url'),
  };
  // Check the JWK is a real key before handing it to the peer's issuer.
  createPrivateKey({ key: dsJwk, format: 'jwk' });

  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const devicePub = device.publicKey.export({ format: 'jwk' });
  const devicePriv = device.privateKey.export({ format: 'jwk' });

  const signed = new Date('2026-01-05T00:00:00Z');
  const validUntil = new Date('2029-12-31T00:00:00Z');
  const document = await new Document(MDL_DOCTYPE)
    .addIssuerNameSpace(MDL_NS, holderAttributes(fakePortrait(portraitBytes)))
    .useDigestAlgorithm(ds.curve === 'P-384' ? 'SHA-384' : 'SHA-256')
    .addValidityInfo({ signed, validFrom: signed, validUntil })
    .addDeviceKeyInfo({ deviceKey: devicePub as never })
    .sign({ issuerPrivateKey: dsJwk as never, issuerCertificate: derToPem(ds.certificate), alg });

  const requested: Record<string, string[]> =
    kind === 'age'
      ? { [MDL_NS]: ['age_over_20'] }
      : { [MDL_NS]: ['family_name', 'given_name', 'birth_date', 'portrait', 'document_number', 'issuing_country'] };
  const pd = {
    id: `kakunin-bench-${kind}`,
    input_descriptors: [
      {
        id: MDL_DOCTYPE,
        format: { mso_mdoc: { alg: ['ES256', 'ES384'] } },
        constraints: {
          limit_disclosure: 'required',
          fields: requested[MDL_NS]!.map((e) => ({ path: [`$['${MDL_NS}']['${e}']`], intent_to_retain: false })),
        },
      },
    ],
  };
  const st = sessionTranscriptFor();
  const response = await DeviceResponse.from(new MDoc([document]))
    .usingPresentationDefinition(pd as never)
    .usingSessionTranscriptBytes(Buffer.from(st.bytes))
    .authenticateWithSignature(devicePriv as never, 'ES256')
    .sign();
  const iacaDer = ds.iacaCertificate;
  return {
    name: `${kind === 'age' ? 'age_over_20' : 'identity+portrait'} ${ds.curve}`,
    kind,
    issuerCurve: ds.curve,
    deviceResponse: new Uint8Array(response.encode()),
    sessionTranscriptBytes: st.bytes,
    sessionTranscript: st.transcript,
    iacaDer,
    iacaPem: derToPem(iacaDer),
    iacaFile: testIacaFile(iacaName),
    dsDer: ds.certificate,
    requested,
    docType: MDL_DOCTYPE,
    // @auth0/mdl always verifies at the wall clock (new Date()), so every verifier uses it.
    now: new Date(),
  };
}

/** The four benchmark scenarios. */
export async function makeScenarios(portraitBytes = 20 * 1024): Promise<Scenario[]> {
  return [
    await makeScenario('age', 'p256', portraitBytes),
    await makeScenario('identity', 'p256', portraitBytes),
    await makeScenario('age', 'p384', portraitBytes),
    await makeScenario('identity', 'p384', portraitBytes),
  ];
}
