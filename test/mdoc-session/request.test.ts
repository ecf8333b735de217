// DeviceRequest built from a policy: the fewest elements, intentToRetain false, never the My Number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCbor, EmbeddedCbor, type CborMap } from '../../core/cbor/index.ts';
import { POLICY_NAMES } from '../../core/policy/policy.ts';
import {
  DOCTYPE_MDL,
  DOCTYPE_MNC,
  ForbiddenElementError,
  deviceRequestForPolicy,
  encodeDeviceRequest,
  policyAllows,
} from '../../core/mdoc/request/index.ts';

function requested(bytes: Uint8Array): Map<string, Map<string, Map<string, boolean>>> {
  const dr = decodeCbor(bytes) as CborMap;
  assert.equal(dr.get('version'), '1.0');
  const out = new Map<string, Map<string, Map<string, boolean>>>();
  for (const doc of dr.get('docRequests') as CborMap[]) {
    assert.equal(doc.has('readerAuth'), false);
    const ir = (doc.get('itemsRequest') as EmbeddedCbor).decode() as CborMap;
    out.set(ir.get('docType') as string, ir.get('nameSpaces') as Map<string, Map<string, boolean>>);
  }
  return out;
}

test('age-over-20 asks age_over_20 plus portrait (staff compare faces), nothing else', () => {
  const r = requested(deviceRequestForPolicy('age-over-20'));
  assert.deepEqual([...r.keys()], [DOCTYPE_MNC, DOCTYPE_MDL]);
  const mnc = r.get(DOCTYPE_MNC)!;
  assert.deepEqual([...mnc.get('org.iso.23220.1')!.entries()], [['age_over_20', false]]);
  assert.deepEqual([...mnc.get('org.iso.23220.1.jp')!.entries()], [['portrait', false]]);
  const mdl = r.get(DOCTYPE_MDL)!;
  assert.deepEqual([...mdl.get('org.iso.18013.5.1')!.keys()], ['age_over_20', 'portrait']);
  assert.equal(
    [...mnc.values(), ...mdl.values()].some((ns) => ns.has('birth_date')),
    false,
  );
});

test('identity asks name, address, birth date, sex and portrait', () => {
  const mnc = requested(deviceRequestForPolicy('identity')).get(DOCTYPE_MNC)!;
  assert.deepEqual([...mnc.get('org.iso.23220.1.jp')!.keys()].sort(), [
    'full_name_unicode',
    'portrait',
    'resident_address_unicode',
  ]);
  assert.deepEqual([...mnc.get('org.iso.23220.1')!.keys()].sort(), ['birth_date', 'sex']);
});

test('entrance asks name and portrait only', () => {
  const r = requested(deviceRequestForPolicy('entrance'));
  assert.deepEqual([...r.get(DOCTYPE_MNC)!.get('org.iso.23220.1.jp')!.keys()], ['full_name_unicode', 'portrait']);
  assert.equal(r.get(DOCTYPE_MNC)!.has('org.iso.23220.1'), false);
  assert.deepEqual(
    [...r.get(DOCTYPE_MDL)!.get('org.iso.18013.5.1')!.keys()],
    ['family_name', 'given_name', 'portrait'],
  );
});

test('intentToRetain is false for every element of every policy', () => {
  for (const p of POLICY_NAMES) {
    for (const nss of requested(deviceRequestForPolicy(p)).values()) {
      for (const els of nss.values()) for (const keep of els.values()) assert.equal(keep, false);
    }
  }
});

test('no policy ever requests individual_number_unicode (the My Number)', () => {
  for (const p of POLICY_NAMES) {
    const bytes = deviceRequestForPolicy(p);
    assert.equal(Buffer.from(bytes).includes(Buffer.from('individual_number')), false, p);
    assert.equal(policyAllows(p, DOCTYPE_MNC, 'org.iso.23220.1.jp', 'individual_number_unicode'), false);
  }
});

test('the guard refuses individual_number_unicode even when a caller builds a request by hand', () => {
  assert.throws(
    () =>
      encodeDeviceRequest([
        {
          docType: DOCTYPE_MNC,
          intentToRetain: false,
          elements: [{ namespace: 'org.iso.23220.1.jp', element: 'individual_number_unicode' }],
        },
      ]),
    (e: unknown) => e instanceof ForbiddenElementError && e.code === 'request_forbidden_element',
  );
});

test('policyAllows: only requested elements of known docTypes', () => {
  assert.equal(policyAllows('age-over-20', DOCTYPE_MNC, 'org.iso.23220.1', 'age_over_20'), true);
  assert.equal(policyAllows('age-over-20', DOCTYPE_MNC, 'org.iso.23220.1', 'birth_date'), false);
  assert.equal(policyAllows('age-over-20', DOCTYPE_MNC, 'org.iso.23220.1.jp', 'age_over_20'), false);
  assert.equal(policyAllows('age-over-20', 'org.example.other', 'org.iso.23220.1', 'age_over_20'), false);
});
