// The audit entry cannot carry personal data: never attribute values, photos,
// certificates or numbers (docs/audit-log.md). These tests attack the schema field by field: every string-bearing
// field is fed names, birth dates, My Numbers, addresses, base64 and hex blobs, PEM, data: URLs;
// every number field is fed numbers that could be a My Number or a birth date; unknown fields are
// refused; and the rejection never echoes the value it refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AUDIT_ENTRY_FIELDS,
  REDACTED_CODE,
  UNRECOGNIZED_DOCUMENT,
  buildAuditEntry,
  issuerKeyIdFromKey,
  type AuditEntry,
} from '../../core/audit/audit-entry.ts';
import { AuditEntryRejected, AuditEntrySchema, parseAuditEntry } from '../../main/audit/audit-entry-schema.ts';
import { nodeSha256 } from '../../main/audit/audit-store.ts';
import { sampleEntry } from './helpers.ts';

const good = (): AuditEntry => structuredClone(sampleEntry(4));

const PERSONAL = [
  '山田 太郎',
  '山田太郎',
  'ヤマダ タロウ',
  '東京都千代田区千代田1-1',
  '1980-02-17',
  '1980/2/17',
  '1980.02.17',
  'S55.2.17',
  '19800217',
  '800217',
  '123456789012',
  '1234 5678 9012',
  'taro@example.jp',
  '090-1234-5678',
  Buffer.from('a portrait of someone, jpeg bytes or so').toString('base64'),
  'ab'.repeat(48),
  '-----BEGIN CERTIFICATE-----',
  'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ',
  'MIIBszCCAVmgAwIBAgIUQ',
  'deadbeefcafe0123',
  'x'.repeat(21),
];

/** Every path of the entry that holds a string, with a setter. */
const STRING_PATHS: [string, (e: AuditEntry, v: string) => void][] = [
  ['time', (e, v) => ((e as { time: string }).time = v)],
  ['mode', (e, v) => ((e as { mode: string }).mode = v)],
  ['outcome', (e, v) => ((e as { outcome: string }).outcome = v)],
  ['errorCode', (e, v) => (e.errorCode = v)],
  ['failedChecks[]', (e, v) => e.failedChecks.push(v)],
  ['passedChecks[]', (e, v) => e.passedChecks.push(v)],
  ['credentialType', (e, v) => ((e as { credentialType: string }).credentialType = v)],
  ['document', (e, v) => (e.document = v)],
  ['issuerKeyId', (e, v) => (e.issuerKeyId = v)],
  ['requestedElements[]', (e, v) => e.requestedElements.push(v)],
  ['engagement', (e, v) => ((e as { engagement: string }).engagement = v)],
  ['transport', (e, v) => ((e as { transport: string }).transport = v)],
];

test('a well-formed entry passes, and the schema has exactly the fields of the core model', () => {
  assert.deepEqual(parseAuditEntry(good()), good());
  assert.deepEqual(Object.keys(AuditEntrySchema.shape).sort(), [...AUDIT_ENTRY_FIELDS].sort());
});

test('denylist: no field name could hold an attribute value, photo, certificate or number', () => {
  const bad =
    /value|name$|^name|photo|portrait|image|cert|birth|address|number|holder|subject|pin|raw|payload|blob|attribute/i;
  const keys = [...AUDIT_ENTRY_FIELDS, ...Object.keys(AuditEntrySchema.shape.durations.shape)];
  assert.deepEqual(
    keys.filter((k) => bad.test(k)),
    [],
  );
});

test('unknown fields are refused (strict objects, top level and durations)', () => {
  for (const k of ['name', 'birthDate', 'portrait', 'value', 'attributes', 'myNumber', 'certificate', 'note']) {
    assert.throws(() => parseAuditEntry({ ...good(), [k]: 'x' }), AuditEntryRejected, k);
  }
  assert.throws(() => parseAuditEntry({ ...good(), durations: { ...good().durations, birth: 1 } }), AuditEntryRejected);
});

