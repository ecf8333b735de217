// The staff PIN against the attacks an outside review reproduced on the earlier kiosk, each named:
// - first-run takeover: the first PIN anyone typed on a new kiosk became the staff PIN;
// - restart resets the lockout: the count lived in memory, so each crash gave five more tries;
// - 4-digit PIN under scrypt N=2^14: recovered from a copied settings file in 45 s.
// Plus what replaced them: the one-time setup code, growing persisted delays, audited failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession, type HostServices } from '../../main/host/api-handler.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { openAuditSink } from '../../main/host/audit-store-adapter.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { DEFAULT_SETTINGS, SettingsStore } from '../../main/host/settings.ts';
import { StaffAuth } from '../../main/host/staff-auth.ts';
import { lockMsAfter, StaffLockout, STAFF_LOCKOUT_FILE } from '../../main/host/staff-lockout.ts';
import {
  checkStaffPin,
  hashStaffPin,
  pinWeakness,
  readStaffPin,
  STAFF_PIN_FILE,
  STAFF_PIN_KDF,
  writeStaffPin,
} from '../../main/host/staff-pin.ts';
import { DirTrustService } from '../../main/host/trust.ts';
import Database from 'better-sqlite3';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { ScriptedReader, setTestStaffPin, TEST_PIN_KDF } from './helpers.ts';

const PIN = '582914';

function kiosk(home: string, now?: () => Date) {
  const audit = new MemoryAuditSink();
  const host = new KioskHost({
    readers: [new ScriptedReader('card')],
    settings: new SettingsStore(join(home, 'settings.json')),
    audit,
  });
  const staff = new StaffAuth({
    home,
    kdf: TEST_PIN_KDF,
    audit: (kind, fields) => audit.event(kind, fields),
    ...(now ? { now } : {}),
  });
  const svc: HostServices = { host, trust: new DirTrustService(join(home, 'trust')), staff };
  return { svc, staff, audit, session: () => new ApiSession(svc) };
}

function tempHome(): { home: string; done(): void } {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-staffpin-'));
  return { home, done: () => rmSync(home, { recursive: true, force: true }) };
}

test('first-run takeover is refused: on a kiosk without a staff PIN, a PIN typed at the screen opens nothing and sets nothing', async () => {
  const { home, done } = tempHome();
  try {
    const k = kiosk(home);
    const r = await k.session().handle('staffUnlock', { pin: '975318' });
    assert.equal(!r.ok && r.error.code, 'staff_setup_required');
    assert.ok(!r.ok && /setup code/.test(r.error.messageEn) && /セットアップコード/.test(r.error.messageJa));
    assert.equal(existsSync(join(home, STAFF_PIN_FILE)), false, 'no PIN was stored');
    assert.equal((await k.session().handle('staffGetSettings', {})).ok, false);
    // The first-run screen without the console's code sets nothing either.
    const noCode = await k.session().handle('staffSetup', { setupCode: '00000000', pin: '975318' });
    assert.equal(!noCode.ok && noCode.error.code, 'setup_code_not_issued');
    const st = await k.session().handle('staffStatus', {});
    assert.deepEqual(st.ok && st.value, {
      unlocked: false,
      staffPinSet: false,
      setupRequired: true,
      setupReason: 'not_set',
      setupCodeIssued: false,
      lockedOutSeconds: 0,
    });
  } finally {
    done();
  }
});

test('first-run screen: the one-time setup code from the console sets the PIN; a wrong code is counted and audited; the code is spent once used', async () => {
  const { home, done } = tempHome();
  try {
    const k = kiosk(home);
    const code = k.staff.issueSetupCode()!;
    assert.match(code, /^\d{8}$/);
    const s = k.session();
    const wrongCode = String((Number(code) + 1) % 1e8).padStart(8, '0');
    const w = await s.handle('staffSetup', { setupCode: wrongCode, pin: '975318' });
    assert.equal(!w.ok && w.error.code, 'setup_code_wrong');
    assert.equal(k.staff.lockout.failures(), 1);
    const weak = await s.handle('staffSetup', { setupCode: code, pin: '111111' });
    assert.equal(!weak.ok && weak.error.code, 'staff_pin_weak', 'a weak PIN is refused before the code is tried');
    const short = await s.handle('staffSetup', { setupCode: code, pin: '1234' });
    assert.equal(!short.ok && short.error.code, 'bad_params');
    assert.deepEqual(await s.handle('staffSetup', { setupCode: code, pin: '975318' }), { ok: true, value: null });
    assert.ok((await s.handle('staffGetSettings', {})).ok, 'the session that set the PIN is unlocked');
    assert.equal(k.staff.lockout.failures(), 0);
    const again = await k.session().handle('staffSetup', { setupCode: code, pin: '864213' });
    assert.equal(!again.ok && again.error.code, 'staff_pin_already_set');
    assert.equal(k.staff.issueSetupCode(), null, 'no code once a PIN is set');
    assert.ok((await k.session().handle('staffUnlock', { pin: '975318' })).ok);
    assert.deepEqual(
      k.audit.events.map((e) => e.kind),
      ['staff_setup_code_failed', 'staff_pin_set', 'staff_unlocked'],
    );
    assert.ok(
      !JSON.stringify(k.audit.events).includes(code) && !JSON.stringify(k.audit.events).includes('975318'),
      'neither code nor PIN in the audit',
    );
  } finally {
    done();
  }
});

