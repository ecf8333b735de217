// Attacks on the headless host's one-screen rule, each reproduced against the host: frames that
// break RFC 6455 (they took the whole host down), a token used twice, a second client beside the
// screen, a screen replaced while a PIN prompt is up, and upgrades from another Host or Origin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_REPLACED } from '../../api/contract.ts';
import {
  clientFrame,
  closeCode,
  closed,
  rawUpgrade,
  setupHeadless,
  textFrame,
  until,
  wsOpen,
  type RawClient,
} from './headless-client.ts';

const resumeOf = (messages: any[]) => messages.find((m) => m.event === 'resume')?.token as string;

async function paired(c: RawClient): Promise<string> {
  await until(() => c.texts().some((m) => m.event === 'snapshot'), 3000, 'first snapshot');
  return resumeOf(c.texts());
}

for (const [name, frame, why] of [
  // §5.2 64-bit length: 7 MiB declared, over the host's 6 MiB maxPayload (ws answers 1009).
  ['a 7 MiB frame', clientFrame(0x2, Buffer.alloc(64), 7 * 1024 * 1024), /payload/i],
  // §8.1: a text frame must be UTF-8; 0xFF 0xFE never is (ws answers 1007).
  ['2 bytes of invalid UTF-8 in a text frame', clientFrame(0x1, Buffer.from([0xff, 0xfe])), /UTF-8/],
  // §5.2: opcodes 0x3-0x7 are reserved (ws answers 1002).
  ['a reserved opcode', clientFrame(0x3, Buffer.from('x')), /opcode/i],
] as const) {
  test(`${name} drops that connection only: the host keeps serving and the screen reconnects`, async () => {
    const s = await setupHeadless();
    try {
      const bad = await rawUpgrade(s.h.port, s.h.pair().token);
      assert.equal(bad.status, 101);
      const resume = await paired(bad);
      bad.socket.write(frame);
      await until(() => bad.ended, 3000, 'the bad connection to be dropped');
      assert.match(s.logged.join('\n'), why, 'the drop is reported');
      // Still serving: the page, and the same screen coming back with the token it was given.
      assert.equal((await fetch(s.h.url)).status, 200);
      const again = await wsOpen(s.h.port, resume);
      assert.ok(again.ok, 'reconnect with the resume token');
      await until(() => again.messages.some((m) => m.event === 'snapshot'));
      again.ws!.close();
    } finally {
      await s.done();
    }
  });
}

test('a token opens one connection: a pairing or resume token used a second time is refused', async () => {
  const s = await setupHeadless();
  try {
    const { token } = s.h.pair();
    const a = await wsOpen(s.h.port, token);
    assert.ok(a.ok);
    await until(() => resumeOf(a.messages) !== undefined);
    const r1 = resumeOf(a.messages);
    // Reused while the screen is live, and after it left.
    const twice = await wsOpen(s.h.port, token);
    assert.deepEqual(twice, { ok: false, status: 401, messages: [] });
    a.ws!.close();
    await closed(a.ws!);
    assert.equal((await wsOpen(s.h.port, token)).status, 401);
    // The resume token works once.
    const b = await wsOpen(s.h.port, r1);
    assert.ok(b.ok);
    await until(() => resumeOf(b.messages) !== undefined);
    assert.notEqual(resumeOf(b.messages), r1, 'each connection gets a fresh resume token');
    b.ws!.close();
    await closed(b.ws!);
    assert.equal((await wsOpen(s.h.port, r1)).status, 401);
  } finally {
    await s.done();
  }
});

test('a second client beside the live screen is refused before any frame, and the screen is untouched', async () => {
  const s = await setupHeadless();
  try {
    const { token } = s.h.pair();
    const screen = await wsOpen(s.h.port, token);
    assert.ok(screen.ok);
    await until(() => screen.messages.some((m) => m.event === 'snapshot'));
    for (const t of [token, null, 'x'.repeat(43)]) {
      const second = await wsOpen(s.h.port, t);
      assert.equal(second.ok, false);
      assert.equal(second.status, 401);
      assert.deepEqual(second.messages, [], 'no snapshot, no resume token');
    }
    // The screen is still the live one: it is answered and gets pushes.
    const before = screen.messages.length;
    screen.ws!.send(JSON.stringify({ id: 9, method: 'setLang', params: { lang: 'en' } }));
    await until(
      () =>
        screen.messages.some((m) => m.id === 9) &&
        screen.messages.slice(before).some((m) => m.event === 'snapshot' && m.snapshot.lang === 'en'),
    );
    screen.ws!.close();
  } finally {
    await s.done();
  }
});

