// Interoperability: DeviceResponses produced AT TEST TIME by an independent library, @auth0/mdl
// (issuer signature, MSO, items, device signature / MAC all made by its code), verify as valid with
// ours, for org.iso.18013.5.1.mDL and org.iso.23220.1.jp.mnc. The DS certificate comes from our test
// PKI so the chain ends in resources/test-trust; nothing else of ours touches the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Document, DeviceResponse, MDoc } from '@auth0/mdl';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { testDocumentSigner } from '../../sim/pki/test-pki.ts';
import { testSessionTranscript } from '../../sim/mdoc/issuer.ts';
import { Tagged } from '../../core/cbor/model.ts';

const TRUST_DIR = new URL('../../resources/test-trust', import.meta.url).pathname;
const trust = loadTrustDir(TRUST_DIR, { crypto: nodeCrypto });
const nobleTrust = loadTrustDir(TRUST_DIR, { crypto: nobleCrypto });
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

function dsJwk(curve: 'P-256' | 'P-384') {
  const ds = testDocumentSigner(curve === 'P-256' ? 'p256' : 'p384');
  const n = curve === 'P-256' ? 32 : 48;
  const jwk = { kty: 'EC', crv: curve, d: b64u(ds.privateKey), x: b64u(ds.publicKey.subarray(1, 1 + n)), y: b64u(ds.publicKey.subarray(1 + n)) };
  return { ds, jwk };
}

const CASES = [
  {
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: {
      'org.iso.18013.5.1': { family_name: 'Jones', given_name: 'Ava', birth_date: '2007-03-25', issuing_country: 'JP', document_number: 'AUTH0-1', age_over_20: true },
    },
    ask: { 'org.iso.18013.5.1': ['family_name', 'birth_date', 'age_over_20'] },
  },
  {
    docType: 'org.iso.23220.1.jp.mnc',
    nameSpaces: {
      'org.iso.23220.1': { age_over_20: true, age_in_years: 36, sex: 2 },
      'org.iso.23220.1.jp': { full_name_unicode: '山田 花子', resident_address_unicode: '東京都千代田区1-1', portrait: new Uint8Array(20_000).fill(7) },
    },
    ask: { 'org.iso.23220.1': ['age_over_20'], 'org.iso.23220.1.jp': ['full_name_unicode', 'portrait'] },
  },
] as const;

async function auth0Response(c: (typeof CASES)[number], curve: 'P-256' | 'P-384', mode: 'signature' | 'mac') {
  const { ds, jwk } = dsJwk(curve);
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const devicePub = device.publicKey.export({ format: 'jwk' });
  const devicePriv = device.privateKey.export({ format: 'jwk' });
  const now = new Date();
  let doc = new Document(c.docType).useDigestAlgorithm('SHA-256').addValidityInfo({ signed: now, validFrom: now, validUntil: new Date(now.getTime() + 86_400_000) });
  for (const [ns, values] of Object.entries(c.nameSpaces)) doc = doc.addIssuerNameSpace(ns, values as Record<string, unknown>);
  const issued = await doc.addDeviceKeyInfo({ deviceKey: devicePub as never }).sign({
    issuerPrivateKey: jwk as never,
    issuerCertificate: ds.certificate,
    alg: curve === 'P-256' ? 'ES256' : 'ES384',
  });
  const mdoc = new MDoc([issued]).encode();

  const reader = nodeCrypto.generateEcKey('P-256');
  const transcript = testSessionTranscript(reader.publicKey, 'P-256', nodeCrypto);
  const pd = {
    id: 'kakunin-interop',
    input_descriptors: [
      {
        id: c.docType,
        format: { mso_mdoc: { alg: ['ES256', 'ES384'] } },
        constraints: {
          limit_disclosure: 'required' as const,
          fields: Object.entries(c.ask).flatMap(([ns, els]) => (els as readonly string[]).map((e: string) => ({ path: [`$['${ns}']['${e}']`], intent_to_retain: false }))),
        },
      },
    ],
  };
  let builder = DeviceResponse.from(mdoc).usingPresentationDefinition(pd).usingSessionTranscriptBytes(Buffer.from(transcript.bytes));
  if (mode === 'signature') builder = builder.authenticateWithSignature(devicePriv as never, 'ES256');
  else {
    // auth0 takes the reader's ephemeral public key as a COSE_Key.
    const { encodeCbor } = await import('../../core/cbor/encode.ts');
    const { ecPublicCoseKey } = await import('../../core/cose/key.ts');
    builder = builder.authenticateWithMAC(devicePriv as never, encodeCbor(ecPublicCoseKey('P-256', reader.publicKey)), 'HS256');
  }
  const response = (await builder.sign()).encode();
  return { response: new Uint8Array(response), transcript, reader };
}

for (const c of CASES) {
  for (const curve of ['P-256', 'P-384'] as const) {
    for (const mode of ['signature', 'mac'] as const) {
      test(`@auth0/mdl ${c.docType} (${curve} issuer, device ${mode}) verifies as valid`, async () => {
        const { response, transcript, reader } = await auth0Response(c, curve, mode);
        for (const [crypto, t] of [[nodeCrypto, trust], [nobleCrypto, nobleTrust]] as const) {
          const r = verifyDeviceResponse(response, { crypto, trust: t, now: new Date(), transcript, readerPrivateKey: reader.privateKey, request: { [c.docType]: c.ask } });
          assert.deepEqual(r.errors, [], crypto.name);
          assert.equal(r.verdict, 'valid');
          const d = r.documents[0]!;
          assert.equal(d.docType, c.docType);
          assert.equal(d.deviceAuth, mode);
          for (const [ns, els] of Object.entries(c.ask)) assert.deepEqual(Object.keys(d.elements[ns] ?? {}).sort(), [...els].sort());
          assert.deepEqual(d.notReturned, {});
        }
        // auth0 encodes birth_date as full-date (#6.1004).
        if (c.docType === 'org.iso.18013.5.1.mDL') {
          const r = verifyDeviceResponse(response, { crypto: nodeCrypto, trust, now: new Date(), transcript, readerPrivateKey: reader.privateKey });
          const bd = r.documents[0]!.elements['org.iso.18013.5.1']!.birth_date;
          assert.ok(bd instanceof Tagged && bd.tag === 1004 && bd.value === '2007-03-25');
        }
      });
    }
  }
}

test('@auth0/mdl response with one flipped element byte is rejected', async () => {
  const { response, transcript, reader } = await auth0Response(CASES[0], 'P-256', 'signature');
  const at = Buffer.from(response).indexOf(Buffer.from('Jones'));
  assert.ok(at > 0);
  const bad = response.slice();
  bad[at] = 'K'.charCodeAt(0);
  const r = verifyDeviceResponse(bad, { crypto: nodeCrypto, trust, now: new Date(), transcript, readerPrivateKey: reader.privateKey });
  assert.equal(r.verdict, 'invalid');
  assert.ok(r.errors.some((e) => e.code === 'digest_mismatch'));
});
