// Is pcscd reachable? Checked BEFORE the pcsclite binding is loaded: with no daemon, the binding's
// context creation (SCardEstablishContext in the PCSCLite constructor) spins and never returns, so a
// missing daemon would hang the kiosk instead of giving a clear error.
import { connect } from 'node:net';

/** pcsc-lite's client socket (PCSCLITE_CSOCK_NAME overrides it, as libpcsclite does). */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME || '/run/pcscd/pcscd.comm';
}

export function probePcscd(timeoutMs = 1000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const path = pcscdSocketPath();
  const deadline = Date.now() + timeoutMs;
  const once = (): Promise<{ ok: true } | { ok: false; reason: string; retry?: boolean }> =>
    new Promise((resolve) => {
      const s = connect({ path });
      const done = (r: { ok: true } | { ok: false; reason: string; retry?: boolean }) => {
        clearTimeout(timer);
        s.destroy();
        resolve(r);
      };
      const timer = setTimeout(() => done({ ok: false, reason: `pcscd did not answer on ${path} within ${timeoutMs} ms` }), Math.max(1, deadline - Date.now()));
      s.once('connect', () => done({ ok: true }));
      // EAGAIN: the daemon's listen queue is full: it is there but busy (e.g. just restarted and still
      // loading its reader drivers). Ask again until the deadline rather than call it unreachable.
      s.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `cannot connect to pcscd at ${path} (${e.code ?? e.message})`, retry: e.code === 'EAGAIN' }));
    });
  return (async () => {
    for (;;) {
      const r = await once();
      if (r.ok || !r.retry || Date.now() + 20 >= deadline) return r.ok ? r : { ok: false, reason: r.reason };
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
}

export const PCSCD_HELP = [
  'pcscd (the PC/SC daemon) must be running for read-card, also with --simulate (the virtual card is',
  'served to pcscd through the vpcd driver and read back through the real PC/SC stack):',
  '  apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd',
  '  pcscd -f -a &        # foreground daemon; vpcd readers listen on 127.0.0.1:35963 / :35964',
  'or run inside the test harness namespace: node test/run.mjs card (starts a private pcscd).',
].join('\n');
