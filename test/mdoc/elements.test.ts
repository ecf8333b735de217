// Spec item 7: only elements that were requested AND passed their digest check reach the result;
// everything else is dropped unseen. Also: a document that fails any check shows nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import {
  MDL_DOCTYPE,
  MDL_NAMESPACE,
  MNC_DOCTYPE,
  MNC_JP_NAMESPACE,
  MNC_NAMESPACE,
  testSession,
} from '../../sim/mdoc/issuer.ts';

const trust = loadTrustDir(new URL('../../resources/test-trust', import.meta.url).pathname, { crypto: nodeCrypto });
const verify = (s: ReturnType<typeof testSession>, request?: Parameters<typeof verifyDeviceResponse>[1]['request']) =>
  verifyDeviceResponse(s.response, {
    crypto: nodeCrypto,
    trust,
    now: new Date(),
    transcript: s.transcript,
    readerPrivateKey: s.reader.privateKey,
    ...(request ? { request } : {}),
  });

test('elements the reader did not request are dropped even though the wallet sent them and they verify', () => {
  // The wallet over-discloses: it sends every element (no request given to the holder).
  const s = testSession({ docType: MNC_DOCTYPE });
  const r = verify(s, { [MNC_DOCTYPE]: { [MNC_NAMESPACE]: ['age_over_20'] } });
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(r.documents[0]!.elements, { [MNC_NAMESPACE]: { age_over_20: true } });
  assert.equal(JSON.stringify(r).includes('山田'), false, 'the name never reaches the result');
  assert.deepEqual(r.documents[0]!.notReturned, {});
});

test('without a request every disclosed, verified element is reported', () => {
  const s = testSession({ docType: MNC_DOCTYPE });
  const r = verify(s);
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(Object.keys(r.documents[0]!.elements).sort(), [MNC_NAMESPACE, MNC_JP_NAMESPACE]);
  assert.equal(r.documents[0]!.elements[MNC_JP_NAMESPACE]!.full_name_unicode, '山田 花子');
});

test('a requested element the wallet did not send is listed in notReturned', () => {
  const s = testSession({ request: { [MDL_DOCTYPE]: { [MDL_NAMESPACE]: ['family_name'] } } });
  const r = verify(s, { [MDL_DOCTYPE]: { [MDL_NAMESPACE]: ['family_name', 'age_over_20'] } });
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(r.documents[0]!.elements, { [MDL_NAMESPACE]: { family_name: 'Yamada' } });
  assert.deepEqual(r.documents[0]!.notReturned, { [MDL_NAMESPACE]: ['age_over_20'] });
});

test('a document of a docType not requested shows no element', () => {
  const s = testSession();
  const r = verify(s, { [MNC_DOCTYPE]: { [MNC_NAMESPACE]: ['age_over_20'] } });
  assert.deepEqual(r.documents[0]!.elements, {});
});

test('an element failing its digest never reaches the result, nor do its genuine neighbours', () => {
  const s = testSession({ present: { tamper: { ns: MDL_NAMESPACE, element: 'age_over_20', value: 'forged' } } });
  const r = verify(s);
  assert.equal(r.verdict, 'invalid');
  assert.deepEqual(r.documents[0]!.elements, {});
  assert.equal(JSON.stringify(r, (_k, x) => (x instanceof Uint8Array ? '' : x)).includes('forged'), false);
});

test('element names from the wire cannot pollute prototypes ("__proto__" element)', () => {
  const s = testSession({
    elements: { [MDL_NAMESPACE]: JSON.parse('{"__proto__": "x", "constructor": "y", "age_over_20": true}') },
  });
  const r = verify(s);
  assert.equal(r.verdict, 'valid');
  const els = r.documents[0]!.elements[MDL_NAMESPACE]!;
  assert.equal(Object.getPrototypeOf(els), Object.prototype);
  assert.equal(Object.prototype.hasOwnProperty.call(els, '__proto__'), true);
  assert.equal(els.age_over_20, true);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});
