// Certificate parsing against real certificates (the J-LIS roots as published, the Annex D
// IACA and DS) and against certificates built with every field variant by sim/pki.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  bytesEqual,
  certificateFingerprint,
  certificatesFromFile,
  ecdsaDerToRaw,
  nameAttribute,
  nameToString,
  parseCertificate,
  parseSubjectPublicKeyInfo,
} from '../../core/x509/certificate.ts';
import { DerError } from '../../core/x509/der.ts';
import { OID } from '../../core/x509/oids.ts';
import { base64Decode, base64Encode, derToPem, pemToDer, toHex } from '../../core/x509/pem.ts';
import { PINNED_ROOTS } from '../../core/trust/pinned-roots.ts';
import { buildCertificate, ext, keyFromSeed } from '../../sim/pki/cert-builder.ts';
import { ANNEX_D_DS, ANNEX_D_IACA, PROVIDERS, REAL_FILES, realRootDer } from './support.ts';

test('real J-LIS roots parse and their SHA-256 fingerprints equal the pinned values (both backends)', () => {
  for (const file of Object.keys(REAL_FILES) as (keyof typeof REAL_FILES)[]) {
    const der = realRootDer(file);
    const cert = parseCertificate(der);
    for (const crypto of PROVIDERS) {
      const fp = toHex(certificateFingerprint(cert, crypto));
      const pin = PINNED_ROOTS.find((p) => p.sha256 === fp);
      assert.ok(pin, `${file} (${crypto.name}): fingerprint ${fp} is not pinned`);
      assert.equal(pin.subject, nameToString(cert.subject), file);
      assert.equal(pin.kind, REAL_FILES[file]);
      assert.equal(cert.notBefore.toISOString().slice(0, 10), pin.validFrom);
    }
  }
});

test('J-LIS mdoc IACA: P-384, ecdsa-with-SHA384, Annex B IACA extensions', () => {
  const c = parseCertificate(realRootDer('jlis-mnc-mdoc-iaca.pem'));
  assert.equal(c.version, 3);
  assert.deepEqual(c.signatureAlgorithm, {
    kind: 'ecdsa',
    hash: 'SHA-384',
    oid: OID.ecdsaWithSHA384,
    name: 'ecdsa-with-SHA384',
  });
  assert.equal(c.publicKey.kind, 'ec');
  assert.equal(c.publicKey.kind === 'ec' && c.publicKey.curve, 'P-384');
  assert.equal(nameAttribute(c.subject, 'CN'), 'mncmdocRootCA');
  assert.equal(nameAttribute(c.subject, 'C'), 'JP');
  assert.deepEqual(c.basicConstraints, { cA: true, pathLen: 0 });
  assert.deepEqual([...c.keyUsage!].sort(), ['cRLSign', 'keyCertSign']);
  assert.ok(c.subjectKeyIdentifier && c.subjectKeyIdentifier.length > 0);
  assert.ok(bytesEqual(c.issuer.der, c.subject.der));
  assert.equal(c.notAfter.toISOString(), '2030-05-28T02:23:03.000Z');
});

test('JPKI roots: RSA-2048 with sha256WithRSAEncryption, OU attributes', () => {
  const c = parseCertificate(realRootDer('jpki-auth-ca-2023.pem'));
  assert.equal(c.signatureAlgorithm.kind, 'rsa-pkcs1');
  assert.equal(c.publicKey.kind, 'rsa');
  if (c.publicKey.kind === 'rsa') {
    assert.equal(c.publicKey.n.length, 256);
    assert.equal(toHex(c.publicKey.e), '010001');
  }
  assert.deepEqual(
    c.subject.attributes.filter((a) => a.type === 'OU').map((a) => a.value),
    ['JPKI for user authentication', 'Japan Agency for Local Authority Information Systems'],
  );
  assert.deepEqual(c.basicConstraints, { cA: true });
});