test('a screen replaced by a fresh pairing during a PIN prompt gets nothing more and cannot answer it', async () => {
  const s = await setupHeadless();
  try {
    const old = await rawUpgrade(s.h.port, s.h.pair().token);
    const oldResume = await paired(old);
    old.socket.write(textFrame(JSON.stringify({ id: 1, method: 'trainingPresent', params: { scenario: 'card-pin' } })));
    await until(
      () => old.texts().some((m) => m.event === 'snapshot' && m.snapshot.screen.screen === 'input'),
      5000,
      'the PIN prompt',
    );
    const txId =
      s.kiosk.services.host.snapshot().screen.screen === 'input'
        ? (s.kiosk.services.host.snapshot().screen as { txId: string }).txId
        : '';
    assert.ok(txId);

    const fresh = await wsOpen(s.h.port, s.h.pair().token);
    assert.ok(fresh.ok, 'a fresh pairing from the host replaces the screen');
    await until(() => closeCode(old) !== null, 3000, 'the old screen to be told');
    assert.equal(closeCode(old), CLOSE_REPLACED);
    const framesAtReplace = old.frames.length;
    // The old client ignores the close and answers the prompt anyway, on the raw socket.
    old.socket.write(textFrame(JSON.stringify({ id: 2, method: 'submitInput', params: { txId, digits: '1234' } })));
    old.socket.write(textFrame(JSON.stringify({ id: 3, method: 'getSnapshot', params: {} })));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      s.kiosk.services.host.snapshot().screen.screen,
      'input',
      'the PIN from the replaced screen was not taken',
    );
    assert.deepEqual(old.frames.slice(framesAtReplace), [], 'nothing sent to the replaced screen');
    await until(() => old.ended, 3000, 'the replaced screen to be cut off');
    assert.equal((await wsOpen(s.h.port, oldResume)).status, 401, 'its resume token was revoked');
    // The new screen has the prompt and answers it.
    assert.ok(fresh.messages.some((m) => m.event === 'snapshot' && m.snapshot.screen.screen === 'input'));
    fresh.ws!.send(JSON.stringify({ id: 4, method: 'submitInput', params: { txId, digits: '1234' } }));
    await until(
      () => fresh.messages.some((m) => m.event === 'snapshot' && m.snapshot.screen.screen === 'verdict'),
      5000,
      'the verdict',
    );
    fresh.ws!.close();
  } finally {
    await s.done();
  }
});

test('upgrades with another Host or Origin are refused (403) and do not spend the token', async () => {
  const s = await setupHeadless();
  try {
    const p = s.h.port;
    const { token } = s.h.pair();
    const bad: Record<string, string | null>[] = [
      { Host: `localhost:${p}` },
      { Host: '127.0.0.1' },
      { Host: `127.0.0.1:${p + 1}` },
      { Host: 'evil.example' },
      { Host: `[::1]:${p}` },
      { Host: `127.0.0.1:${p}.evil.example` },
      { Host: null },
      { Origin: null },
      { Origin: 'null' },
      { Origin: `http://localhost:${p}` },
      { Origin: `http://127.0.0.1:${p + 1}` },
      { Origin: `https://127.0.0.1:${p}` },
      { Origin: `http://127.0.0.1:${p}.evil.example` },
      { Origin: 'http://evil.example' },
      { Origin: `http://127.0.0.1:${p}/` },
      { Origin: `HTTP://127.0.0.1:${p}` },
    ];
    for (const headers of bad) {
      const c = await rawUpgrade(p, token, headers);
      assert.equal(c.status, 403, JSON.stringify(headers));
      await until(() => c.ended);
      assert.deepEqual(c.frames, []);
    }
    const good = await rawUpgrade(p, token);
    assert.equal(good.status, 101, 'the exact Host and Origin, with the unspent token');
    good.socket.destroy();
    // Plain HTTP: a page asked for under another name (DNS rebinding) is not served.
    const r = await new Promise<number>((resolve) => {
      import('node:http').then(({ get }) =>
        get({ host: '127.0.0.1', port: p, path: '/', headers: { Host: `rebind.example:${p}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }),
      );
    });
    assert.equal(r, 421);
  } finally {
    await s.done();
  }
});
