// Trust bound to issuers: each attack of the security review, reproduced, and refused now.
//   - a C=US IACA signs org.iso.23220.1.jp.mnc (the Japanese My Number record) and passed;
//   - a VICAL entry limited to mDL vouched for jp.mnc;
//   - an expired or end-entity VICAL signer vouched for the certificate that signed a VICAL;
//   - look-alike J-LIS subjects (Cyrillic letters, a missing "s", full-width forms) passed the J-LIS check;
//   - a PEM in iaca/ holding several certificates trusted all of them;
//   - symbolic links out of the trust folder, and files of another user, were followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { ISSUER_NOT_BOUND, parseDocTypeBindings } from '../../core/trust/doctype-binding.ts';
import { claimsToBeJlisRoot, skeleton } from '../../core/trust/pinned-roots.ts';
import { addVical } from '../../core/trust/vical.ts';
import { parseCertificate } from '../../core/x509/certificate.ts';
import { derToPem } from '../../core/x509/pem.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadTrust } from '../../main/trust/trust-sources.ts';
import { newTrustStore } from '../../main/trust/load-dir.ts';
import { MDL_DOCTYPE, MNC_DOCTYPE, testSession } from '../../sim/mdoc/issuer.ts';
import { buildCertificate, ext, keyFromSeed, keyIdentifier } from '../../sim/pki/cert-builder.ts';
import { buildIaca } from '../../sim/pki/profiles.ts';
import { documentSignerFor, testDocumentSigner } from '../../sim/pki/test-pki.ts';
import { buildVical, vicalSigner } from '../../sim/pki/vical-builder.ts';
import { ROOT } from '../x509/support.ts';

const TEST_TRUST = join(ROOT, 'resources', 'test-trust');
const NOW = new Date();
const tmp = () => mkdtempSync(join(tmpdir(), 'kakunin-binding-'));

/** A trust DIR: the test IACAs (iaca/ only, or with test-trust's doctypes.json) plus extra IACAs. */
function trustDir(o: { doctypes?: boolean; extraIacas?: Uint8Array[] } = {}): string {
  const d = tmp();
  cpSync(join(TEST_TRUST, 'iaca'), join(d, 'iaca'), { recursive: true });
  if (o.doctypes) copyFileSync(join(TEST_TRUST, 'doctypes.json'), join(d, 'doctypes.json'));
  (o.extraIacas ?? []).forEach((der, i) => writeFileSync(join(d, 'iaca', `extra-${i}.pem`), derToPem(der)));
  return d;
}

function verify(dir: string, docType: string, signer = testDocumentSigner('p256')) {
  const s = testSession({ docType, issue: { signer } });
  const trust = loadTrust({ builtin: true, dirs: [{ path: dir }] }, { crypto: nodeCrypto, now: NOW });
  assert.deepEqual(trust.errors, []);
  const r = verifyDeviceResponse(s.response, {
    crypto: nodeCrypto,
    trust,
    now: NOW,
    transcript: s.transcript,
    readerPrivateKey: s.reader.privateKey,
  });
  return { r, binding: r.documents[0]!.checks.find((c) => c.code === ISSUER_NOT_BOUND)! };
}

test('a C=US IACA signing org.iso.23220.1.jp.mnc is refused (issuer_not_bound_to_doctype); its mDL still verifies', () => {
  const us = buildIaca({
    key: keyFromSeed('P-256', 'rogue-us-iaca'),
    subject: [
      ['C', 'US'],
      ['ST', 'XX'],
      ['O', 'Some State DMV'],
      ['CN', 'US IACA'],
    ],
  });
  const dir = trustDir({ doctypes: true, extraIacas: [us.der] });
  const signer = documentSignerFor(us, 'good', undefined, 'us');
  const mnc = verify(dir, MNC_DOCTYPE, signer);
  assert.equal(mnc.r.verdict, 'invalid');
  assert.equal(mnc.binding.ok, false);
  assert.match(mnc.binding.detail!, /bound IACA/);
  assert.ok(mnc.r.errors.some((e) => e.code === ISSUER_NOT_BOUND));
  assert.deepEqual(mnc.r.documents[0]!.elements, {});
  // Every other check passed: the binding alone decides.
  assert.deepEqual(
    mnc.r.documents[0]!.checks.filter((c) => !c.ok).map((c) => c.code),
    [ISSUER_NOT_BOUND],
  );
  const mdl = verify(dir, MDL_DOCTYPE, signer);
  assert.equal(mdl.r.verdict, 'valid', 'a docType without a binding keeps the plain rule');
  assert.match(mdl.binding.detail!, /no issuer binding/);
});