test('every string-bearing field refuses names, dates, numbers, addresses and blobs', () => {
  const leaks: string[] = [];
  for (const [path, set] of STRING_PATHS) {
    for (const v of PERSONAL) {
      const e = good();
      set(e, v);
      if (AuditEntrySchema.safeParse(e).success) leaks.push(`${path} <- ${v}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test('property: any identifier containing a 6+ digit run, a non-ASCII character or a 21+ char blob is refused', () => {
  const idPaths = STRING_PATHS.filter(([p]) =>
    ['errorCode', 'failedChecks[]', 'passedChecks[]', 'document', 'requestedElements[]'].includes(p),
  );
  const prefix = fc.stringMatching(/^[a-z][a-z_.]{0,10}$/);
  const suffix = fc.stringMatching(/^[a-z_.]{0,10}$/);
  const poison = fc.oneof(
    fc.stringMatching(/^\d{6,14}$/),
    fc.string({ minLength: 1, maxLength: 4, unit: 'grapheme' }).filter((s) => /[^\x00-\x7f]/.test(s)),
    fc.base64String({ minLength: 24, maxLength: 80 }).filter((s) => /[A-Za-z0-9+/=]{21,}/.test(s)),
  );
  fc.assert(
    fc.property(fc.constantFrom(...idPaths), prefix, poison, suffix, ([, set], a, p, b) => {
      const e = good();
      set(e, a + p + b);
      return !AuditEntrySchema.safeParse(e).success;
    }),
    { numRuns: 2000 },
  );
});

test('issuer key id: only 40 or 64 lowercase hex, never a number or a longer blob', () => {
  for (const ok of ['1f'.repeat(20), 'ab'.repeat(32)])
    assert.ok(AuditEntrySchema.safeParse({ ...good(), issuerKeyId: ok }).success, ok);
  for (const bad of [
    '123456789012',
    '1234567890'.repeat(4),
    'ab'.repeat(33),
    'AB'.repeat(20),
    'ab'.repeat(19),
    'TRAINING-IACA',
  ]) {
    assert.equal(AuditEntrySchema.safeParse({ ...good(), issuerKeyId: bad }).success, false, bad);
  }
});

test('numbers: durations are bounded integers, so no field can hold a My Number or a birth date', () => {
  for (const n of [123456789012, 19800217, 600_001, -1, 1.5, Number.NaN]) {
    const e = good();
    e.durations.totalMs = n;
    assert.equal(AuditEntrySchema.safeParse(e).success, false, String(n));
  }
  for (const b of ['true', 1, null])
    assert.equal(AuditEntrySchema.safeParse({ ...good(), training: b }).success, false);
  assert.equal(
    AuditEntrySchema.safeParse({ ...good(), failedChecks: Array(65).fill('x') }).success,
    false,
    'lists are bounded',
  );
});

test('a rejection names the field and the rule but never echoes the value', () => {
  const e = good();
  e.document = 'jp.yamada.19800217';
  e.requestedElements.push('山田太郎');
  try {
    parseAuditEntry(e);
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof AuditEntryRejected);
    assert.doesNotMatch(err.message, /19800217|yamada|山田/);
    assert.match(err.message, /document/);
    assert.match(err.message, /requestedElements\.2/);
  }
});

test('the builder degrades hostile or malformed identifiers instead of copying them (the row is still written)', () => {
  const e = buildAuditEntry({
    time: new Date(Date.UTC(2026, 4, 1)),
    mode: 'identity',
    outcome: 'invalid',
    errorCode: '山田',
    checks: [
      { code: 'doc_type', ok: false },
      { code: 'x123456789012', ok: false },
      { code: 'mso_signature', ok: true },
    ],
    credentialType: 'mdoc',
    docType: 'jp.yamada.19800217', // a hostile phone's docType
    issuerKeyId: 'TRAINING-IACA',
    requested: ['org.iso.18013.5.1:family_name', 'org.iso.18013.5.1:山田', 'birth_1980.02.17'],
    durations: { totalMs: 123456789012, readMs: -5, verifyMs: 3.7 },
    // Fields a careless caller might pass along; the builder takes none of them.
    ...({ attributes: { family_name: '山田' }, photo: 'data:image/jpeg;base64,AAAA' } as object),
  });
  assert.equal(e.errorCode, REDACTED_CODE);
  assert.deepEqual(e.failedChecks, ['doc_type', REDACTED_CODE]);
  assert.equal(e.document, UNRECOGNIZED_DOCUMENT);
  assert.equal(e.issuerKeyId, null);
  assert.deepEqual(e.requestedElements, ['org.iso.18013.5.1:family_name']);
  assert.deepEqual(e.durations, { totalMs: 600_000, readMs: 0, verifyMs: 4 });
  assert.deepEqual(Object.keys(e).sort(), [...AUDIT_ENTRY_FIELDS].sort());
  assert.deepEqual(parseAuditEntry(e), e, 'what the builder makes, the schema accepts');
});

test('property: whatever the builder is given, its output passes the schema', () => {
  const anyText = fc.oneof(fc.string(), fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,30}$/), fc.constantFrom(...PERSONAL));
  fc.assert(
    fc.property(
      fc.record({
        mode: fc.constantFrom('age-over-20', 'identity', 'entrance', 'event-gate'),
        outcome: fc.constantFrom('valid', 'invalid', 'error', 'cancelled'),
        errorCode: fc.option(anyText),
        checks: fc.array(fc.record({ code: anyText, ok: fc.boolean() }), { maxLength: 80 }),
        credentialType: fc.option(fc.oneof(anyText, fc.constantFrom('mdoc', 'mynumber-card'))),
        docType: fc.option(anyText),
        cardType: fc.option(anyText),
        issuerKeyId: fc.option(fc.oneof(anyText, fc.stringMatching(/^[0-9a-f]{40}$/))),
        requested: fc.array(anyText, { maxLength: 80 }),
        totalMs: fc.double(),
      }),
      (r) => {
        const e = buildAuditEntry({
          ...r,
          time: new Date(Date.UTC(2026, 0, 1)),
          durations: { totalMs: r.totalMs },
        } as Parameters<typeof buildAuditEntry>[0]);
        return AuditEntrySchema.safeParse(e).success;
      },
    ),
    { numRuns: 1000 },
  );
});

test('issuerKeyIdFromKey gives the 64-hex SHA-256 of the key bytes', () => {
  const id = issuerKeyIdFromKey(nodeSha256, new TextEncoder().encode('abc'));
  assert.equal(id, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2 B.1
});
