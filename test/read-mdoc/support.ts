// Shared set-up for read-mdoc tests: the project's test trust (resources/test-trust), native crypto,
// one simulated world, and a helper running one QR + BLE transaction against a scenario's wallet.
import { fileURLToPath } from 'node:url';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { nodeTimers } from '../../main/ble/stacks.ts';
import { readMdoc, type ReadMdocDeps, type ReadOutcome } from '../../main/mdoc-reader/read-mdoc.ts';
import { makeWallet, SimWorld, type ScenarioName } from '../../main/mdoc-reader/simulate.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import type { VirtualWallet } from '../../sim/wallet/holder.ts';

export const TRUST_DIR = fileURLToPath(new URL('../../resources/test-trust', import.meta.url));
export const trust = loadTrustDir(TRUST_DIR, { crypto: nodeCrypto, now: new Date() });

export function deps(world: SimWorld, extra: Partial<ReadMdocDeps> = {}): ReadMdocDeps {
  return {
    crypto: nodeCrypto,
    trust,
    now: () => new Date(),
    timers: nodeTimers,
    ble: world.reader,
    timeouts: { connectMs: 3000, responseMs: 3000, engagementMs: 3000 },
    ...extra,
  };
}

export async function qrRead(
  world: SimWorld,
  scenario: ScenarioName,
  policy: PolicyName = 'age-over-20',
  extra: Partial<ReadMdocDeps> = {},
  mutate?: (w: VirtualWallet) => void,
): Promise<{ outcome: ReadOutcome; walletEnd: string; events: string[] }> {
  const wallet = makeWallet(scenario, nodeCrypto, new Date());
  mutate?.(wallet);
  const tx = world.qrTransaction(wallet);
  const outcome = await readMdoc({ policy, engage: tx.engage }, deps(world, extra));
  const walletEnd = await tx.walletDone;
  return { outcome, walletEnd, events: wallet.events };
}

/** Wait until the radio has no links and nothing advertises (the reader is idle). */
export async function radioIdle(world: SimWorld, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (world.radio.idle) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return world.radio.idle;
}
