// Staff and system events in the chain (core/audit/audit-event.ts, docs/audit-log.md "Events"):
// PIN failures and lockouts, settings, mode, retention and trust changes, exports, PIN changes,
// start and stop with a boot id, clock jumps. Before, none of these was logged at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  AUDIT_EVENTS,
  AuditEventRejected,
  buildAuditEvent,
  parseAuditEventBody,
} from '../../core/audit/audit-event.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { ApiSession, type HostServices } from '../../main/host/api-handler.ts';
import { startAuditLifecycle } from '../../main/host/audit-lifecycle.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { AuditStoreSink } from '../../main/host/audit-store-adapter.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { StaffAuth } from '../../main/host/staff-auth.ts';
import { DirTrustService } from '../../main/host/trust.ts';
import { ScriptedReader, setTestStaffPin, TEST_PIN_KDF } from '../kiosk/helpers.ts';

const TEST_IACA = join(import.meta.dirname, '..', '..', 'resources', 'test-trust', 'iaca');

const PIN = '864213';

async function kiosk(pin: string | null = PIN) {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-events-'));
  const settings = new SettingsStore(join(home, 'settings.json'));
  if (pin !== null) await setTestStaffPin(home, pin);
  const audit = new MemoryAuditSink();
  let now = 1_000_000;
  const host = new KioskHost({ readers: [new ScriptedReader('card')], settings, audit });
  const staff = new StaffAuth({
    home,
    kdf: TEST_PIN_KDF,
    audit: (kind, fields) => audit.event(kind, fields),
    now: () => new Date(now),
  });
  const svc: HostServices = { host, trust: new DirTrustService(join(home, 'trust')), staff };
  return {
    svc,
    audit,
    settings,
    advance: (ms: number) => (now += ms),
    done: () => rmSync(home, { recursive: true, force: true }),
  };
}
const kinds = (a: MemoryAuditSink) => a.events.map((e) => e.kind);
async function staffSession(k: Awaited<ReturnType<typeof kiosk>>): Promise<ApiSession> {
  const s = new ApiSession(k.svc);
  assert.ok((await s.handle('staffUnlock', { pin: PIN })).ok);
  return s;
}

test('wrong staff PINs and the lockout they cause are logged; a right PIN logs the unlock; a first-run PIN logs that it was set', async () => {
  const k = await kiosk();
  try {
    for (let i = 0; i < 5; i++) await new ApiSession(k.svc).handle('staffUnlock', { pin: '000000' });
    assert.deepEqual(kinds(k.audit), [
      'staff_pin_failed',
      'staff_pin_failed',
      'staff_pin_failed',
      'staff_pin_failed',
      'staff_pin_failed',
      'staff_lockout',
    ]);
    assert.deepEqual(k.audit.events.at(-1)!.fields, { seconds: 60 });
    k.advance(61_000);
    assert.ok((await new ApiSession(k.svc).handle('staffUnlock', { pin: PIN })).ok);
    assert.equal(kinds(k.audit).at(-1), 'staff_unlocked');
    // Nothing of the PIN itself, in any event.
    assert.ok(!JSON.stringify(k.audit.events).includes(PIN) && !JSON.stringify(k.audit.events).includes('000000'));
  } finally {
    k.done();
  }
  const fresh = await kiosk(null);
  try {
    // A new kiosk: the PIN is set with the console's one-time setup code.
    const code = fresh.svc.staff.issueSetupCode()!;
    assert.ok((await new ApiSession(fresh.svc).handle('staffSetup', { setupCode: code, pin: '246813' })).ok);
    assert.deepEqual(kinds(fresh.audit), ['staff_pin_set']);
  } finally {
    fresh.done();
  }
});

