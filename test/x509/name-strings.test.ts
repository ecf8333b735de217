// Name attribute values are decoded by fast paths (ASCII UTF8String without TextDecoder, one-char-a-
// byte strings in slices, OIDs looked up from the input bytes). These tests hold them to the answers
// of the plain decoders they replace, and to the same refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DerError, DerReader } from '../../core/x509/der.ts';
import { ecdsaDerToRaw, nameToString, parseCertificate, type Name } from '../../core/x509/certificate.ts';
import { buildCertificate, keyFromSeed } from '../../sim/pki/cert-builder.ts';

const key = keyFromSeed('P-256', 'name-strings');
const TAG_UTF8 = 0x0c;

/** A certificate whose subject CN is `cn` (UTF8String as built), and where that value sits in the DER. */
function certWithCn(cn: string): { der: Uint8Array; at: number; length: number } {
  const der = buildCertificate({
    serial: 7,
    issuer: [
      ['C', 'JP'],
      ['CN', 'Issuer'],
    ],
    subject: [
      ['C', 'JP'],
      ['O', 'Kakunin'],
      ['CN', cn],
    ],
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    subjectKey: key,
    signerKey: key,
    extensions: [],
  });
  const value = new TextEncoder().encode(cn);
  // The subject's CN is the last UTF8String carrying these bytes (the issuer CN differs).
  for (let i = der.length - value.length; i >= 2; i--) {
    if (der.subarray(i, i + value.length).every((b, k) => b === value[k])) {
      const head = value.length < 128 ? 2 : value.length < 256 ? 3 : 4;
      if (der[i - head] === TAG_UTF8) return { der, at: i, length: value.length };
    }
  }
  throw new Error('CN value not found');
}

/** The same certificate with the CN value's tag (and optionally its bytes) replaced. */
function retagged(c: { der: Uint8Array; at: number; length: number }, tag: number, bytes?: Uint8Array): Uint8Array {
  const der = c.der.slice();
  const head = c.length < 128 ? 2 : c.length < 256 ? 3 : 4;
  der[c.at - head] = tag;
  if (bytes) der.set(bytes, c.at);
  return der;
}

const cn = (n: Name): string => n.attributes.find((a) => a.type === 'CN')!.value;
/** The decoders the fast paths replace. */
const perCharLatin1 = (b: Uint8Array): string => Array.from(b, (x) => String.fromCharCode(x)).join('');
const refNameToString = (n: Name): string => n.attributes.map((a) => `${a.type}=${a.value}`).join(', ');

test('names: ASCII and non-ASCII UTF8String values decode as the strict UTF-8 decoder says; nameToString is unchanged', () => {
  for (const value of ['Kakunin Test DS P-256', '確認 テスト DS', 'Ünïcødé ✓', 'a']) {
    const c = parseCertificate(certWithCn(value).der);
    assert.equal(cn(c.subject), new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(value)));
    assert.equal(nameToString(c.subject), refNameToString(c.subject));
    assert.equal(nameToString(c.subject), `C=JP, O=Kakunin, CN=${value}`);
  }
});

test('names: invalid UTF-8 in a UTF8String is still refused (a byte >= 0x80 leaves the ASCII path)', () => {
  const c = certWithCn('abcd');
  const der = retagged(c, TAG_UTF8, Uint8Array.of(0x61, 0xff, 0xfe, 0x62));
  assert.throws(
    () => parseCertificate(der),
    (e: unknown) => e instanceof DerError && /invalid UTF-8 in UTF8String/.test(e.message),
  );
});

test('names: TeletexString, IA5String and PrintableString values are one char a byte, short and long (sliced) alike', () => {
  for (const length of [1, 40, 1500]) {
    const c = certWithCn('x'.repeat(length));
    const high = Uint8Array.from({ length }, (_, i) => 0x80 + (i % 128));
    assert.equal(cn(parseCertificate(retagged(c, 0x14, high)).subject), perCharLatin1(high), `Teletex ${length}`);
    const ascii = Uint8Array.from({ length }, (_, i) => 0x41 + (i % 26));
    assert.equal(cn(parseCertificate(retagged(c, 0x16, ascii)).subject), perCharLatin1(ascii), `IA5 ${length}`);
    assert.equal(cn(parseCertificate(retagged(c, 0x13, ascii)).subject), perCharLatin1(ascii), `Printable ${length}`);
    assert.throws(() => parseCertificate(retagged(c, 0x13, high)), /invalid character in PrintableString/);
    assert.throws(() => parseCertificate(retagged(c, 0x16, high)), /invalid character in IA5String/);
  }
});

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));

test('OIDs: a known OID read again gives the same text; a prefix of it or a bad encoding is not mistaken for it', () => {
  const full = '06 08 2a 86 48 ce 3d 04 03 02';
  assert.equal(new DerReader(h(full)).oid('o'), '1.2.840.10045.4.3.2');
  assert.equal(new DerReader(h(full)).oid('o'), '1.2.840.10045.4.3.2');
  assert.equal(new DerReader(h('06 07 2a 86 48 ce 3d 04 03')).oid('o'), '1.2.840.10045.4.3');
  // Inside a larger buffer (the lookup reads the input in place): same answer.
  assert.equal(new DerReader(h('30 0a' + full)).sequence('s').oid('o'), '1.2.840.10045.4.3.2');
  assert.throws(() => new DerReader(h('06 08 2a 86 48 ce 3d 04 03 82')).oid('o'), /truncated OBJECT IDENTIFIER/);
  assert.throws(() => new DerReader(h('06 09 2a 86 48 ce 3d 04 03 80 02')).oid('o'), /non-minimal OBJECT IDENTIFIER/);
});

test('ecdsaDerToRaw: trailing bytes are reported before a bad r (same order as before), values right-aligned', () => {
  assert.throws(() => ecdsaDerToRaw(h('30 07 02 01 80 02 01 01 00'), 'P-256'), /trailing/);
  assert.throws(() => ecdsaDerToRaw(h('30 06 02 01 80 02 01 01'), 'P-256'), /negative r or s/);
  const raw = ecdsaDerToRaw(h('30 07 02 02 00 80 02 01 01'), 'P-256');
  assert.equal(raw.length, 64);
  assert.equal(raw[31], 0x80);
  assert.equal(raw[63], 0x01);
  assert.equal(raw.subarray(0, 31).every((b) => b === 0) && raw.subarray(32, 63).every((b) => b === 0), true);
});
