// `npm start` without Electron: headless host on loopback + (here --no-browser) the kiosk URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { chromiumKioskArgs, electronBinary } from '../../main/start.ts';

const root = join(import.meta.dirname, '..', '..');

test('chromium is started in kiosk mode on the loopback URL with its own profile', () => {
  const a = chromiumKioskArgs('http://127.0.0.1:5/#token=x', '/tmp/p');
  assert.ok(a.includes('--kiosk'));
  assert.ok(a.includes('--app=http://127.0.0.1:5/#token=x'));
  assert.ok(a.includes('--user-data-dir=/tmp/p'));
  assert.ok(a.includes('--disable-background-networking'));
});

test('npm start (no Electron binary, no pcscd/reader): headless host in training mode, token-guarded', { skip: electronBinary() ? 'Electron is present: npm start would launch it' : false }, async () => {
  // A home that does not exist yet, as on a newcomer's first `npm start`: it is created.
  const home = join(mkdtempSync(join(tmpdir(), 'kakunin-start-')), 'new', 'kakunin');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main', 'start.ts'), '--no-browser', '--home', home], { cwd: root, env: { ...process.env, PCSCLITE_CSOCK_NAME: join(home, 'no-pcscd.sock') }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 90_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(out);
        if (m) { clearTimeout(t); resolve(m[1]!); }
      });
      child.on('exit', (c) => reject(new Error(`exited ${c}: ${out}`)));
    });
    assert.match(out, /Electron binary not present/);
    assert.match(out, /devices: training simulators \(no real reader/);
    const u = new URL(url);
    const page = await fetch(`http://${u.host}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    const token = u.hash.replace('#token=', '');
    const snap = await new Promise<any>((resolve, reject) => {
      const ws = new WebSocket(`ws://${u.host}/api?token=${token}`);
      ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.event === 'snapshot') { ws.close(); resolve(m.snapshot); } });
      ws.on('error', reject);
    });
    assert.equal(snap.training, true, 'no reader: training mode, shown on screen');
    assert.deepEqual(snap.readers.map((r: { source: string }) => r.source), ['training', 'training']);
    assert.ok(existsSync(join(home, 'audit.sqlite')) && existsSync(join(home, 'trust')), 'home, audit log and trust dir created');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  }
});

test('with pcscd and a reader attached, start-up picks the real card reader (production, no training)', { skip: (await import('../support/pcscd.ts')).pcscdUnavailable() ?? false }, async () => {
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
});
