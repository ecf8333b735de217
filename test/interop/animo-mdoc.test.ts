// Interoperability with a second independent library, @animo-id/mdoc: it builds the MSO, the items,
// the COSE structures (Sig_structure / MAC_structure), the DeviceAuthentication bytes and the
// DeviceResponse at test time. It asks its caller for the raw primitives (sign these bytes, hash,
// random, derive EMacKey): those are given here from node:crypto, so the structure is all animo's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createHash,
  createHmac,
  createPrivateKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign as nodeSign,
} from 'node:crypto';
import { Document, DeviceResponse, MDoc, type MdocContext } from '@animo-id/mdoc';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { testDocumentSigner } from '../../sim/pki/test-pki.ts';
import { testSessionTranscript } from '../../sim/mdoc/issuer.ts';
import { presentationDefinition } from '../support/auth0-issuer.ts';

const TRUST_DIR = new URL('../../resources/test-trust', import.meta.url).pathname;
const trust = loadTrustDir(TRUST_DIR, { crypto: nodeCrypto });
const nobleTrust = loadTrustDir(TRUST_DIR, { crypto: nobleCrypto });
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const HASH: Record<string, string> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };
const CURVE_LEN: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

function rawToJwk(curve: string, d: Uint8Array | undefined, point: Uint8Array) {
  const n = CURVE_LEN[curve]!;
  return {
    kty: 'EC',
    crv: curve,
    ...(d ? { d: b64u(d) } : {}),
    x: b64u(point.subarray(1, 1 + n)),
    y: b64u(point.subarray(1 + n)),
  };
}

const ctx = {
  crypto: {
    random: (n: number) => new Uint8Array(randomBytes(n)),
    digest: ({ digestAlgorithm, bytes }: { digestAlgorithm: string; bytes: Uint8Array }) =>
      new Uint8Array(createHash(digestAlgorithm.replace('-', '').toLowerCase()).update(bytes).digest()),
    // privateKey = raw d, publicKey = 0x04||x||y (COSEKeyToRAW); ISO 18013-5 §9.1.3.5.
    calculateEphemeralMacKeyJwk: ({
      privateKey,
      publicKey,
      sessionTranscriptBytes,
    }: {
      privateKey: Uint8Array;
      publicKey: Uint8Array;
      sessionTranscriptBytes: Uint8Array;
    }) => {
      const z = nodeCrypto.ecdh('P-256', privateKey, publicKey);
      const salt = createHash('sha256').update(sessionTranscriptBytes).digest();
      const k = new Uint8Array(hkdfSync('sha256', z, salt, Buffer.from('EMacKey'), 32));
      return { kty: 'oct', k: b64u(k) };
    },
  },
  cose: {
    sign1: {
      sign: ({
        sign1,
        jwk,
      }: {
        sign1: { getRawSigningData(): { data: Uint8Array; alg: string } };
        jwk: Record<string, string>;
      }) => {
        const { data, alg } = sign1.getRawSigningData();
        const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
        return new Uint8Array(nodeSign(HASH[alg]!, data, { key, dsaEncoding: 'ieee-p1363' }));
      },
      verify: () => {
        throw new Error('not used: verification is ours');
      },
    },
    mac0: {
      sign: ({ mac0, jwk }: { mac0: { getRawSigningData(): { data: Uint8Array } }; jwk: { k: string } }) =>
        new Uint8Array(
          createHmac('sha256', Buffer.from(jwk.k, 'base64url')).update(mac0.getRawSigningData().data).digest(),
        ),
      verify: () => {
        throw new Error('not used: verification is ours');
      },
    },
  },
} as unknown as Pick<MdocContext, 'crypto' | 'cose'>;

const CASES: { docType: string; nameSpaces: Record<string, Record<string, unknown>>; ask: Record<string, string[]> }[] =
  [
    {
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: {
        'org.iso.18013.5.1': {
          family_name: 'Jones',
          given_name: 'Ava',
          birth_date: '2007-03-25',
          age_over_20: true,
          portrait: new Uint8Array(20_000).fill(1),
        },
      },
      ask: { 'org.iso.18013.5.1': ['age_over_20', 'family_name'] },
    },
    {
      docType: 'org.iso.23220.1.jp.mnc',
      nameSpaces: {
        'org.iso.23220.1': { age_over_20: true, sex: 1 },
        'org.iso.23220.1.jp': { full_name_unicode: '佐藤 太郎', resident_address_unicode: '大阪府大阪市1-1' },
      },
      ask: { 'org.iso.23220.1': ['age_over_20'], 'org.iso.23220.1.jp': ['full_name_unicode'] },
    },
  ];

async function animoResponse(c: (typeof CASES)[number], iaca: 'p256' | 'p384', mode: 'signature' | 'mac') {
  const ds = testDocumentSigner(iaca);
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = new Date();
  let doc = new Document(c.docType, ctx)
    .useDigestAlgorithm('SHA-256')
    .addValidityInfo({ signed: now, validFrom: now, validUntil: new Date(now.getTime() + 86_400_000) });
  for (const [ns, values] of Object.entries(c.nameSpaces)) doc = doc.addIssuerNameSpace(ns, values);
  const issued = await doc.addDeviceKeyInfo({ deviceKey: device.publicKey.export({ format: 'jwk' }) as never }).sign(
    {
      issuerPrivateKey: rawToJwk(ds.curve, ds.privateKey, ds.publicKey) as never,
      issuerCertificate: ds.certificate,
      alg: ds.curve === 'P-256' ? 'ES256' : 'ES384',
    },
    ctx,
  );
  const mdoc = new MDoc([issued]);
  const reader = nodeCrypto.generateEcKey('P-256');
  const transcript = testSessionTranscript(reader.publicKey, 'P-256', nodeCrypto);
  const pd = presentationDefinition(c.docType, c.ask);
  let builder = DeviceResponse.from(mdoc)
    .usingPresentationDefinition(pd as never)
    .usingSessionTranscriptBytes(transcript.bytes);
  const devicePriv = device.privateKey.export({ format: 'jwk' }) as never;
  builder =
    mode === 'signature'
      ? builder.authenticateWithSignature(devicePriv, 'ES256')
      : builder.authenticateWithMAC(devicePriv, rawToJwk('P-256', undefined, reader.publicKey) as never, 'HS256');
  const out = await builder.sign(ctx);
  return { response: new Uint8Array(out.encode()), transcript, reader };
}

for (const c of CASES) {
  for (const iaca of ['p256', 'p384'] as const) {
    for (const mode of ['signature', 'mac'] as const) {
      test(`@animo-id/mdoc ${c.docType} (${iaca} issuer, device ${mode}) verifies as valid`, async () => {
        const { response, transcript, reader } = await animoResponse(c, iaca, mode);
        for (const [crypto, t] of [
          [nodeCrypto, trust],
          [nobleCrypto, nobleTrust],
        ] as const) {
          const r = verifyDeviceResponse(response, {
            crypto,
            trust: t,
            now: new Date(),
            transcript,
            readerPrivateKey: reader.privateKey,
            request: { [c.docType]: c.ask },
          });
          assert.deepEqual(r.errors, [], crypto.name);
          assert.equal(r.verdict, 'valid');
          assert.equal(r.documents[0]!.deviceAuth, mode);
          for (const [ns, els] of Object.entries(c.ask))
            assert.deepEqual(Object.keys(r.documents[0]!.elements[ns] ?? {}).sort(), [...els].sort());
        }
      });
    }
  }
}
