// The API boundary: zod-checked params, {ok,error} results, staff area locked without the staff
// PIN (enforced in the host, not the renderer), lockout after repeated wrong PINs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession, type HostServices } from '../../main/host/api-handler.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore, DEFAULT_SETTINGS } from '../../main/host/settings.ts';
import { StaffLockout, hashStaffPin } from '../../main/host/staff-pin.ts';
import { DirTrustService } from '../../main/host/trust.ts';
import { METHOD_NAMES, Methods } from '../../main/api/contract.ts';
import { ScriptedReader } from './helpers.ts';

function services(opts: { pin?: string | null; now?: () => number } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-api-'));
  const settings = new SettingsStore(join(home, 'settings.json'));
  if (opts.pin !== null) settings.update({ staffPin: hashStaffPin(opts.pin ?? '4321', 1024) });
  const host = new KioskHost({ readers: [new ScriptedReader('card')], settings, audit: new MemoryAuditSink() });
  const svc: HostServices = { host, trust: new DirTrustService(join(home, 'trust')), lockout: new StaffLockout(opts.now), pinCost: 1024 };
  return { svc, home, settings, host, done: () => rmSync(home, { recursive: true, force: true }) };
}

test('every staff method is refused on a locked session', async () => {
  const { svc, done } = services();
  const s = new ApiSession(svc);
  const staff = METHOD_NAMES.filter((m) => m.startsWith('staff') && !['staffUnlock', 'staffLock', 'staffStatus'].includes(m));
  assert.ok(staff.length >= 6);
  const sample: Record<string, unknown> = { staffAuditView: { limit: 5 }, staffAuditExport: { format: 'csv' }, staffTrustImport: { kind: 'iaca', fileName: 'a.pem', contentBase64: '' } };
  for (const m of staff) {
    const r = await s.handle(m, sample[m] ?? {});
    assert.equal(r.ok, false, m);
    assert.equal(!r.ok && r.error.code, 'staff_locked', m);
  }
  done();
});

test('the right staff PIN unlocks; lock locks again', async () => {
  const { svc, done } = services();
  const s = new ApiSession(svc);
  assert.equal((await s.handle('staffUnlock', { pin: '0000' })).ok, false);
  const u = await s.handle('staffUnlock', { pin: '4321' });
  assert.deepEqual(u, { ok: true, value: { firstRun: false } });
  const g = await s.handle('staffGetSettings', {});
  assert.ok(g.ok);
  const other = new ApiSession(svc);
  assert.equal((await other.handle('staffGetSettings', {})).ok, false, 'another connection stays locked');
  await s.handle('staffLock', {});
  assert.equal((await s.handle('staffGetSettings', {})).ok, false);
  done();
});

test('five wrong staff PINs lock out even the right one, across connections', async () => {
  let now = 1_000_000;
  const { svc, done } = services({ now: () => now });
  for (let i = 0; i < 5; i++) await new ApiSession(svc).handle('staffUnlock', { pin: '1111' });
  const r = await new ApiSession(svc).handle('staffUnlock', { pin: '4321' });
  assert.equal(!r.ok && r.error.code, 'staff_lockout');
  now += 61_000;
  assert.ok((await new ApiSession(svc).handle('staffUnlock', { pin: '4321' })).ok);
  done();
});

test('first run: with no staff PIN set, the first PIN entered becomes the staff PIN', async () => {
  const { svc, settings, done } = services({ pin: null });
  const s = new ApiSession(svc);
  assert.deepEqual(await s.handle('staffUnlock', { pin: '97531' }), { ok: true, value: { firstRun: true } });
  assert.ok(settings.get().staffPin);
  assert.equal((await new ApiSession(svc).handle('staffUnlock', { pin: '0000' })).ok, false);
  done();
});

test('malformed params and unknown methods are refused with a code, never thrown', async () => {
  const { svc, done } = services();
  const s = new ApiSession(svc);
  const cases: [string, unknown, string][] = [
    ['nope', {}, 'unknown_method'],
    ['__proto__', {}, 'unknown_method'],
    ['setLang', { lang: 'fr' }, 'bad_params'],
    ['setLang', { lang: 'ja', extra: 1 }, 'bad_params'],
    ['submitInput', { txId: 'x', digits: '12ab' }, 'bad_params'],
    ['staffUnlock', { pin: 123456 }, 'bad_params'],
    ['staffUnlock', { pin: '1'.repeat(100) }, 'bad_params'],
    ['trainingPresent', { scenario: 'card-ok' }, 'not_training'],
  ];
  for (const [m, p, code] of cases) {
    const r = await s.handle(m, p);
    assert.equal(!r.ok && r.error.code, code, `${m} ${JSON.stringify(p)}`);
    assert.ok(!r.ok && r.error.messageJa.length > 0 && r.error.messageEn.length > 0);
  }
  done();
});

test('trainingPresent is refused when real readers are in use (production never takes simulated credentials)', async () => {
  const { svc, done } = services();
  assert.equal(svc.host.training, false);
  const r = await new ApiSession(svc).handle('trainingPresent', { scenario: 'card-ok' });
  assert.equal(!r.ok && r.error.code, 'not_training');
  done();
});

test('staff settings update is validated and persisted; the PIN is stored only as a hash', async () => {
  const { svc, home, done } = services();
  const s = new ApiSession(svc);
  await s.handle('staffUnlock', { pin: '4321' });
  assert.equal((await s.handle('staffUpdateSettings', { wipeSeconds: 1 })).ok, false, 'below minimum');
  const r = await s.handle('staffUpdateSettings', { wipeSeconds: 7, lang: 'en', mode: 'identity', newStaffPin: '86420' });
  assert.ok(r.ok);
  const file = readFileSync(join(home, 'settings.json'), 'utf8');
  assert.match(file, /"wipeSeconds": 7/);
  assert.ok(!file.includes('86420'), 'no clear PIN on disk');
  assert.ok((await new ApiSession(svc).handle('staffUnlock', { pin: '86420' })).ok);
  done();
});

test('settings on disk: missing -> defaults; corrupt or foreign -> refused, not silently reset', () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-set-'));
  const f = join(home, 'settings.json');
  assert.deepEqual(new SettingsStore(f).get(), DEFAULT_SETTINGS);
  writeFileSync(f, JSON.stringify({ ...DEFAULT_SETTINGS, wipeSeconds: 99999 }));
  assert.throws(() => new SettingsStore(f), /wipeSeconds/);
  writeFileSync(f, JSON.stringify({ ...DEFAULT_SETTINGS, staffPin: 'plain' }));
  assert.throws(() => new SettingsStore(f), /staffPin/);
  writeFileSync(f, JSON.stringify({ ...DEFAULT_SETTINGS, debug: true }));
  assert.throws(() => new SettingsStore(f), /invalid/);
  rmSync(home, { recursive: true, force: true });
});

test('the contract lists a params and a value schema for every method', () => {
  for (const m of METHOD_NAMES) {
    assert.ok(Methods[m].params && Methods[m].value, m);
  }
});
