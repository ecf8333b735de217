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
  return new Promise((resolve) => {
    const s = connect({ path });
    const done = (r: { ok: true } | { ok: false; reason: string }) => {
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, reason: `pcscd did not answer on ${path} within ${timeoutMs} ms` }), timeoutMs);
    s.once('connect', () => done({ ok: true }));
    s.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `cannot connect to pcscd at ${path} (${e.code ?? e.message})` }));
  });
}

export const PCSCD_HELP = [
  'pcscd (the PC/SC daemon) must be running for read-card, also with --simulate (the virtual card is',
  'served to pcscd through the vpcd driver and read back through the real PC/SC stack):',
  '  apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd',
  '  pcscd -f -a &        # foreground daemon; vpcd readers listen on 127.0.0.1:35963 / :35964',
  'or run inside the test harness namespace: node test/run.mjs card (starts a private pcscd).',
].join('\n');