test('jp.mnc verifies only under a bound IACA: the built-in J-LIS one, or one DIR/doctypes.json adds', () => {
  const bound = verify(trustDir({ doctypes: true }), MNC_DOCTYPE);
  assert.equal(bound.r.verdict, 'valid', JSON.stringify(bound.r.errors));
  assert.match(bound.binding.detail!, /bound to this IACA/);
  const unbound = verify(trustDir({ doctypes: false }), MNC_DOCTYPE);
  assert.equal(unbound.r.verdict, 'invalid', 'without doctypes.json only the J-LIS IACA may issue jp.mnc');
  assert.equal(unbound.binding.ok, false);
});

test('doctypes.json contract: {"<docType>": ["<SHA-256 hex>", ...]}; malformed files are an error, never a silent binding', () => {
  const m = parseDocTypeBindings({ 'org.example.doc': ['AB'.repeat(32), 'cd:'.repeat(31) + 'cd'] });
  assert.deepEqual(m.get('org.example.doc'), ['ab'.repeat(32), 'cd'.repeat(32)]);
  for (const bad of [[], 'x', { a: [] }, { a: ['nothex'] }, { a: 'ab'.repeat(32) }])
    assert.throws(() => parseDocTypeBindings(bad));
  const d = trustDir();
  writeFileSync(join(d, 'doctypes.json'), '{"org.iso.23220.1.jp.mnc": ["not a fingerprint"]}');
  const store = loadTrust({ builtin: true, dirs: [{ path: d }] }, { crypto: nodeCrypto, now: NOW });
  assert.ok(store.errors.some((e) => e.code === 'malformed_doctypes'));
  assert.equal(store.docTypeBindings.get(MNC_DOCTYPE)!.size, 1, 'only the built-in J-LIS binding');
});

test('a VICAL entry limited to mDL does not vouch for jp.mnc', () => {
  const iaca = buildIaca({
    key: keyFromSeed('P-256', 'vical-mdl-only'),
    subject: [
      ['C', 'JP'],
      ['O', 'Kakunin Test PKI (TEST ONLY)'],
      ['CN', 'mDL-only via VICAL'],
    ],
  });
  const signer = vicalSigner();
  const d = tmp();
  mkdirSync(join(d, 'vical'));
  mkdirSync(join(d, 'vical-signers'));
  writeFileSync(join(d, 'vical', 'v.cbor'), buildVical([{ certificate: iaca.der, docType: [MDL_DOCTYPE] }], signer));
  writeFileSync(join(d, 'vical-signers', 's.pem'), derToPem(signer.der));
  // doctypes.json even binds jp.mnc to it: the VICAL's own limit still holds.
  const fp = nodeCrypto.digest('SHA-256', iaca.der);
  writeFileSync(join(d, 'doctypes.json'), JSON.stringify({ [MNC_DOCTYPE]: [Buffer.from(fp).toString('hex')] }));
  const ds = documentSignerFor(iaca, 'good', undefined, 'vical-mdl');
  const mnc = verify(d, MNC_DOCTYPE, ds);
  assert.equal(mnc.r.verdict, 'invalid');
  assert.match(mnc.binding.detail!, /lists it for org\.iso\.18013\.5\.1\.mDL only/);
  assert.equal(verify(d, MDL_DOCTYPE, ds).r.verdict, 'valid');
});

