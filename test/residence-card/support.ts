// Shared helpers for the residence card tests: the test trust, an in-memory transport to the
// virtual card (unit tests without pcscd), the fixed clock.
import { join } from 'node:path';
import type { ApduTransport } from '../../core/card/apdu.ts';
import { CardError } from '../../core/card/codes.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { readResidenceCard } from '../../core/residence-card/read-residence-card.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadDocumentTrust } from '../../main/trust/document-trust.ts';
import {
  CardPulledResidence,
  VirtualResidenceCard,
  type VirtualResidenceCardOptions,
} from '../../sim/residence-card/virtual-residence-card.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const TEST_TRUST_DIR = join(ROOT, 'resources', 'test-trust');
export const AT = new Date('2026-11-22T10:00:00+09:00');
export const NUMBER = 'AB12345678CD';

export function memory(card: { process(c: Uint8Array): Uint8Array }): ApduTransport {
  return {
    async transmit(c) {
      try {
        return card.process(c);
      } catch (e) {
        if (e instanceof CardPulledResidence) throw new CardError('card_removed', 'virtual card pulled');
        throw e;
      }
    },
  };
}

export async function readRc(policy: PolicyName, opts: VirtualResidenceCardOptions = {}, cardNumber = NUMBER) {
  const card = new VirtualResidenceCard(opts);
  const result = await readResidenceCard({
    transport: memory(card),
    policy,
    cardNumber,
    trust: loadDocumentTrust(TEST_TRUST_DIR, nodeCrypto),
    crypto: nodeCrypto,
    at: AT,
    now: () => performance.now(),
  });
  return { card, result };
}

export const failed = (checks: ReadonlyArray<{ code: string; ok: boolean }>) =>
  checks.filter((c) => !c.ok).map((c) => c.code);
