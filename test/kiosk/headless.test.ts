// The headless host: loopback only, per-start token, origin check, static files without traversal,
// strict CSP header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { startHeadless } from '../../main/headless/server.ts';
import { assembleKiosk } from '../../main/host/assemble.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';

async function setup() {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-hl-'));
  const dist = join(home, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(home, 'secret.txt'), 'outside dist');
  const kiosk = await assembleKiosk({ home, devices: 'training', stepMs: 0, audit: new MemoryAuditSink() });
  kiosk.host.start();
  const h = await startHeadless({ services: kiosk.services, distDir: dist });
  return { h, kiosk, home, done: async () => { await h.close(); await kiosk.close(); rmSync(home, { recursive: true, force: true }); } };
}

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ok: boolean; status?: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ ok: true, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode }));
    ws.on('error', () => resolve({ ok: false }));
  });
}

test('the WebSocket refuses a missing or wrong token, and a page from another origin', async () => {
  const { h, done } = await setup();
  const base = `ws://127.0.0.1:${h.port}/api`;
  assert.deepEqual(await wsOpen(base), { ok: false, status: 401 });
  assert.deepEqual(await wsOpen(`${base}?token=wrong`), { ok: false, status: 401 });
  assert.deepEqual(await wsOpen(`${base}?token=${h.token.slice(0, -1)}x`), { ok: false, status: 401 });
  assert.deepEqual(await wsOpen(`${base}?token=${h.token}`, { Origin: 'http://evil.example' }), { ok: false, status: 401 });
  assert.deepEqual(await wsOpen(`ws://127.0.0.1:${h.port}/other?token=${h.token}`), { ok: false, status: 401 });
  const good = await wsOpen(`${base}?token=${h.token}`, { Origin: `http://127.0.0.1:${h.port}` });
  assert.ok(good.ok);
  // The right token works end to end: a call and its typed answer.
  const answer = await new Promise<any>((resolve) => {
    good.ws!.on('message', (d) => { const m = JSON.parse(String(d)); if (m.id === 7) resolve(m); });
    good.ws!.send(JSON.stringify({ id: 7, method: 'staffStatus', params: {} }));
  });
  assert.equal(answer.result.ok, true);
  assert.equal(answer.result.value.unlocked, false);
  good.ws!.close();
  await done();
});

test('tokens differ per start', async () => {
  const a = await setup();
  const b = await setup();
  assert.notEqual(a.h.token, b.h.token);
  assert.ok(a.h.token.length >= 40);
  await a.done();
  await b.done();
});

test('bound to 127.0.0.1 only; asking for another address is refused', async () => {
  const { h, kiosk, home, done } = await setup();
  assert.equal((h.server.address() as { address: string }).address, '127.0.0.1');
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    const reached = await new Promise<boolean>((resolve) => {
      const s = connect(h.port, external.address);
      s.on('connect', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    assert.equal(reached, false, `not reachable on ${external.address}`);
  } else {
    console.log('# no non-loopback IPv4 interface here (private network namespace): reachability from outside not tried; address check above holds');
  }
  await assert.rejects(startHeadless({ services: kiosk.services, distDir: join(home, 'dist'), host: '0.0.0.0' }), /127\.0\.0\.1 only/);
  await done();
});

test('static files: CSP and nosniff headers; no path traversal out of the renderer build', async () => {
  const { h, done } = await setup();
  const r = await fetch(h.url);
  assert.equal(r.status, 200);
  const csp = r.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  // 'wasm-unsafe-eval' (WebAssembly compile for the QR decoder) and nothing that allows JS eval or inline code.
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${h.port}`));
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00', '/nope.js']) {
    const x = await fetch(h.url.replace(/\/$/, '') + p);
    assert.equal(x.status, 404, p);
  }
  const post = await fetch(h.url, { method: 'POST' });
  assert.equal(post.status, 405);
  await done();
});

test('malformed WebSocket messages get an error answer and the host keeps running', async () => {
  const { h, done } = await setup();
  const { ws } = await wsOpen(`ws://127.0.0.1:${h.port}/api?token=${h.token}`);
  const got: any[] = [];
  ws!.on('message', (d) => got.push(JSON.parse(String(d))));
  ws!.send(JSON.stringify({ id: 1, method: 'rm -rf', params: {} }));
  ws!.send(JSON.stringify({ id: 2, method: 'setLang', params: { lang: 'xx' } }));
  ws!.send(JSON.stringify({ id: 3, method: 'getSnapshot', params: {} }));
  await new Promise((r) => setTimeout(r, 200));
  const byId = (id: number) => got.find((m) => m.id === id);
  assert.equal(byId(1).result.error.code, 'bad_request');
  assert.equal(byId(2).result.error.code, 'bad_params');
  assert.equal(byId(3).result.ok, true);
  ws!.close();
  await done();
});