test('a VICAL signed by a certificate that an expired, or an end-entity, vical signer issued is refused; a valid CA signer works', () => {
  const make = (caOpts: { cA: boolean; notAfter: Date }, label: string) => {
    const caKey = keyFromSeed('P-256', `vs-ca-${label}`);
    const caSubject = [
      ['C', 'JP'],
      ['O', 'Kakunin Test PKI (TEST ONLY)'],
      ['CN', `VICAL CA ${label}`],
    ] as const;
    const ca = buildCertificate({
      serial: 1,
      issuer: caSubject,
      subject: caSubject,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: caOpts.notAfter,
      subjectKey: caKey,
      signerKey: caKey,
      extensions: [
        ext.basicConstraints(caOpts.cA),
        ext.keyUsage(caOpts.cA ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']),
        ext.subjectKeyIdentifier(keyIdentifier(caKey)),
      ],
    });
    const leafKey = keyFromSeed('P-256', `vs-leaf-${label}`);
    const leafSubject = [
      ['C', 'JP'],
      ['O', 'Kakunin Test PKI (TEST ONLY)'],
      ['CN', `VICAL leaf ${label}`],
    ] as const;
    const leaf = buildCertificate({
      serial: 2,
      issuer: caSubject,
      subject: leafSubject,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2039-01-01T00:00:00Z'),
      subjectKey: leafKey,
      signerKey: caKey,
      extensions: [ext.basicConstraints(false), ext.keyUsage(['digitalSignature'])],
    });
    const iaca = buildIaca({
      key: keyFromSeed('P-256', `vs-iaca-${label}`),
      subject: [
        ['C', 'JP'],
        ['O', 'Kakunin Test PKI (TEST ONLY)'],
        ['CN', `IACA via ${label}`],
      ],
    });
    const vical = buildVical([{ certificate: iaca.der }], { der: leaf, key: leafKey });
    const store = newTrustStore({ crypto: nodeCrypto, now: NOW });
    addVical(store, vical, [parseCertificate(ca)], 'test.cbor');
    return store;
  };
  const good = make({ cA: true, notAfter: new Date('2039-01-01T00:00:00Z') }, 'good');
  assert.equal(good.vicals[0]?.accepted, 1, JSON.stringify(good.errors));
  const expired = make({ cA: true, notAfter: new Date('2025-01-01T00:00:00Z') }, 'expired');
  assert.equal(expired.vicals.length, 0);
  assert.ok(expired.errors.some((e) => e.code === 'vical_signer_untrusted'));
  const endEntity = make({ cA: false, notAfter: new Date('2039-01-01T00:00:00Z') }, 'ee');
  assert.equal(endEntity.vicals.length, 0);
  assert.ok(endEntity.errors.some((e) => e.code === 'vical_signer_untrusted'));
});

test('look-alike J-LIS subjects are claims: Cyrillic letters, a missing letter, full-width forms, "J-LIS" anywhere', () => {
  const looksLike = [
    'mncmd\u043ecRootCA',
    'Japan Agency for Local Authority Information System',
    'Japan Agency for Locai Authority lnformation Systems',
    '\uff2a\uff30\uff2b\uff29',
    '\u0458pki',
    'Kakunin J-LIS mirror',
    'mncmdocRootCA2',
  ];
  for (const v of looksLike) {
    const cert = {
      subject: { der: new Uint8Array(), attributes: [{ oid: '2.5.4.3', type: 'CN', value: v }] },
    } as unknown as Parameters<typeof claimsToBeJlisRoot>[0];
    assert.equal(claimsToBeJlisRoot(cert), true, v);
  }
  for (const v of ['Kakunin Test IACA P-256', 'Kakunin TEST JPKI auth root', 'Some State DMV', 'Japan Post']) {
    const cert = {
      subject: { der: new Uint8Array(), attributes: [{ oid: '2.5.4.3', type: 'CN', value: v }] },
    } as unknown as Parameters<typeof claimsToBeJlisRoot>[0];
    assert.equal(claimsToBeJlisRoot(cert), false, v);
  }
  assert.equal(skeleton('ｍｎｃｍｄｏｃ'), skeleton('mncmdoc'));
});

test('an imported look-alike J-LIS root (Cyrillic о in mncmdocRootCA) is refused; an unpinned C=JP root gets a loud warning', () => {
  const home = tmp();
  const bin = join(ROOT, 'main', 'cli', 'kakunin.mjs');
  const fake = buildIaca({
    key: keyFromSeed('P-384', 'lookalike'),
    subject: [
      ['C', 'JP'],
      ['O', 'Japan Agency for Local Authority Information Systems'],
      ['CN', 'mncmd\u043ecRootCA'],
    ],
  });
  const f = join(home, 'fake.pem');
  writeFileSync(f, derToPem(fake.der));
  const r = spawnSync(process.execPath, [bin, 'trust', 'import', '--kind', 'iaca', f, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, KAKUNIN_HOME: home },
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, 'pinned_fingerprint_mismatch');
  // An ordinary C=JP root imports, with the warning.
  const other = buildIaca({
    key: keyFromSeed('P-256', 'jp-city'),
    subject: [
      ['C', 'JP'],
      ['O', 'Some City'],
      ['CN', 'City mdoc IACA'],
    ],
  });
  writeFileSync(f, derToPem(other.der));
  const ok = spawnSync(process.execPath, [bin, 'trust', 'import', '--kind', 'iaca', f, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, KAKUNIN_HOME: home },
  });
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(JSON.parse(ok.stdout).warnings.some((w: { code: string }) => w.code === 'unpinned_jp_root'));
  const list = spawnSync(process.execPath, [bin, 'trust', 'list'], {
    encoding: 'utf8',
    env: { ...process.env, KAKUNIN_HOME: home },
  });
  assert.match(list.stdout, /!!! WARNING unpinned_jp_root: "[^"]*City mdoc IACA/);
});