test('a new code replaces the old one (each start prints its own)', async () => {
  const { home, done } = tempHome();
  try {
    const k = kiosk(home);
    const first = k.staff.issueSetupCode()!;
    const second = k.staff.issueSetupCode()!;
    if (first !== second) {
      const r = await k.session().handle('staffSetup', { setupCode: first, pin: '975318' });
      assert.equal(!r.ok && r.error.code, 'setup_code_wrong');
    }
    assert.ok((await k.session().handle('staffSetup', { setupCode: second, pin: '975318' })).ok);
  } finally {
    done();
  }
});

test('restart does not reset the lockout: five wrong PINs, a new host on the same home is still locked', async () => {
  const { home, done } = tempHome();
  try {
    await setTestStaffPin(home, PIN);
    const a = kiosk(home);
    for (let i = 0; i < 5; i++) await a.session().handle('staffUnlock', { pin: '000017' });
    // "Restart": everything in memory is gone; only $KAKUNIN_HOME remains.
    const b = kiosk(home);
    const r = await b.session().handle('staffUnlock', { pin: PIN });
    assert.equal(!r.ok && r.error.code, 'staff_lockout');
    assert.ok(b.staff.lockout.lockedSeconds() > 50);
    assert.equal(JSON.parse(readFileSync(join(home, STAFF_LOCKOUT_FILE), 'utf8')).failures, 5);
  } finally {
    done();
  }
});

