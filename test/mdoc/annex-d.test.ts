// ISO/IEC 18013-5 Annex D: the example DeviceResponse verifies end to end (issuer signature, DS ->
// Annex D IACA, digests, deviceMac with the vector's reader key) at 2020-10-02, and is rejected as
// expired (mso_expired) at 2022-01-01. Run on both crypto backends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { TrustStore } from '../../core/trust/trust-store.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { parseSessionTranscript } from '../../core/mdoc/session-transcript.ts';
import { EmbeddedCbor } from '../../core/cbor/model.ts';
import { annexD } from '../support/reference-files.ts';

const v = annexD().values;
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

for (const crypto of [nodeCrypto, nobleCrypto]) {
  const trust = new TrustStore({ crypto, now: new Date('2020-10-02T00:00:00Z') });
  assert.ok(trust.addRoot(hex(v.iaca_root_cert), 'iaca', 'annex-d'));
  const base = {
    crypto,
    trust,
    transcript: hex(v.session_transcript_bytes),
    readerPrivateKey: hex(v.ephemeral_reader_key_d),
  };

  test(`Annex D DeviceResponse verifies at 2020-10-02 (${crypto.name})`, () => {
    const r = verifyDeviceResponse(hex(v.device_response), { ...base, now: new Date('2020-10-02T00:00:00Z') });
    assert.deepEqual(r.errors, []);
    assert.equal(r.verdict, 'valid');
    const d = r.documents[0]!;
    assert.equal(d.docType, 'org.iso.18013.5.1.mDL');
    assert.equal(d.deviceAuth, 'mac');
    const ok = (code: string) => assert.equal(d.checks.find((c) => c.code === code)?.ok, true, code);
    for (const code of [
      'issuer_signature_invalid',
      'untrusted_chain',
      'digest_mismatch',
      'device_auth_failed',
      'mso_expired',
      'doc_type_mismatch',
    ])
      ok(code);
    const els = d.elements['org.iso.18013.5.1']!;
    assert.equal(els.family_name, 'Doe');
    assert.equal(els.document_number, '123456789');
    assert.deepEqual(els.portrait, hex(v.device_response_portrait_data));
  });

  test(`Annex D DeviceResponse is rejected as expired at 2022-01-01 (${crypto.name})`, () => {
    const r = verifyDeviceResponse(hex(v.device_response), { ...base, now: new Date('2022-01-01T00:00:00Z') });
    assert.equal(r.verdict, 'invalid');
    const codes = r.errors.map((e) => e.code);
    assert.ok(codes.includes('mso_expired'), codes.join());
    assert.deepEqual(r.documents[0]!.elements, {}, 'an invalid document shows nothing');
  });

  test(`Annex D deviceMac fails without the reader key, and with another reader key (${crypto.name})`, () => {
    const now = new Date('2020-10-02T00:00:00Z');
    const noKey = verifyDeviceResponse(hex(v.device_response), { ...base, readerPrivateKey: undefined, now });
    assert.equal(noKey.verdict, 'invalid');
    assert.ok(noKey.errors.some((e) => e.code === 'reader_key_required'));
    const other = crypto.generateEcKey('P-256').privateKey;
    const wrong = verifyDeviceResponse(hex(v.device_response), { ...base, readerPrivateKey: other, now });
    assert.deepEqual(
      wrong.errors.map((e) => e.code),
      ['device_auth_failed'],
    );
  });

  test(`Annex D with the untagged SessionTranscript array gives the same verdict (${crypto.name})`, () => {
    const st = parseSessionTranscript(hex(v.session_transcript_bytes));
    const r = verifyDeviceResponse(hex(v.device_response), {
      ...base,
      transcript: st.content.slice(),
      now: new Date('2020-10-02T00:00:00Z'),
    });
    assert.equal(r.verdict, 'valid');
    assert.deepEqual(EmbeddedCbor.fromContent(st.content).raw, hex(v.session_transcript_bytes));
  });
}