test('a PEM in iaca/ with several certificates trusts none of them (one anchor per file)', () => {
  const d = tmp();
  mkdirSync(join(d, 'iaca'));
  const a = buildIaca({
    key: keyFromSeed('P-256', 'bundle-a'),
    subject: [
      ['C', 'US'],
      ['CN', 'Bundle A'],
    ],
  });
  const b = buildIaca({
    key: keyFromSeed('P-256', 'bundle-b'),
    subject: [
      ['C', 'US'],
      ['CN', 'Bundle B'],
    ],
  });
  writeFileSync(join(d, 'iaca', 'bundle.pem'), derToPem(a.der) + derToPem(b.der));
  const store = loadTrust({ builtin: false, dirs: [{ path: d }] }, { crypto: nodeCrypto, now: NOW });
  assert.equal(store.iacas.length, 0);
  assert.ok(store.errors.some((e) => e.code === 'multiple_certificates' && e.file!.endsWith('bundle.pem')));
});

test(
  'symbolic links in the trust folder are not followed; files owned by another user are refused',
  { skip: process.getuid?.() === 0 ? false : 'chown to another user needs root (CI runs as root)' },
  () => {
    const outside = tmp();
    const us = buildIaca({
      key: keyFromSeed('P-256', 'linked'),
      subject: [
        ['C', 'US'],
        ['CN', 'Linked from outside'],
      ],
    });
    writeFileSync(join(outside, 'evil.pem'), derToPem(us.der));
    const d = tmp();
    mkdirSync(join(d, 'iaca'));
    symlinkSync(join(outside, 'evil.pem'), join(d, 'iaca', 'link.pem'));
    const planted = buildIaca({
      key: keyFromSeed('P-256', 'planted'),
      subject: [
        ['C', 'US'],
        ['CN', 'Planted by nobody'],
      ],
    });
    writeFileSync(join(d, 'iaca', 'planted.pem'), derToPem(planted.der));
    chownSync(join(d, 'iaca', 'planted.pem'), 65534, 65534);
    // A whole linked folder is refused too.
    mkdirSync(join(outside, 'jpki'));
    symlinkSync(join(outside, 'jpki'), join(d, 'jpki'));
    const store = loadTrust({ builtin: false, dirs: [{ path: d }] }, { crypto: nodeCrypto, now: NOW });
    assert.equal(store.iacas.length, 0);
    const codes = store.errors.map((e) => `${e.code}:${e.file!.split('/').slice(-2).join('/')}`).sort();
    assert.deepEqual(codes, [
      'foreign_owner:iaca/planted.pem',
      'symlink_refused:iaca/link.pem',
      `symlink_refused:${d.split('/').pop()}/jpki`,
    ]);
    rmSync(d, { recursive: true });
  },
);
