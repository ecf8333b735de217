// The headless host: loopback only, one-time pairing tokens, static files without traversal, strict
// CSP header. The attacks on its one-screen rule are in headless-one-screen.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { startHeadless } from '../../main/headless/server.ts';
import { setupHeadless as setup, wsOpen } from './headless-client.ts';

test('the WebSocket refuses a missing, wrong or near-miss token, and another path', async () => {
  const { h, done } = await setup();
  const { token } = h.pair();
  assert.deepEqual(await wsOpen(h.port, null), { ok: false, status: 401, messages: [] });
  assert.deepEqual(await wsOpen(h.port, 'wrong'), { ok: false, status: 401, messages: [] });
  assert.deepEqual(await wsOpen(h.port, `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`), {
    ok: false,
    status: 401,
    messages: [],
  });
  assert.deepEqual(await wsOpen(h.port, token, {}, '/other'), { ok: false, status: 404, messages: [] });
  // None of the refusals spent the token.
  const good = await wsOpen(h.port, token);
  assert.ok(good.ok);
  // The right token works end to end: a call and its typed answer.
  const answer = await new Promise<any>((resolve) => {
    good.ws!.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.id === 7) resolve(m);
    });
    good.ws!.send(JSON.stringify({ id: 7, method: 'staffStatus', params: {} }));
  });
  assert.equal(answer.result.ok, true);
  assert.equal(answer.result.value.unlocked, false);
  good.ws!.close();
  await done();
});

test('pairing tokens differ per issue and per start, and carry 256 bits', async () => {
  const a = await setup();
  const b = await setup();
  const [a1, a2, b1] = [a.h.pair(), a.h.pair(), b.h.pair()];
  assert.equal(new Set([a1.token, a2.token, b1.token]).size, 3);
  assert.match(a1.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    a1.url,
    `http://127.0.0.1:${a.h.port}/#pair=${a1.token}`,
    'the token rides in the fragment, never sent over HTTP',
  );
  // Issuing a pairing revokes the unspent one before it.
  assert.equal((await wsOpen(a.h.port, a1.token)).status, 401);
  assert.ok((await wsOpen(a.h.port, a2.token)).ok);
  await a.done();
  await b.done();
});

test('bound to 127.0.0.1 only; asking for another address is refused', async () => {
  const { h, kiosk, home, done } = await setup();
  assert.equal((h.server.address() as { address: string }).address, '127.0.0.1');
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    const reached = await new Promise<boolean>((resolve) => {
      const s = connect(h.port, external.address);
      s.on('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    assert.equal(reached, false, `not reachable on ${external.address}`);
  } else {
    console.log(
      '# no non-loopback IPv4 interface here (private network namespace): reachability from outside not tried; address check above holds',
    );
  }
  await assert.rejects(
    startHeadless({ services: kiosk.services, distDir: join(home, 'dist'), host: '0.0.0.0' }),
    /127\.0\.0\.1 only/,
  );
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
  const { ws, messages: got } = await wsOpen(h.port, h.pair().token);
  ws!.send(JSON.stringify({ id: 1, method: 'rm -rf', params: {} }));
  ws!.send(JSON.stringify({ id: 2, method: 'setLang', params: { lang: 'xx' } }));
  ws!.send(JSON.stringify({ id: 3, method: 'getSnapshot', params: {} }));
  const byId = (id: number) => got.find((m) => m.id === id);
  // Wait for the three answers (a fixed 200 ms was too short on a loaded machine), at most 5 s.
  for (let waited = 0; waited < 5000 && ![1, 2, 3].every((id) => byId(id)); waited += 20)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(byId(1).result.error.code, 'bad_request');
  assert.equal(byId(2).result.error.code, 'bad_params');
  assert.equal(byId(3).result.ok, true);
  ws!.close();
  await done();
});