test('settings, mode, retention and PIN changes are logged by name, never by value; retention below 90 days is refused and logged', async () => {
  const k = await kiosk();
  try {
    const s = await staffSession(k);
    const r = await s.handle('staffUpdateSettings', { mode: 'identity', wipeSeconds: 20, retentionDays: 400 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.ok((await s.handle('staffChangePin', { currentPin: PIN, newPin: '135790' })).ok);
    const ev = k.audit.events.slice(1);
    assert.deepEqual(
      ev.map((e) => e.kind),
      ['settings_changed', 'mode_changed', 'retention_changed', 'staff_pin_changed'],
    );
    assert.deepEqual(
      ev[0]!.fields,
      { fields: ['mode', 'retentionDays', 'wipeSeconds'] },
      'names only; the PIN hash is not a "setting"',
    );
    assert.deepEqual(ev[1]!.fields, { from: 'age-over-20', to: 'identity' });
    assert.deepEqual(ev[2]!.fields, { fromDays: 365, toDays: 400 });
    assert.ok(!JSON.stringify(k.audit.events).includes('135790'));
    const low = await s.handle('staffUpdateSettings', { retentionDays: 30 });
    assert.equal(!low.ok && low.error.code, 'retention_below_minimum');
    assert.equal(k.settings.get().retentionDays, 400, 'nothing changed');
    assert.deepEqual(k.audit.events.at(-1), {
      kind: 'retention_refused',
      fields: { reason: 'below_minimum', days: 30 },
    });
  } finally {
    k.done();
  }
});

test('a trust import is logged with its kind and fingerprint; an export with its format', async () => {
  const k = await kiosk();
  try {
    const s = await staffSession(k);
    const pem = readFileSync(
      join(
        TEST_IACA,
        (await import('node:fs')).readdirSync(TEST_IACA).find((f) => f.endsWith('.pem'))!,
      ),
    );
    const imp = await s.handle('staffTrustImport', {
      kind: 'iaca',
      fileName: 'test-iaca.pem',
      contentBase64: pem.toString('base64'),
    });
    assert.ok(imp.ok, JSON.stringify(imp));
    assert.deepEqual(
      Object.keys((imp as { value: object }).value).sort(),
      ['detail', 'replacedBuiltin', 'stored'],
      'the API answer is unchanged',
    );
    const ev = k.audit.events.at(-1)!;
    assert.equal(ev.kind, 'trust_imported');
    assert.equal(ev.fields.kind, 'iaca');
    assert.match(String(ev.fields.fingerprint), /^[0-9a-f]{64}$/);
    assert.ok((await s.handle('staffAuditExport', { format: 'csv' })).ok);
    assert.deepEqual(k.audit.events.at(-1), { kind: 'audit_exported', fields: { format: 'csv' } });
  } finally {
    k.done();
  }
});

test("start and stop carry the boot id and this run's id; a clock behind the log and a jump while running are logged and stop retention", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-life-'));
  try {
    const path = join(dir, 'audit.sqlite');
    const store = AuditStore.open(path);
    const sink = new AuditStoreSink(store);
    let wall = Date.UTC(2026, 5, 1);
    let mono = 0;
    const life = await startAuditLifecycle(sink, {
      now: () => new Date(wall),
      monotonic: () => mono,
      intervalMs: 3_600_000,
      bootId: 'ab'.repeat(16),
    });
    mono += 60_000;
    wall += 60_000;
    await life.tick(); // on time: nothing
    mono += 60_000;
    wall += 60_000 + 3 * 3_600_000; // the wall clock jumped three hours forward
    await life.tick();
    await life.stop();
    // A second run whose clock is a day behind what the log holds.
    const life2 = await startAuditLifecycle(sink, { now: () => new Date(Date.UTC(2026, 4, 31)), bootId: null });
    await life2.stop();
    assert.throws(() => store.prune(90, new Date(Date.UTC(2026, 5, 1))), /clock/);
    sink.close();
    const db = new Database(path, { readonly: true });
    const bodies = (
      db.prepare("SELECT body FROM audit_chain WHERE kind = 'event' ORDER BY seq").all() as { body: string }[]
    ).map((r) => JSON.parse(r.body));
    db.close();
    assert.deepEqual(
      bodies.map((b) => b.event),
      ['kiosk_start', 'clock_jump', 'kiosk_stop', 'kiosk_start', 'clock_jump', 'kiosk_stop', 'retention_refused'],
    );
    assert.deepEqual(
      [bodies[0].bootId, bodies[0].runId],
      [bodies[2].bootId, bodies[2].runId],
      'stop pairs with its start',
    );
    assert.equal(bodies[0].bootId, 'ab'.repeat(16));
    assert.match(bodies[0].runId, /^[0-9a-f]{16}$/);
    assert.deepEqual([bodies[1].direction, bodies[1].seconds], ['forward', 10_800]);
    assert.notEqual(bodies[3].runId, bodies[0].runId);
    assert.equal(bodies[3].bootId, null);
    assert.equal(bodies[4].direction, 'behind_log');
    assert.equal(bodies[6].reason, 'clock_jumped');
    for (const b of bodies) assert.ok(parseAuditEventBody(b), `${b.event} re-validates`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('events admit only their own fields, each of a narrow type; values shaped like personal data are refused, never echoed', () => {
  const t = new Date(Date.UTC(2026, 0, 1));
  for (const [kind, fields] of [
    ['no_such_event', {}],
    ['staff_pin_failed', { pin: '1234' }], // a field the kind does not have
    ['mode_changed', { from: 'age-over-20', to: 'YAMADA TARO' }],
    ['settings_changed', { fields: ['山田'] }],
    ['settings_changed', { fields: ['a123456789012'] }], // a digit run inside a name
    ['retention_refused', { reason: '1980-02-17', days: 30 }],
    ['retention_refused', { reason: 'below_minimum', days: 123456789012 }],
    ['trust_imported', { kind: 'iaca', fingerprint: '123456789012' }],
    ['kiosk_start', { bootId: 'x'.repeat(32), runId: '0123456789abcdef' }],
    ['kiosk_start', { runId: '0123456789abcdef' }], // bootId missing (null is allowed, absence is not)
  ] as [string, Record<string, unknown>][]) {
    assert.throws(
      () => buildAuditEvent(kind, fields, t),
      (e: unknown) => {
        assert.ok(e instanceof AuditEventRejected);
        for (const v of Object.values(fields).flat())
          if (typeof v === 'string' && v.length > 3) assert.ok(!e.message.includes(v), `the message echoes ${v}`);
        return true;
      },
      `${kind} ${JSON.stringify(fields)}`,
    );
  }
  // seconds are clamped (a long jump is a fact, not an error); setting names are sorted and unique.
  assert.equal(buildAuditEvent('clock_jump', { direction: 'back', seconds: 1e9 }, t).seconds, 99_999);
  assert.deepEqual(buildAuditEvent('settings_changed', { fields: ['wipeSeconds', 'lang', 'lang'] }, t).fields, [
    'lang',
    'wipeSeconds',
  ]);
  // Every kind in the table builds with fields of its types (so adding one is one line there).
  const sample: Record<string, unknown> = {
    count: 1,
    seconds: 5,
    days: 90,
    mode: 'identity',
    code: 'x',
    names: ['lang'],
    fingerprint: null,
    bootid: null,
    runid: '0123456789abcdef',
  };
  for (const [kind, spec] of Object.entries(AUDIT_EVENTS)) {
    const fields = Object.fromEntries(Object.entries(spec).map(([f, ty]) => [f, sample[ty as string]]));
    assert.equal(buildAuditEvent(kind, fields, t).event, kind);
  }
});