test('Annex D IACA and DS parse with the values openssl prints', () => {
  const iaca = parseCertificate(ANNEX_D_IACA);
  assert.equal(nameToString(iaca.subject), 'CN=utopia iaca, C=US');
  assert.equal(toHex(iaca.serial), '2ab4edd052b2582f4c6ad96186de70f4de5a3994');
  assert.equal(toHex(iaca.subjectKeyIdentifier!), '54fa2383a04c28e0d930792261c80c4881d2c00b');
  assert.equal(iaca.notBefore.toISOString(), '2020-10-01T00:00:00.000Z');
  assert.equal(iaca.notAfter.toISOString(), '2029-09-29T00:00:00.000Z');
  const ds = parseCertificate(ANNEX_D_DS);
  assert.deepEqual(ds.extendedKeyUsage, ['1.0.18013.5.1.2']);
  assert.deepEqual([...ds.keyUsage!], ['digitalSignature']);
  assert.equal(toHex(ds.authorityKeyIdentifier!), toHex(iaca.subjectKeyIdentifier!));
  assert.ok(bytesEqual(ds.issuer.der, iaca.subject.der));
  assert.equal(ds.publicKey.kind === 'ec' && toHex(ds.publicKey.point).slice(0, 10), '04ace7ab73');
});

test('parsed fields are views into the input (no copies): tbs and names point into der', () => {
  const der = ANNEX_D_IACA;
  const c = parseCertificate(der);
  assert.equal(c.tbs.buffer, der.buffer);
  assert.equal(c.subject.der.buffer, der.buffer);
  assert.equal(c.spki.buffer, der.buffer);
});

test('ECDSA DER signature -> raw r||s, padded to the curve size; bad forms refused', () => {
  const raw = ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]), 'P-256');
  assert.equal(raw.length, 64);
  assert.equal(raw[31], 1);
  assert.equal(raw[63], 2);
  const iaca = parseCertificate(ANNEX_D_IACA);
  const r = ecdsaDerToRaw(iaca.signature, 'P-256');
  assert.equal(toHex(r).slice(0, 8), 'ec897f0b'); // openssl: 30:46:02:21:00:ec:89:7f:0b
  assert.throws(
    () => ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02]), 'P-256'),
    DerError,
  ); // negative r
  assert.throws(
    () => ecdsaDerToRaw(new Uint8Array([0x30, 0x23, 0x02, 0x21, 0x01, ...new Array(32).fill(1), 0x02, 0x00]), 'P-256'),
    DerError,
  ); // r too long / empty s
});

test('PEM <-> DER round trip; strict base64; one block required', () => {
  const pem = derToPem(ANNEX_D_IACA);
  assert.ok(bytesEqual(pemToDer(pem), ANNEX_D_IACA));
  assert.ok(bytesEqual(certificatesFromFile(new TextEncoder().encode(pem))[0]!, ANNEX_D_IACA));
  assert.throws(() => pemToDer(pem + pem), /exactly one/);
  assert.throws(() => pemToDer('-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----'), DerError);
  assert.throws(() => pemToDer('no pem here'), DerError);
  assert.equal(base64Decode('QR=='), null); // non-zero padding bits (RFC 4648 §3.5)
  assert.deepEqual([...base64Decode('QQ==')!], [0x41]);
  for (const n of [0, 1, 2, 3, 100]) {
    const b = new Uint8Array(n).map((_, i) => (i * 37) & 0xff);
    assert.equal(base64Encode(b), Buffer.from(b).toString('base64'));
    assert.ok(bytesEqual(base64Decode(base64Encode(b))!, b));
  }
});

// ---- built certificates: every algorithm, time form and field variant ---------------------------

const NAME = [
  ['C', 'JP'],
  ['CN', 'x'],
] as const;
function cert(over: Partial<Parameters<typeof buildCertificate>[0]> = {}): Uint8Array {
  const key = keyFromSeed('P-256', 'cert-test');
  return buildCertificate({
    serial: 5,
    issuer: NAME,
    subject: NAME,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2026-01-01T00:00:00Z'),
    subjectKey: key,
    signerKey: key,
    extensions: [ext.keyUsage(['digitalSignature'])],
    ...over,
  });
}

test('built certificates for P-256 / P-384 / P-521 parse; openssl agrees on the key and signature', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    const key = keyFromSeed(curve, `cert-test-${curve}`);
    const der = cert({ subjectKey: key, signerKey: key });
    const c = parseCertificate(der);
    assert.equal(c.publicKey.kind === 'ec' && c.publicKey.curve, curve);
    const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: der }).toString();
    assert.match(text, new RegExp(`NIST CURVE: ${curve}`));
  }
});

test('GeneralizedTime (2050 and later) and UTCTime both parse; 1950 boundary', () => {
  const c = parseCertificate(
    cert({ notBefore: new Date('1950-01-01T00:00:00Z'), notAfter: new Date('2051-02-03T04:05:06Z') }),
  );
  assert.equal(c.notBefore.toISOString(), '1950-01-01T00:00:00.000Z');
  assert.equal(c.notAfter.toISOString(), '2051-02-03T04:05:06.000Z');
});

