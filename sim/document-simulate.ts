// `--simulate licence[:variant,...]` and `--simulate residence-card[:variant,...]`: a virtual driving
// licence or residence card put on a vpcd reader of the running pcscd, read back through the real
// pcsclite binding (the same pattern as `--simulate card[:...]`, sim/card/simulate.ts).
//   licence variants: the faults of sim/licence/virtual-licence.ts, holder preset `minor`
//   residence-card variants: gen1 | gen2 (default), sprc (special permanent resident certificate),
//     the faults of sim/residence-card/virtual-residence-card.ts, holder preset `minor`
//   myna-licence variants (マイナ免許証: the virtual My Number Card with the licence AP): the faults of
//     sim/licence/virtual-myna-licence-ap.ts, and `no-ap` (a My Number Card without the licence AP)
import { VpcdCard } from './card/vpcd-link.ts';
import { VirtualMyNumberCard } from './card/virtual-card.ts';
import { MYNA_LICENCE_FAULTS, VirtualMynaLicenceAp, type MynaLicenceFault } from './licence/virtual-myna-licence-ap.ts';
import {
  LICENCE_FAULTS,
  LICENCE_HOLDER_PRESETS,
  VirtualLicence,
  type LicenceFault,
} from './licence/virtual-licence.ts';
import {
  RESIDENCE_FAULTS,
  RESIDENCE_HOLDER_PRESETS,
  VirtualResidenceCard,
  type ResidenceFault,
} from './residence-card/virtual-residence-card.ts';

export type DocumentSimulation =
  | { kind: 'licence'; faults: LicenceFault[]; presets: string[] }
  | {
      kind: 'residence-card';
      generation: 1 | 2;
      specialPermanent: boolean;
      faults: ResidenceFault[];
      presets: string[];
    }
  | { kind: 'myna-licence'; faults: MynaLicenceFault[]; withAp: boolean };

export function isDocumentSimulation(s: string): boolean {
  return /^(licence|residence-card|myna-licence)(:|$)/.test(s);
}

export function parseDocumentSimulation(s: string): DocumentSimulation | { error: string } {
  const [kind, rest] = s.split(/:(.*)/s, 2) as [string, string | undefined];
  const vs = (rest ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (kind === 'licence') {
    const out: DocumentSimulation = { kind, faults: [], presets: [] };
    for (const v of vs) {
      if ((LICENCE_FAULTS as readonly string[]).includes(v)) out.faults.push(v as LicenceFault);
      else if (v in LICENCE_HOLDER_PRESETS) out.presets.push(v);
      else
        return {
          error: `unknown licence variant "${v}" (faults: ${LICENCE_FAULTS.join(', ')}; holders: ${Object.keys(LICENCE_HOLDER_PRESETS).join(', ')})`,
        };
    }
    return out;
  }
  if (kind === 'residence-card') {
    const out: DocumentSimulation = { kind, generation: 2, specialPermanent: false, faults: [], presets: [] };
    for (const v of vs) {
      if (v === 'gen1' || v === 'gen2') out.generation = v === 'gen1' ? 1 : 2;
      else if (v === 'sprc') out.specialPermanent = true;
      else if ((RESIDENCE_FAULTS as readonly string[]).includes(v)) out.faults.push(v as ResidenceFault);
      else if (v in RESIDENCE_HOLDER_PRESETS) out.presets.push(v);
      else
        return {
          error: `unknown residence-card variant "${v}" (gen1, gen2, sprc; faults: ${RESIDENCE_FAULTS.join(', ')}; holders: ${Object.keys(RESIDENCE_HOLDER_PRESETS).join(', ')})`,
        };
    }
    return out;
  }
  if (kind === 'myna-licence') {
    const out: DocumentSimulation = { kind, faults: [], withAp: true };
    for (const v of vs) {
      if ((MYNA_LICENCE_FAULTS as readonly string[]).includes(v)) out.faults.push(v as MynaLicenceFault);
      else if (v === 'no-ap') out.withAp = false;
      else return { error: `unknown myna-licence variant "${v}" (${MYNA_LICENCE_FAULTS.join(', ')}, no-ap)` };
    }
    return out;
  }
  return { error: `unknown simulation "${kind}"` };
}

export type DocumentCard = VirtualLicence | VirtualResidenceCard | VirtualMyNumberCard;

export function createDocumentCard(spec: DocumentSimulation): DocumentCard {
  if (spec.kind === 'myna-licence')
    return new VirtualMyNumberCard(spec.withAp ? { licenceAp: new VirtualMynaLicenceAp({ faults: spec.faults }) } : {});
  if (spec.kind === 'licence')
    return new VirtualLicence({
      faults: spec.faults,
      holder: Object.assign({}, ...spec.presets.map((p) => LICENCE_HOLDER_PRESETS[p])),
    });
  return new VirtualResidenceCard({
    generation: spec.generation,
    specialPermanent: spec.specialPermanent,
    faults: spec.faults,
    holder: Object.assign({}, ...spec.presets.map((p) => RESIDENCE_HOLDER_PRESETS[p])),
  });
}

/** The card and its vpcd link, not yet on the reader. */
export function createSimulatedDocument(
  spec: DocumentSimulation,
  port: number,
): { card: DocumentCard; link: VpcdCard } {
  const card = createDocumentCard(spec);
  return { card, link: new VpcdCard(card, port) };
}
