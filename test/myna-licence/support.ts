import type { PolicyName } from '../../core/policy/policy.ts';
import { readMynaLicence } from '../../core/myna-licence/read-myna-licence.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { memory } from '../../main/host/readers/training-documents.ts';
import { VirtualMynaLicenceAp, type MynaLicenceFault } from '../../sim/licence/virtual-myna-licence-ap.ts';

/** 2026-11-22 10:00 JST, the project's test time. */
export const AT = new Date('2026-11-22T10:00:00+09:00');

/** The virtual My Number Card with the licence AP, read in memory through the real reader. */
export async function readMyna(
  policy: PolicyName,
  pin: string | null = '2580',
  faults: MynaLicenceFault[] = [],
  at = AT,
) {
  const ap = new VirtualMynaLicenceAp({ faults });
  const card = new VirtualMyNumberCard({ licenceAp: ap });
  const result = await readMynaLicence({
    transport: memory(card),
    policy,
    ...(pin !== null ? { pin } : {}),
    at,
    now: () => performance.now(),
  });
  return { card, ap, result, sent: card.log.map((l) => l.command) };
}

export const hexOf = (s: string) => Buffer.from(s, 'latin1').toString('hex');
