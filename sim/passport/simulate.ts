// `--simulate passport[:variant,...]`: a virtual passport put on a vpcd reader, so the kiosk reads it
// through the real pcscd and the real pcsclite binding. Variants (comma-separated) choose the access
// protocol, the chip authenticity mechanism, the holder, the face format and faults. The default is a
// Japanese-style passport: BAC, passive authentication, Active Authentication (RSA).
import { VpcdCard } from '../card/vpcd-link.ts';
import { HOLDER_PRESETS, TEST_HOLDER, type PassportHolder } from './holder.ts';
import type { ChipAuthSpec, FaceSpec, PaceSpec } from './passport-files.ts';
import {
  PASSPORT_FAULTS,
  VirtualPassport,
  type PassportFault,
  type VirtualPassportOptions,
} from './virtual-passport.ts';

/** The CAN printed on every virtual passport that offers PACE (TEST ONLY). */
export const TEST_CAN = '123456';

const ACCESS: Record<string, { pace: PaceSpec | null; bac: boolean }> = {
  bac: { pace: null, bac: true },
  pace: { pace: { mapping: 'GM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 }, bac: true },
  'pace-p256': { pace: { mapping: 'GM', curve: 'P-256', cipher: 'AES', keyLength: 16 }, bac: true },
  'pace-im': { pace: { mapping: 'IM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 }, bac: true },
  'pace-3des': { pace: { mapping: 'GM', curve: 'P-256', cipher: '3DES', keyLength: 16 }, bac: true },
  'pace-only': { pace: { mapping: 'GM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 }, bac: false },
};
const CHIP: Record<string, ChipAuthSpec> = { aa: 'aa-rsa', 'aa-ec': 'aa-ec', ca: 'ca', 'no-chip-auth': 'none' };
const FACE: Record<string, FaceSpec> = { jpeg: 'jpeg', jp2: 'jp2' };

export interface PassportSimulationSpec {
  options: VirtualPassportOptions;
  variants: string[];
  holder: PassportHolder;
}

export const PASSPORT_VARIANTS = [
  ...Object.keys(ACCESS),
  ...Object.keys(CHIP),
  ...Object.keys(FACE),
  ...PASSPORT_FAULTS,
  ...Object.keys(HOLDER_PRESETS),
];

/** Parse `passport`, `passport:pace,ca`, `passport:clone` ...; an error names what is allowed. */
export function parsePassportSimulation(s: string): PassportSimulationSpec | { error: string } {
  const [kind, rest] = s.split(/:(.*)/s, 2) as [string, string | undefined];
  if (kind !== 'passport') return { error: `unknown simulation "${kind}" (expected passport[:variant,...])` };
  const o: VirtualPassportOptions = { chipAuthentication: 'aa-rsa', faults: [] };
  let holder: Partial<PassportHolder> = {};
  const variants: string[] = [];
  for (const v of (rest ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    variants.push(v);
    if (ACCESS[v]) {
      o.pace = ACCESS[v].pace;
      o.bac = ACCESS[v].bac;
      if (o.pace) o.can = TEST_CAN;
    } else if (CHIP[v]) o.chipAuthentication = CHIP[v];
    else if (FACE[v]) o.face = FACE[v];
    else if ((PASSPORT_FAULTS as readonly string[]).includes(v)) o.faults = [...(o.faults ?? []), v as PassportFault];
    else if (HOLDER_PRESETS[v]) holder = { ...holder, ...HOLDER_PRESETS[v] };
    else
      return {
        error: `unknown passport variant "${v}" (access: ${Object.keys(ACCESS).join(', ')}; chip: ${Object.keys(CHIP).join(', ')}; face: jpeg, jp2; faults: ${PASSPORT_FAULTS.join(', ')}; holders: ${Object.keys(HOLDER_PRESETS).join(', ')})`,
      };
  }
  o.holder = holder;
  return { options: o, variants, holder: { ...TEST_HOLDER, ...holder } };
}

/** The passport and its vpcd link, not yet on the reader: call `link.insert()` once the reader is empty. */
export function createSimulatedPassport(
  spec: PassportSimulationSpec,
  port: number,
): { chip: VirtualPassport; link: VpcdCard } {
  const chip = new VirtualPassport(spec.options);
  return { chip, link: new VpcdCard(chip, port, '127.0.0.1', PASSPORT_ATR) };
}

/**
 * PC/SC ATR of a contactless ISO/IEC 14443 Type B card (PC/SC Part 3 §3.1.3.2.3.2: 3B 88 80 01,
 * 4 bytes of application data and 3 of protocol info from ATQB, MBLI/CID, TCK). The reader never uses it to
 * identify the document (it selects by AID).
 */
export const PASSPORT_ATR = (() => {
  const body = [0x3b, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00];
  let tck = 0;
  for (const b of body.slice(1)) tck ^= b;
  return Uint8Array.from([...body, tck]);
})();