test('a crash in the middle of a PIN check still costs the try (counted on disk before the check runs)', async () => {
  const { home, done } = tempHome();
  try {
    // Production cost, so the check runs long enough (~0.5 s) to be killed inside it.
    writeStaffPin(home, await hashStaffPin(PIN, 'cli', new Date()));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
      const { StaffAuth } = await import(${JSON.stringify(new URL('../../main/host/staff-auth.ts', import.meta.url).pathname)});
      const s = new StaffAuth({ home: ${JSON.stringify(home)} });
      const p = s.unlock('000017');
      process.stdout.write('checking\\n');
      await p.catch(() => {});
      process.stdout.write('finished\\n');
    `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    await new Promise<void>((res) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('checking')) res();
      }),
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    assert.ok(!out.includes('finished'), 'killed inside the check');
    assert.equal(new StaffLockout(home).failures(), 1, 'the killed attempt counts');
  } finally {
    done();
  }
});

test('delays grow: 4 free tries, then 1 min, doubling each wrong PIN, at most 1 h; a right PIN starts again', async () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 40].map(lockMsAfter),
    [0, 0, 0, 0, 60_000, 120_000, 240_000, 480_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000],
  );
  const { home, done } = tempHome();
  try {
    await setTestStaffPin(home, PIN);
    let now = Date.parse('2026-12-01T10:00:00Z');
    const k = kiosk(home, () => new Date(now));
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await k.session().handle('staffUnlock', { pin: '000017' });
      if (!r.ok && r.error.code === 'staff_lockout') waits.push(k.staff.lockout.lockedSeconds());
      now += k.staff.lockout.lockedSeconds() * 1000;
    }
    assert.deepEqual(waits, [60, 120, 240]);
    assert.deepEqual(
      k.audit.events.filter((e) => e.kind === 'staff_lockout').map((e) => e.fields),
      [{ seconds: 60 }, { seconds: 120 }, { seconds: 240 }],
    );
    assert.equal(k.audit.events.filter((e) => e.kind === 'staff_pin_failed').length, 7);
    assert.ok((await k.session().handle('staffUnlock', { pin: PIN })).ok);
    assert.equal(k.staff.lockout.failures(), 0);
  } finally {
    done();
  }
});

test('a clock set back does not lengthen a lock beyond its own duration; a mangled lockout file locks (fail closed)', () => {
  const { home, done } = tempHome();
  try {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const l = new StaffLockout(home, () => now);
    for (let i = 0; i < 5; i++) l.begin();
    assert.equal(l.lockedSeconds(), 60);
    now -= 86_400_000;
    assert.equal(l.lockedSeconds(), 60, 'a day back: still one minute, not a day');
    writeFileSync(join(home, STAFF_LOCKOUT_FILE), '{"v":1,"failures":"none"}');
    assert.equal(l.lockedSeconds(), 3600);
    const r = l.begin();
    assert.equal(r.ok, false);
  } finally {
    done();
  }
});

test('4-digit PINs are refused everywhere; weak 6-digit ones too', async () => {
  const { home, done } = tempHome();
  try {
    await setTestStaffPin(home, PIN);
    const k = kiosk(home);
    for (const pin of ['1234', '12345', '1234567890123', '12a456']) {
      const r = await k.session().handle('staffUnlock', { pin });
      assert.equal(!r.ok && r.error.code, 'bad_params', pin);
    }
    assert.equal(k.staff.lockout.failures(), 0, 'malformed input never reaches the check');
    for (const pin of ['000000', '999999999', '123456', '234567', '987654', '890123', '121212', '123123', '456456456'])
      assert.notEqual(pinWeakness(pin), null, pin);
    for (const pin of ['582914', '246810', '13572468', '975318']) assert.equal(pinWeakness(pin), null, pin);
    await assert.rejects(hashStaffPin('1234', 'cli', new Date(), TEST_PIN_KDF), /refused/);
  } finally {
    done();
  }
});

test("an older install's PIN (4 digits, scrypt N=2^14, in settings.json) is never honoured: setup is asked for again", async () => {
  const { home, done } = tempHome();
  try {
    // What the earlier kiosk wrote: settings.json with {staffPin: {alg, N: 16384, r, p, salt, hash}}.
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const staffPin = {
      alg: 'scrypt',
      N: 16384,
      r: 8,
      p: 1,
      salt: salt.toString('hex'),
      hash: scryptSync('4321', salt, 32, { N: 16384, r: 8, p: 1 }).toString('hex'),
    };
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, staffPin }));
    const k = kiosk(home);
    const st = await k.session().handle('staffStatus', {});
    assert.ok(st.ok && (st.value as { setupReason: string }).setupReason === 'not_set');
    assert.equal((await k.session().handle('staffUnlock', { pin: '432100' })).ok, false);
    // A v2 record stored below the kiosk's cost (hand-edited or from a test build) is refused as weak.
    writeStaffPin(home, await hashStaffPin(PIN, 'cli', new Date(), { N: 1024, r: 8, p: 1 }));
    assert.equal(readStaffPin(home).state, 'weak');
    assert.equal(readStaffPin(home, TEST_PIN_KDF).state, 'set');
  } finally {
    done();
  }
});

test('the stored record: scrypt at the production cost with a fresh 16-byte salt, never the PIN', async () => {
  const rec = await hashStaffPin(PIN, 'cli', new Date());
  assert.deepEqual([rec.N, rec.r, rec.p], [STAFF_PIN_KDF.N, 8, 1]);
  assert.equal(STAFF_PIN_KDF.N, 2 ** 17);
  assert.match(rec.salt, /^[0-9a-f]{32}$/);
  const again = await hashStaffPin(PIN, 'cli', new Date());
  assert.notEqual(rec.salt, again.salt);
  assert.notEqual(rec.hash, again.hash);
  assert.ok(!JSON.stringify(rec).includes(PIN));
  assert.equal(await checkStaffPin(PIN, rec), true);
  assert.equal(await checkStaffPin('582915', rec), false);
});

test('staff events land in the real audit chain (sealed store) and the chain still verifies; no PIN in any row', async () => {
  const { home, done } = tempHome();
  try {
    await setTestStaffPin(home, PIN);
    const sink = await openAuditSink(join(home, 'audit.sqlite'));
    const staff = new StaffAuth({ home, kdf: TEST_PIN_KDF, audit: (kind, fields) => sink.event(kind, fields) });
    await staff.unlock('000017').catch(() => undefined);
    await staff.unlock(PIN);
    await sink.close();
    const db = new Database(join(home, 'audit.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT kind, body FROM audit_chain WHERE kind = 'event' ORDER BY seq").all() as {
        kind: string;
        body: string;
      }[];
      assert.deepEqual(
        rows.map((r) => JSON.parse(r.body).event).filter((e: string) => e.startsWith('staff_')),
        ['staff_pin_failed', 'staff_unlocked'],
      );
      assert.ok(rows.every((r) => !r.body.includes(PIN) && !r.body.includes('000017')));
    } finally {
      db.close();
    }
    const store = AuditStore.open(join(home, 'audit.sqlite'), { readOnly: true });
    try {
      assert.equal(store.verify().ok, true);
    } finally {
      store.close();
    }
  } finally {
    done();
  }
});
