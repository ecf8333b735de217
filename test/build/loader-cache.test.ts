// The attack on the run-time TypeScript loader's cache, reproduced, and shown to change nothing in
// what ships. tsx keeps the JavaScript it compiles in `<os.tmpdir()>/tsx-<uid>/`, one JSON file an
// entry (`<day bucket>-<hash of source and options>`, {"code": ...}), creates that folder without
// checking who owns it and runs the code it finds there. Another local user who creates the folder
// first (world-writable, as any user may in /tmp) can put code into it that the kiosk then runs.
//
// Here: a private temp folder stands in for /tmp (TMPDIR), so the real shared cache is never touched.
// The cache folder is created ahead, mode 0777 and owned by `nobody` (when the test runs as root); the
// loader is run once to fill it; every entry is rewritten to print a marker first and handed to
// `nobody`. The old way of starting (the CLI and the kiosk from their TypeScript sources through
// tsx) then prints the marker: the injected code ran. `npx kakunin --help` and `npm start` (up to
// the printed URL) run the compiled dist/ and print no marker, and leave the planted folder as it was.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const MARKER = 'INJECTED by user nobody';
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

const work = mkdtempSync(join(tmpdir(), 'kakunin-tsx-cache-'));
after(() => rmSync(work, { recursive: true, force: true }));
const fakeTmp = join(work, 'tmp');
mkdirSync(fakeTmp);
chmodSync(fakeTmp, 0o1777); // like /tmp: anyone may create entries
const cacheDir = join(fakeTmp, `tsx-${process.getuid?.() ?? userInfo().username}`);
const env = { ...process.env, TMPDIR: fakeTmp, PCSCLITE_CSOCK_NAME: join(work, 'no-pcscd.sock') };

/** The folder another user planted: theirs, writable by all. */
function plantCacheFolder(): void {
  mkdirSync(cacheDir);
  chmodSync(cacheDir, 0o777);
  if (isRoot) chownSync(cacheDir, NOBODY, NOBODY);
}

/** Rewrite every cache entry so its code prints MARKER before anything else; returns how many. */
function poisonEntries(): number {
  let n = 0;
  for (const name of readdirSync(cacheDir)) {
    const p = join(cacheDir, name);
    const entry = JSON.parse(readFileSync(p, 'utf8')) as { code?: unknown };
    if (typeof entry.code !== 'string') continue;
    entry.code = `process.stderr.write(${JSON.stringify(MARKER + '\n')});\n${entry.code}`;
    writeFileSync(p, JSON.stringify(entry));
    if (isRoot) chownSync(p, NOBODY, NOBODY);
    n++;
  }
  return n;
}

function run(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Start the kiosk (no browser) until it prints its URL, then stop it; everything it printed. */
function startUntilUrl(args: string[]): Promise<string> {
  const home = mkdtempSync(join(work, 'home-'));
  const child = spawn(process.execPath, [...args, '--no-browser', '--port', '0', '--home', home], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no URL printed: ${out}`));
    }, 90_000);
    const seen = (d: Buffer) => {
      out += d;
      if (/http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
        clearTimeout(t);
        child.once('exit', () => resolve(out));
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('exit', (c) => {
      clearTimeout(t);
      if (!/http:\/\/127\.0\.0\.1/.test(out)) reject(new Error(`exited ${c}: ${out}`));
    });
  });
}

const FROM_SOURCE_CLI = ['--import', 'tsx', join('test', 'support', 'kakunin-from-source.ts')];
const FROM_SOURCE_START = ['--import', 'tsx', join('main', 'start.ts')];

test('old behaviour: the tsx loader runs code planted in a pre-created, world-writable cache folder', async () => {
  plantCacheFolder();
  // Fill the planted folder the way the kiosk itself did on every start.
  assert.equal(run([...FROM_SOURCE_CLI, '--help']).code, 0);
  await startUntilUrl(FROM_SOURCE_START);
  const poisoned = poisonEntries();
  assert.ok(poisoned > 50, `the loader cached its compiled modules in the planted folder (${poisoned} entries)`);

  const cli = run([...FROM_SOURCE_CLI, '--help']);
  assert.ok(cli.out.includes(MARKER), `the CLI from source ran the planted code:\n${cli.out.slice(0, 500)}`);
  const start = await startUntilUrl(FROM_SOURCE_START);
  assert.ok(start.includes(MARKER), 'the kiosk from source ran the planted code');
});

test('npx kakunin --help and npm start (to the printed URL) run compiled code: the planted cache changes nothing', async () => {
  const before = readdirSync(cacheDir)
    .map((n) => `${n}:${statSync(join(cacheDir, n)).mtimeMs}`)
    .sort();
  assert.ok(before.length > 0, 'the poisoned cache is in place (previous test)');

  const help = run([join('main', 'cli', 'kakunin.mjs'), '--help']);
  assert.equal(help.code, 0);
  assert.ok(!help.out.includes(MARKER), help.out);
  assert.match(help.out, /^usage: kakunin <command>/);

  const start = await startUntilUrl([join('main', 'start.mjs')]);
  assert.ok(!start.includes(MARKER), start);
  assert.match(start, /kakunin: host on http:\/\/127\.0\.0\.1:\d+\//);

  // Through npx and npm exactly as a user types them.
  const npx = spawnSync('npx', ['kakunin', '--help'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(npx.status, 0, npx.stderr);
  assert.ok(!(npx.stdout + npx.stderr).includes(MARKER));

  const after = readdirSync(cacheDir)
    .map((n) => `${n}:${statSync(join(cacheDir, n)).mtimeMs}`)
    .sort();
  assert.deepEqual(after, before, 'no entry of the planted folder was added or rewritten');
});