function replaceOnce(der: Uint8Array, from: string, to: string): Uint8Array {
  const hex = toHex(der);
  const i = hex.indexOf(Buffer.from(from).toString('hex'));
  assert.ok(i >= 0 && i % 2 === 0);
  return new Uint8Array(
    Buffer.from(hex.slice(0, i) + Buffer.from(to).toString('hex') + hex.slice(i + from.length * 2), 'hex'),
  );
}

test('invalid times are refused: 31 February, missing seconds-Z, fractional seconds', () => {
  const base = cert();
  assert.throws(() => parseCertificate(replaceOnce(base, '250101000000Z', '250231000000Z')), /invalid date/);
  assert.throws(() => parseCertificate(replaceOnce(base, '250101000000Z', '2501010000000')), /UTCTime must be/);
  assert.throws(() => parseCertificate(replaceOnce(base, '250101000000Z', '250101250000Z')), /invalid date/);
});

test('duplicate extensions, unknown signature algorithms and v1 certificates are refused', () => {
  assert.throws(
    () =>
      parseCertificate(cert({ extensions: [ext.keyUsage(['digitalSignature']), ext.keyUsage(['digitalSignature'])] })),
    /duplicate extension/,
  );
  const v1 = cert();
  // Replace version [0] { INTEGER 2 } with [0] { INTEGER 0 } => v1 written explicitly.
  const hex = toHex(v1).replace('a003020102', 'a003020100');
  assert.throws(
    () => parseCertificate(new Uint8Array(Buffer.from(hex, 'hex'))),
    (e: unknown) => e instanceof DerError && e.code === 'unsupported_certificate',
  );
  const unknown = toHex(v1).replaceAll('06082a8648ce3d040302', '06082a8648ce3d040309'); // 1.2.840.10045.4.3.9: no such algorithm
  assert.throws(
    () => parseCertificate(new Uint8Array(Buffer.from(unknown, 'hex'))),
    (e: unknown) => e instanceof DerError && e.code === 'unsupported_certificate',
  );
  const mismatch = toHex(v1).replace('06082a8648ce3d040302', '06082a8648ce3d040303'); // inner alg differs from outer
  assert.throws(
    () => parseCertificate(new Uint8Array(Buffer.from(mismatch, 'hex'))),
    /differs from signatureAlgorithm/,
  );
});

test('SubjectPublicKeyInfo: RSA and EC keys parse; compressed points are refused', () => {
  const rsa = parseCertificate(realRootDer('jpki-sign-ca-2015.pem'));
  const pk = parseSubjectPublicKeyInfo(rsa.spki);
  assert.equal(pk.kind, 'rsa');
  const key = keyFromSeed('P-256', 'spki');
  const spkiHex = toHex(parseCertificate(cert({ subjectKey: key })).spki);
  const compressed = spkiHex.replace(
    /034200(04[0-9a-f]{128})$/,
    (_, p: string) => '032200' + (parseInt(p.slice(-2), 16) % 2 ? '03' : '02') + p.slice(2, 66),
  );
  assert.notEqual(compressed, spkiHex);
  const len = (compressed.length / 2 - 2).toString(16);
  assert.throws(
    () => parseSubjectPublicKeyInfo(new Uint8Array(Buffer.from('30' + len + compressed.slice(4), 'hex'))),
    /uncompressed point/,
  );
});

test('Ed25519 certificates (made by openssl) parse and their self-signature verifies on both backends', async () => {
  const { mkdtempSync, readFileSync: rf } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { verifyCertificateSignature } = await import('../../core/x509/signature.ts');
  const { PROVIDERS: providers } = await import('./support.ts');
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-ed25519-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ed25519',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-subj',
      '/C=JP/CN=ed25519 test',
      '-days',
      '2',
      '-outform',
      'DER',
      '-out',
      join(dir, 'c.der'),
    ],
    { stdio: 'ignore' },
  );
  const der = new Uint8Array(rf(join(dir, 'c.der')));
  const c = parseCertificate(der);
  assert.equal(c.signatureAlgorithm.kind, 'ed25519');
  assert.equal(c.publicKey.kind, 'ed25519');
  for (const crypto of providers) {
    assert.deepEqual(verifyCertificateSignature(c, c.publicKey, crypto), { ok: true });
    const bad = der.slice();
    bad[bad.length - 1] ^= 1;
    assert.equal(verifyCertificateSignature(parseCertificate(bad), c.publicKey, crypto).ok, false);
  }
});
