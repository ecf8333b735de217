// `--simulate card[:variant,...]`: a virtual My Number card put on a vpcd reader, so the kiosk reads
// it through the real pcscd and the real pcsclite binding. Variants are faults (card-files.ts) and
// holder presets (holder.ts), comma-separated: card:tampered, card:one-try-left, card:long,minor ...
import { CARD_FAULTS, type CardFault } from './card-files.ts';
import { HOLDER_PRESETS, type Holder } from './holder.ts';
import { VirtualMyNumberCard } from './virtual-card.ts';
import { VpcdCard } from './vpcd-link.ts';

export const VPCD_READERS: Record<string, number> = { 'Virtual PCD 00 00': 35963, 'Virtual PCD 00 01': 35964 };

export interface SimulationSpec {
  faults: CardFault[];
  holder: Partial<Holder>;
  presets: string[];
}

/** Parse `card`, `card:tampered`, `card:long,one-try-left`; null when it is not a card simulation. */
export function parseSimulateSpec(s: string): SimulationSpec | { error: string } {
  const [kind, rest] = s.split(/:(.*)/s, 2) as [string, string | undefined];
  if (kind !== 'card') return { error: `unknown simulation "${kind}" (expected card[:variant,...])` };
  const spec: SimulationSpec = { faults: [], holder: {}, presets: [] };
  for (const v of (rest ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if ((CARD_FAULTS as readonly string[]).includes(v)) spec.faults.push(v as CardFault);
    else if (v in HOLDER_PRESETS) {
      spec.presets.push(v);
      Object.assign(spec.holder, HOLDER_PRESETS[v]);
    } else
      return {
        error: `unknown card variant "${v}" (faults: ${CARD_FAULTS.join(', ')}; holders: ${Object.keys(HOLDER_PRESETS).join(', ')})`,
      };
  }
  return spec;
}

/** The card and its vpcd link, not yet on the reader: call `link.insert()` once the reader is empty. */
export function createSimulatedCard(spec: SimulationSpec, port: number): { card: VirtualMyNumberCard; link: VpcdCard } {
  const card = new VirtualMyNumberCard({ holder: spec.holder, faults: spec.faults });
  return { card, link: new VpcdCard(card, port) };
}

/** Create the card and put it on the reader at once (callers that manage their own PC/SC context). */
export async function startSimulatedCard(
  spec: SimulationSpec,
  port: number,
): Promise<{ card: VirtualMyNumberCard; link: VpcdCard }> {
  const sim = createSimulatedCard(spec, port);
  await sim.link.insert();
  return sim;
}
