// Shared helpers for the card tests: the TEST trust directory, an in-memory transport to the virtual
// card (for unit tests that need no pcscd), and the fixed clock of the tests.
import { join } from 'node:path';
import { CardChannel, type ApduTransport } from '../../core/card/apdu.ts';
import { CardError } from '../../core/card/codes.ts';
import { readMyNumberCard, type Unlock } from '../../core/card/read-card.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { CardPulled, VirtualMyNumberCard, type VirtualCardOptions } from '../../sim/card/virtual-card.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const TEST_TRUST_DIR = join(ROOT, 'resources', 'test-trust');
export const AT = new Date('2026-11-22T10:00:00+09:00');
/** The spec's worked example (1980-02-17 昭和55, expiry 2035, code 2285). */
export const CHECK_NUMBER_B = '55021720352285';
export const PIN = '1234';

export function testTrust() {
  return loadTrustDir(TEST_TRUST_DIR, { crypto: nodeCrypto, now: AT });
}

/** Direct transport to the virtual card (no PC/SC): used where pcscd is not needed. */
export function memoryTransport(card: VirtualMyNumberCard): ApduTransport {
  return {
    async transmit(c) {
      try {
        return card.process(c);
      } catch (e) {
        if (e instanceof CardPulled) throw new CardError('card_removed', 'virtual card pulled');
        throw e;
      }
    },
  };
}

export async function readInMemory(
  policy: PolicyName,
  unlock: Unlock,
  opts: VirtualCardOptions = {},
  extra: { jpkiPin?: string } = {},
) {
  const card = new VirtualMyNumberCard(opts);
  const channel = new CardChannel(memoryTransport(card));
  const result = await readMyNumberCard({
    channel,
    policy,
    unlock,
    trust: testTrust(),
    crypto: nodeCrypto,
    at: AT,
    now: () => performance.now(),
    ...extra,
  });
  return { card, result };
}

export const B: Unlock = { kind: 'check_number_b', digits: CHECK_NUMBER_B };
export const P: Unlock = { kind: 'pin', digits: PIN };

export function failed(checks: ReadonlyArray<{ code: string; ok: boolean }>): string[] {
  return checks.filter((c) => !c.ok).map((c) => c.code);
}
