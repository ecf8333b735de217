// `npm start` without Electron: headless host on loopback + (here --no-browser) the kiosk URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { CHROMIUM, chromiumKioskArgs, electronBinary } from '../../main/start.ts';
import { until } from './headless-client.ts';

const root = join(import.meta.dirname, '..', '..');

test('chromium is started in kiosk mode on the pairing file (no token in argv) with its own profile', () => {
  const a = chromiumKioskArgs('file:///home/k/.config/kakunin/run/pair.html', '/tmp/p');
  assert.ok(a.includes('--kiosk'));
  assert.ok(a.includes('--app=file:///home/k/.config/kakunin/run/pair.html'));
  assert.ok(a.includes('--user-data-dir=/tmp/p'));
  assert.ok(a.includes('--disable-background-networking'));
  assert.ok(!a.includes('--no-sandbox'), 'the sandbox stays on for an ordinary user');
  assert.ok(
    chromiumKioskArgs('http://127.0.0.1:5/', '/tmp/p', { root: true }).includes('--no-sandbox'),
    'root: Chromium would refuse to start otherwise',
  );
});

/**
 * Runs `npm start`'s script (home: a directory that does not exist yet, as on a newcomer's first
 * start) until it names the pairing page, reads the kiosk URL from the 0600 pair.url beside it,
 * checks the page is served, runs `more` while it is up, then stops it. Returns what it printed.
 */
async function startUntilUrl(
  args: string[],
  env: NodeJS.ProcessEnv,
  more?: (url: URL, home: string, out: () => string) => Promise<void>,
): Promise<{ out: string; url: URL }> {
  const home = join(mkdtempSync(join(tmpdir(), 'kakunin-start-')), 'new', 'kakunin');
  const child = spawn(process.execPath, [join(root, 'main', 'start.mjs'), ...args, '--home', home], {
    cwd: root,
    env: { ...env, PCSCLITE_CSOCK_NAME: join(home, 'no-pcscd.sock') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const pairPage = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no pairing page named: ${out}`)), 90_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /open (file:\/\/\S+\/pair\.html) /.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
    });
    const html = fileURLToPath(pairPage);
    assert.equal(html, join(home, 'run', 'pair.html'));
    const urlFile = join(home, 'run', 'pair.url');
    assert.ok(out.includes(urlFile), 'says where the bare URL is');
    assert.equal(statSync(join(home, 'run')).mode & 0o777, 0o700);
    assert.equal(statSync(urlFile).mode & 0o777, 0o600);
    const url = readFileSync(urlFile, 'utf8').trim();
    const u = new URL(url);
    const token = u.hash.replace('#pair=', '');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!out.includes(token), 'the token is not on stdout');
    assert.ok(out.includes(`one-time pairing ${token.slice(0, 4)}…`), 'only its first characters');
    const page = await fetch(`http://${u.host}/`);
    assert.equal(page.status, 200, 'the kiosk is served');
    assert.match(await page.text(), /<div id="root">/);
    await more?.(u, home, () => out);
    return { out, url: u };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(join(home, '..', '..'), { recursive: true, force: true });
  }
}

const noElectron = { skip: electronBinary() ? 'Electron is present: npm start would launch it' : false };

test(
  'npm start (no Electron binary, no pcscd/reader): headless host in training mode, paired through the 0600 file, no token on stdout',
  noElectron,
  async () => {
    const { out } = await startUntilUrl(['--no-browser'], process.env, async (u, home, printed) => {
      const token = u.hash.replace('#pair=', '');
      const snap = await new Promise<any>((resolve, reject) => {
        const ws = new WebSocket(`ws://${u.host}/api?token=${token}`, { origin: `http://${u.host}` });
        ws.on('message', (d) => {
          const m = JSON.parse(String(d));
          if (m.event === 'snapshot') {
            ws.close();
            resolve(m.snapshot);
          }
        });
        ws.on('error', reject);
      });
      assert.equal(snap.training, true, 'no reader: training mode, shown on screen');
      assert.deepEqual(
        snap.readers.map((r: { source: string }) => r.source),
        ['training', 'training'],
      );
      assert.ok(
        existsSync(join(home, 'audit.sqlite')) && existsSync(join(home, 'trust')),
        'home, audit log and trust dir created',
      );
      // Spent: the file now holds a fresh pairing, announced by its hint only.
      const next = new URL(readFileSync(join(home, 'run', 'pair.url'), 'utf8').trim()).hash.replace('#pair=', '');
      assert.notEqual(next, token);
      await until(() => printed().includes(`a screen paired (pairing ${token.slice(0, 4)}…)`));
      assert.ok(!printed().includes(token) && !printed().includes(next), 'neither token on stdout');
    });
    assert.match(out, /Electron binary not present/);
    assert.match(out, /devices: training simulators \(no real reader/);
  },
);

const noChromium = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`;

test(
  'npm start with no display: says why Chromium was not opened and keeps the kiosk served at its URL (not a silent exit)',
  { skip: noElectron.skip || noChromium },
  async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const { out } = await startUntilUrl([], env);
    assert.match(out, /Chromium not opened: no display/);
  },
);

test(
  "npm start where Chromium cannot open its window (display not there): says so with Chromium's reason, kiosk still served",
  { skip: noElectron.skip || noChromium },
  async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: ':97' };
    delete env.WAYLAND_DISPLAY;
    const { out } = await startUntilUrl([], env);
    assert.match(out, /Chromium could not open the kiosk window \(exit \d+/);
  },
);

test(
  'with pcscd and a reader attached, start-up picks the real card reader (production, no training)',
  { skip: (await import('../support/pcscd.ts')).pcscdUnavailable() ?? false },
  async () => {
    const { assembleKiosk } = await import('../../main/host/assemble.ts');
    const { MemoryAuditSink } = await import('../../main/host/audit-sink.ts');
    const home = mkdtempSync(join(tmpdir(), 'kakunin-start-real-'));
    const k = await assembleKiosk({ home, audit: new MemoryAuditSink() });
    try {
      assert.equal(k.training, null);
      assert.equal(k.host.training, false);
      const card = k.host.snapshot().readers.find((r) => r.kind === 'card');
      assert.equal(card?.source, 'real');
      assert.match(k.deviceNote, /PC\/SC reader Virtual PCD/);
    } finally {
      await k.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
);
