// Helpers for tests that need the real pcscd started by test/run.mjs.
import { mkdirSync, rmdirSync } from 'node:fs';

/** Why PC/SC tests cannot run here, or null when pcscd is up in this test run's namespace. */
export function pcscdUnavailable(): string | null {
  if (process.env.KAKUNIN_PCSCD === '1') return null;
  return 'no private pcscd in this run (needs root, unshare, pcscd and vsmartcard-vpcd: see README "Tests"); PC/SC end-to-end tests skipped';
}

/** vpcd gives two virtual readers: slot 0 on TCP 35963, slot 1 on 35964 (vpcd's default ports). */
export const VPCD_PORTS = [35963, 35964] as const;
export const VPCD_READER_NAMES = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;

/**
 * Run `fn` while holding a virtual reader slot exclusively. Test files run in parallel processes,
 * so slots are claimed with an atomic mkdir in /run/pcscd (a tmpfs private to this test run).
 */
export async function withVirtualReader<T>(
  fn: (slot: { port: number; readerName: string }) => Promise<T>,
  waitMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (let i = 0; i < VPCD_PORTS.length; i++) {
      const lock = `/run/pcscd/vpcd-${VPCD_PORTS[i]}.lock`;
      try {
        mkdirSync(lock);
      } catch {
        continue;
      }
      try {
        return await fn({ port: VPCD_PORTS[i]!, readerName: VPCD_READER_NAMES[i]! });
      } finally {
        rmdirSync(lock);
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for a free vpcd slot');
    await new Promise((r) => setTimeout(r, 50));
  }
}
