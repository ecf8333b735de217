// Is pcscd reachable? Checked BEFORE the pcsclite binding is loaded: with no daemon, the binding's
// context creation (SCardEstablishContext in the PCSCLite constructor) spins and never returns, so a
// missing daemon would hang the kiosk instead of giving a clear error.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** pcsc-lite's client socket (PCSCLITE_CSOCK_NAME overrides it, as libpcsclite does). */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME || '/run/pcscd/pcscd.comm';
}

/** Whether pcscd's socket exists: a quick, synchronous first look (whether it answers: below). */
export function pcscdReachable(): boolean {
  return existsSync(pcscdSocketPath());
}

/**
 * Is pcscd there and answering? Its socket accepting a connection is not enough: a frozen daemon
 * still accepts (the kernel queues the connection), and the binding would then block the main thread.
 * The same question as pcscdAnswers(), without telling 'gone' from 'not answering'.
 */
export async function probePcscd(timeoutMs = 1000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const a = await pcscdAnswers(timeoutMs);
  return a.ok ? a : { ok: false, reason: a.reason };
}

export const PCSCD_HELP = [
  'pcscd (the PC/SC daemon) must be running for read-card, also with --simulate (the virtual card is',
  'served to pcscd through the vpcd driver and read back through the real PC/SC stack):',
  '  apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd',
  '  pcscd -f -a &        # foreground daemon; vpcd readers listen on 127.0.0.1:35963 / :35964',
  'or run inside the test harness namespace: node test/run.mjs card (starts a private pcscd).',
].join('\n');

/**
 * Does pcscd ANSWER (not merely: is its socket there)? A daemon that is frozen (SIGSTOP, wedged)
 * still has its socket, and the kernel still accepts connections into its listen queue, so
 * probePcscd() says ok; but every libpcsclite call then waits for ever, and some of the binding's
 * calls (SCardEstablishContext in the PCSCLite constructor, SCardCancel + a thread join in
 * CardReader.close()) run on the main thread and would freeze the whole kiosk. So before such a
 * call, ask the daemon something: pcsc-lite's first message on every client connection is the
 * protocol version exchange (header {size, command = CMD_VERSION 0x11}, then {major, minor, rv},
 * native-endian 32-bit words; the daemon answers with its own version). Any answer, or an orderly
 * close, shows that a daemon thread ran; nothing within `timeoutMs` means it is not answering.
 */
export function pcscdAnswers(
  timeoutMs = 1000,
): Promise<{ ok: true } | { ok: false; state: 'gone' | 'not_answering'; reason: string }> {
  const path = pcscdSocketPath();
  const deadline = Date.now() + timeoutMs;
  type Answer = { ok: true } | { ok: false; state: 'gone' | 'not_answering'; reason: string; retry?: boolean };
  const once = (): Promise<Answer> =>
    new Promise((resolve) => {
      const s = connect({ path });
      let settled = false;
      const done = (r: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        s.destroy();
        resolve(r);
      };
      const timer = setTimeout(
        () =>
          done({ ok: false, state: 'not_answering', reason: `pcscd at ${path} did not answer within ${timeoutMs} ms` }),
        Math.max(1, deadline - Date.now()),
      );
      s.once('connect', () => {
        // pcsc-lite 1.9 speaks protocol 4.4 (2.x: 4.5); a daemon of another minor still answers (with
        // an error code in rv), which is all this asks.
        const msg = Buffer.alloc(20);
        const w = (i: number, v: number) => (endianLE ? msg.writeUInt32LE(v, i) : msg.writeUInt32BE(v, i));
        w(0, 12); // size of version_struct
        w(4, 0x11); // CMD_VERSION
        w(8, 4); // major
        w(12, 4); // minor
        w(16, 0); // rv
        s.write(msg);
      });
      s.once('data', () => done({ ok: true }));
      s.once('end', () => done({ ok: true }));
      // EAGAIN: the listen queue is full. A frozen daemon fills it (every probe waits there), and one
      // that just resumed is still draining it: ask again until the deadline (as probePcscd does).
      s.once('error', (e: NodeJS.ErrnoException) =>
        e.code === 'EAGAIN'
          ? done({
              ok: false,
              state: 'not_answering',
              reason: `pcscd at ${path} is not taking connections (EAGAIN)`,
              retry: true,
            })
          : done({ ok: false, state: 'gone', reason: `cannot connect to pcscd at ${path} (${e.code ?? e.message})` }),
      );
    });
  return (async () => {
    for (;;) {
      const r = await once();
      if (r.ok) return r;
      if (!r.retry || Date.now() + 20 >= deadline) return { ok: false, state: r.state, reason: r.reason };
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
}

const endianLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
