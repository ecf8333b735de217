// Debugging switches are refused at start by every entry: the CLI (`npx kakunin`), `npm start` and
// the Electron entry. Each switch would open a port or pipe through which another program reads the
// kiosk's screen data and drives it (Node's inspector, Chromium's DevTools protocol) or change how V8
// runs the code (--js-flags). Before, each entry accepted them (the CLI and npm start ran under
// Node with the inspector on; Electron passed Chromium's switches through).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { debugSwitches } from '../../main/launch.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'main', 'cli', 'kakunin.mjs');
const START = join(ROOT, 'main', 'start.mjs');
const ELECTRON_ENTRY = join(ROOT, 'main', 'electron', 'main.cjs');
const REFUSED = /refusing to start with debugging switches/;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const cleanEnv = (): NodeJS.ProcessEnv => {
  const e = { ...process.env };
  delete e.NODE_OPTIONS;
  return e;
};

test('debugSwitches: the inspector, DevTools-protocol and V8 switches are found wherever they are given', () => {
  const found = (argv: string[], execArgv: string[] = [], nodeOptions = '') =>
    debugSwitches({ argv, execArgv, nodeOptions });
  for (const a of [
    '--remote-debugging-port=9222',
    '--remote-debugging-port',
    '--remote-debugging-pipe',
    '--remote-debugging-address=0.0.0.0',
    '-remote-debugging-port=9222',
    '--REMOTE-DEBUGGING-PORT=1',
    '--js-flags=--allow-natives-syntax',
    '--inspect',
    '--inspect=0.0.0.0:9229',
    '--inspect-brk',
    '--inspect-port=1',
    '--inspect-wait',
    '--debug',
    '--debug-brk',
    '--remote-allow-origins=*',
    '--auto-open-devtools-for-tabs',
  ]) {
    assert.deepEqual(found([a]), [a], a);
  }
  for (const a of [
    '--inspect',
    '--inspect-brk=9230',
    '--inspect-port=0',
    '--inspect-publish-uid=http',
    '--debug-port=1',
  ])
    assert.deepEqual(found([], [a]), [a], `execArgv ${a}`);
  assert.deepEqual(found([], [], '--max-old-space-size=512 --inspect=9229'), ['NODE_OPTIONS --inspect=9229']);
  // Ordinary options of the kiosk and the CLI pass.
  for (const a of [
    '--no-browser',
    '--training',
    '--json',
    '--trust',
    'resources/test-trust',
    '--port',
    '9222',
    '--response',
    'inspect.cbor',
    '--home',
    '/tmp/--inspect-dir',
  ])
    assert.deepEqual(found([a]), [], a);
  assert.deepEqual(found([], ['--max-old-space-size=1024', '--import', 'tsx'], '--max-old-space-size=512'), []);
});

test('CLI: `kakunin --remote-debugging-port`, `node --inspect kakunin` and NODE_OPTIONS=--inspect are refused (exit 2)', () => {
  // Before: the CLI started with the inspector listening and ran the command.
  const old = run(
    process.execPath,
    ['--inspect=127.0.0.1:0', '--import', 'tsx', join(ROOT, 'test', 'support', 'kakunin-from-source.ts'), '--help'],
    cleanEnv(),
  );
  assert.equal(old.code, 0);
  assert.match(old.err, /Debugger listening on ws:\/\/127\.0\.0\.1/);

  const a = run(process.execPath, [CLI, '--help', '--remote-debugging-port=9222'], cleanEnv());
  assert.equal(a.code, 2);
  assert.match(a.err, REFUSED);
  assert.match(a.err, /--remote-debugging-port=9222/);
  assert.doesNotMatch(a.err, /usage: kakunin/, 'refused before the CLI ran');

  const b = run(process.execPath, ['--inspect=127.0.0.1:0', CLI, '--help'], cleanEnv());
  assert.equal(b.code, 2);
  assert.match(b.err, REFUSED);

  const c = run(process.execPath, [CLI, '--help'], { ...cleanEnv(), NODE_OPTIONS: '--inspect=127.0.0.1:0' });
  assert.equal(c.code, 2);
  assert.match(c.err, /NODE_OPTIONS --inspect=127\.0\.0\.1:0/);

  const d = run(process.execPath, [CLI, 'verify-response', '--js-flags=--allow-natives-syntax'], cleanEnv());
  assert.equal(d.code, 2);
  assert.match(d.err, REFUSED);

  const ok = run(process.execPath, [CLI, '--help'], cleanEnv());
  assert.equal(ok.code, 0, 'without switches the CLI runs');
});

test('npm start -- --remote-debugging-port=9222 / --inspect-brk: refused before the kiosk starts (exit 2)', () => {
  const viaNpm = run('npm', ['start', '--', '--no-browser', '--remote-debugging-port=9222'], cleanEnv());
  assert.equal(viaNpm.code, 2, viaNpm.out + viaNpm.err);
  assert.match(viaNpm.err, REFUSED);
  assert.doesNotMatch(viaNpm.out, /host on/, 'no host was started');

  const brk = run(process.execPath, [START, '--no-browser', '--inspect-brk'], cleanEnv());
  assert.equal(brk.code, 2);
  assert.match(brk.err, /--inspect-brk/);

  const env = run(process.execPath, [START, '--no-browser'], { ...cleanEnv(), NODE_OPTIONS: '--inspect-port=0' });
  assert.equal(env.code, 2);
  assert.match(env.err, /NODE_OPTIONS --inspect-port=0/);
});

test('Electron entry: Chromium/Electron debugging switches are refused before Electron is loaded (exit 2)', () => {
  // Run with Node: the check comes before require('electron'), so it needs no Electron binary.
  for (const sw of [
    '--remote-debugging-port=9222',
    '--remote-debugging-pipe',
    '-remote-debugging-port=9222',
    '--js-flags=--expose-gc',
    '--inspect=9229',
  ]) {
    const r = run(process.execPath, [ELECTRON_ENTRY, sw], cleanEnv());
    assert.equal(r.code, 2, `${sw}: ${r.err}`);
    assert.match(r.err, REFUSED, sw);
  }
  const opt = run(process.execPath, [ELECTRON_ENTRY], { ...cleanEnv(), NODE_OPTIONS: '--inspect' });
  assert.equal(opt.code, 2);
  assert.match(opt.err, /NODE_OPTIONS --inspect/);
  // Without switches the entry goes on to load Electron (under plain Node that cannot work: not refused).
  const plain = run(process.execPath, [ELECTRON_ENTRY, '--training'], cleanEnv());
  assert.doesNotMatch(plain.err, REFUSED);
  assert.notEqual(plain.code, 2);
});
