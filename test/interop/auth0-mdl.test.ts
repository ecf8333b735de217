// Interoperability: DeviceResponses produced AT TEST TIME by an independent library, @auth0/mdl
// (issuer signature, MSO, items, device signature / MAC all made by its code), verify as valid with
// ours, for org.iso.18013.5.1.mDL and org.iso.23220.1.jp.mnc. The DS certificate comes from our test
// PKI so the chain ends in resources/test-trust; nothing else of ours touches the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { Tagged } from '../../core/cbor/model.ts';
import { auth0Response } from '../support/auth0-issuer.ts';

const TRUST_DIR = new URL('../../resources/test-trust', import.meta.url).pathname;
const trust = loadTrustDir(TRUST_DIR, { crypto: nodeCrypto });
const nobleTrust = loadTrustDir(TRUST_DIR, { crypto: nobleCrypto });

const CASES = [
  {
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: {
      'org.iso.18013.5.1': {
        family_name: 'Jones',
        given_name: 'Ava',
        birth_date: '2007-03-25',
        issuing_country: 'JP',
        document_number: 'AUTH0-1',
        age_over_20: true,
      },
    },
    ask: { 'org.iso.18013.5.1': ['family_name', 'birth_date', 'age_over_20'] },
  },
  {
    docType: 'org.iso.23220.1.jp.mnc',
    nameSpaces: {
      'org.iso.23220.1': { age_over_20: true, age_in_years: 36, sex: 2 },
      'org.iso.23220.1.jp': {
        full_name_unicode: '山田 花子',
        resident_address_unicode: '東京都千代田区1-1',
        portrait: new Uint8Array(20_000).fill(7),
      },
    },
    ask: { 'org.iso.23220.1': ['age_over_20'], 'org.iso.23220.1.jp': ['full_name_unicode', 'portrait'] },
  },
] as const;

for (const c of CASES) {
  for (const curve of ['P-256', 'P-384'] as const) {
    for (const mode of ['signature', 'mac'] as const) {
      test(`@auth0/mdl ${c.docType} (${curve} issuer, device ${mode}) verifies as valid`, async () => {
        const { response, transcript, reader } = await auth0Response(c, curve, mode);
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
          const d = r.documents[0]!;
          assert.equal(d.docType, c.docType);
          assert.equal(d.deviceAuth, mode);
          for (const [ns, els] of Object.entries(c.ask))
            assert.deepEqual(Object.keys(d.elements[ns] ?? {}).sort(), [...els].sort());
          assert.deepEqual(d.notReturned, {});
        }
        // auth0 encodes birth_date as full-date (#6.1004).
        if (c.docType === 'org.iso.18013.5.1.mDL') {
          const r = verifyDeviceResponse(response, {
            crypto: nodeCrypto,
            trust,
            now: new Date(),
            transcript,
            readerPrivateKey: reader.privateKey,
          });
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
  const r = verifyDeviceResponse(bad, {
    crypto: nodeCrypto,
    trust,
    now: new Date(),
    transcript,
    readerPrivateKey: reader.privateKey,
  });
  assert.equal(r.verdict, 'invalid');
  assert.ok(r.errors.some((e) => e.code === 'digest_mismatch'));
});
