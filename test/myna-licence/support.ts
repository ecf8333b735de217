import type { PolicyName } from '../../core/policy/policy.ts';
import { CardError } from '../../core/card/codes.ts';
import { readMynaLicence } from '../../core/myna-licence/read-myna-licence.ts';
import { CardPulled, VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { VirtualMynaLicenceAp, type MynaLicenceFault } from '../../sim/licence/virtual-myna-licence-ap.ts';

/** 2026-11-22 10:00 JST, the project's test time. */
export const AT = new Date('2026-11-22T10:00:00+09:00');

/** The virtual My Number Card with the licence AP, read in memory through the real reader. */
export async function readMyna(policy: PolicyName, pin: string | null = '2580', faults: MynaLicenceFault[] = [], at = AT) {
  const ap = new VirtualMynaLicenceAp({ faults });
  const card = new VirtualMyNumberCard({ licenceAp: ap });
  const transport = {
    async transmit(c: Uint8Array) {
      try {
        return card.process(c);
      } catch (e) {
        if (e instanceof CardPulled) throw new CardError('card_removed', 'pulled');
        throw e;
      }
    },
  };
  const result = await readMynaLicence({ transport, policy, ...(pin !== null ? { pin } : {}), at, now: () => performance.now() });
  return { card, ap, result, sent: card.log.map((l) => l.command) };
}

export const hexOf = (s: string) => Buffer.from(s, 'latin1').toString('hex');
