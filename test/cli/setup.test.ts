// `kakunin setup`: the staff PIN set at installation, from a terminal or a script (--pin-file FILE,
// --pin-stdin). Exit 0 set, 1 refused, 2 usage. Runs as a real process for the scripted forms (what
// an installer runs) and in this process for the rest (buffers for output, a stand-in terminal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSetup } from '../../main/cli/commands/setup.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { StaffLockout } from '../../main/host/staff-lockout.ts';
import { checkStaffPin, readStaffPin, STAFF_PIN_KDF } from '../../main/host/staff-pin.ts';
import { SettingsStore } from '../../main/host/settings.ts';

const cli = join(import.meta.dirname, '..', '..', 'main', 'cli', 'kakunin.mjs');

function tempHome() {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-setup-'));
  return { home, done: () => rmSync(home, { recursive: true, force: true }) };
}

async function here(argv: string[], o: { tty?: boolean; stdin?: string; answers?: string[] } = {}) {
  let out = '';
  let err = '';
  const answers = [...(o.answers ?? [])];
  const code = await runSetup(argv, {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    stdinIsTerminal: () => o.tty ?? false,
    stdinText: async () => o.stdin ?? '',
    askHidden: async () => answers.shift() ?? '',
  });
  return { code, out, err };
}

test('setup --pin-file (a real process): the PIN is stored as scrypt at the production cost, 0600, audited; --json says so', async () => {
  const { home, done } = tempHome();
  try {
    const f = join(home, 'pin.txt');
    writeFileSync(f, '582914\n', { mode: 0o600 });
    const r = spawnSync(
      process.execPath,
      [cli, 'setup', '--home', home, '--pin-file', f, '--mode', 'entrance', '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.ok, true);
    assert.equal(j.pin, 'set');
    assert.deepEqual(j.kdf, { alg: 'scrypt', ...STAFF_PIN_KDF });
    assert.equal(j.settings.mode, 'entrance');
    assert.ok(j.hashMs > 0);
    const st = readStaffPin(home);
    assert.equal(st.state, 'set');
    assert.ok(st.state === 'set' && (await checkStaffPin('582914', st.record)));
    assert.equal(st.state === 'set' && st.record.via, 'cli');
    const text = readFileSync(join(home, 'staff-pin.json'), 'utf8');
    assert.ok(!text.includes('582914'));
    const { statSync } = await import('node:fs');
    assert.equal(statSync(join(home, 'staff-pin.json')).mode & 0o777, 0o600);
    assert.equal(new SettingsStore(join(home, 'settings.json')).get().mode, 'entrance');
    const store = AuditStore.open(join(home, 'audit.sqlite'), { readOnly: true });
    try {
      assert.equal(store.verify().ok, true);
      assert.equal(store.head()?.seq, 1, 'one staff-event row: the PIN was set from the console');
    } finally {
      store.close();
    }
  } finally {
    done();
  }
});

test('setup --pin-stdin (a real process) sets it; a second run without --reset is refused (exit 1) and changes nothing', () => {
  const { home, done } = tempHome();
  try {
    const r = spawnSync(process.execPath, [cli, 'setup', '--home', home, '--pin-stdin'], {
      encoding: 'utf8',
      input: '975318\n',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /staff PIN set/);
    const before = readFileSync(join(home, 'staff-pin.json'), 'utf8');
    const again = spawnSync(process.execPath, [cli, 'setup', '--home', home, '--pin-stdin'], {
      encoding: 'utf8',
      input: '864213\n',
    });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already set.*--reset/);
    assert.equal(readFileSync(join(home, 'staff-pin.json'), 'utf8'), before);
  } finally {
    done();
  }
});

test('setup --reset replaces the PIN and clears a lockout (someone at the console)', async () => {
  const { home, done } = tempHome();
  try {
    assert.equal((await here(['--home', home, '--pin-stdin'], { stdin: '975318\n' })).code, 0);
    const l = new StaffLockout(home);
    for (let i = 0; i < 6; i++) l.begin();
    assert.ok(l.lockedSeconds() > 0);
    const r = await here(['--home', home, '--pin-stdin', '--reset'], { stdin: '864213' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /staff PIN replaced/);
    assert.equal(l.lockedSeconds(), 0);
    const st = readStaffPin(home);
    assert.ok(st.state === 'set' && (await checkStaffPin('864213', st.record)));
  } finally {
    done();
  }
});

test('setup refuses short, long, non-digit and guessable PINs (exit 1), and nothing is stored', async () => {
  const { home, done } = tempHome();
  try {
    for (const pin of ['1234', '12345', '1234567890123', '12ab56', '000000', '123456', '654321', '121212']) {
      const r = await here(['--home', home, '--pin-stdin', '--json'], { stdin: pin });
      assert.equal(r.code, 1, pin);
      assert.ok(['staff_pin_format', 'staff_pin_weak'].includes(JSON.parse(r.out).error), pin);
    }
    assert.equal(existsSync(join(home, 'staff-pin.json')), false);
  } finally {
    done();
  }
});

test('setup on a terminal asks twice without echo; entries that differ change nothing', async () => {
  const { home, done } = tempHome();
  try {
    const diff = await here(['--home', home], { tty: true, answers: ['582914', '582941'] });
    assert.equal(diff.code, 1);
    assert.match(diff.err, /differ/);
    assert.equal(existsSync(join(home, 'staff-pin.json')), false);
    const ok = await here(['--home', home], { tty: true, answers: ['582914', '582914'] });
    assert.equal(ok.code, 0, ok.err);
    assert.ok(!ok.out.includes('582914') && !ok.err.includes('582914'), 'the PIN is never printed');
  } finally {
    done();
  }
});

test('setup usage errors (exit 2): a PIN file others can read, no terminal and no PIN flag, both PIN flags, bad mode', async () => {
  const { home, done } = tempHome();
  try {
    const f = join(home, 'pin.txt');
    writeFileSync(f, '582914\n');
    chmodSync(f, 0o644);
    const open = await here(['--home', home, '--pin-file', f]);
    assert.equal(open.code, 2);
    assert.match(open.err, /chmod 600/);
    assert.equal((await here(['--home', home], { tty: false })).code, 2);
    assert.match((await here(['--home', home], { tty: false })).err, /--pin-file FILE or --pin-stdin/);
    assert.equal((await here(['--home', home, '--pin-stdin', '--pin-file', f])).code, 2);
    assert.equal((await here(['--home', home, '--pin-stdin', '--mode', 'bar'], { stdin: '582914' })).code, 2);
    assert.equal((await here(['--home', home, '--pin-file', join(home, 'missing')])).code, 2);
    assert.equal((await here(['--nope'])).code, 2);
    assert.equal(existsSync(join(home, 'staff-pin.json')), false);
    const help = await here(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /--pin-file FILE/);
  } finally {
    done();
  }
});
