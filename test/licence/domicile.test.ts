// 本籍 (registered domicile, DF1/EF02) is hashed for the signature and nothing else: its bytes and its
// text reach no result, screen snapshot, audit row, log line or JSON output. (The CLI's stdout and
// stderr are checked in test/cli/read-document-cli.test.ts, the screen and audit in
// test/e2e/documents.e2e.test.ts; this file checks the bytes themselves, in every form.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentJson } from '../../main/cli/commands/read-document.ts';
import { documentOutcome } from '../../main/host/readers/document-card.ts';
import { POLICIES } from '../../core/policy/policy.ts';
import { decodeImages } from '../../main/pcsc/read-document.ts';
import { encodeJis } from '../../sim/licence/virtual-licence.ts';
import { PINS, readLicence } from './support.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const replacer = (_k: string, v: unknown) => (v instanceof Uint8Array ? hex(v) : v);

test('本籍 bytes and text are in no result, outcome, JSON or log, though they were read for the signature', async () => {
  const logs: string[] = [];
  const orig = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = (...a: unknown[]) => void logs.push(a.map(String).join(' '));
  try {
    const { card, result } = await readLicence('identity', PINS);
    assert.ok(card.domicileRead, 'EF02 was read (to hash it)');
    assert.ok(result.checks.some((c) => c.code === 'licence.signature' && c.ok));
    const domicileValue = hex(encodeJis(card.holder.domicile));
    const forms = [
      JSON.stringify(result, replacer),
      JSON.stringify(documentJson({ ...result, reader: 'x' }, { policy: 'identity' }), replacer),
      JSON.stringify(documentOutcome({ ...result, decoded: await decodeImages(result) }, POLICIES.identity), replacer),
      logs.join('\n'),
    ];
    for (const f of forms) {
      assert.ok(!f.includes(domicileValue), 'the 本籍 bytes');
      assert.ok(!f.includes(card.holder.domicile), 'the 本籍 text');
      assert.ok(!f.includes('本籍見本'));
    }
  } finally {
    Object.assign(console, orig);
  }
});
