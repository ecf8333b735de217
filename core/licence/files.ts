// The IC driving licence's file tables (運転免許証及び運転免許証作成システム等仕様書, as implemented by
// several public readers against real cards; see core/licence/README.md): DFs by AID, EFs by FID,
// the PIN references, and the file sizes used to bound every read.
export { LICENCE_DF1_AID, LICENCE_DF2_AID } from '../document/identify.ts';

export const MF_EF = { common: 0x2f01, pinSetting: 0x000a } as const;
/** DF1 (記載事項): EF02 and EF06 hold 本籍 (registered domicile). */
export const DF1_EF = {
  entries: 0x0001,
  domicile: 0x0002,
  gaiji: 0x0003,
  changes: 0x0004,
  changesGaiji: 0x0005,
  domicileChanges: 0x0006,
  signature: 0x0007,
} as const;
export const DF2_EF = { photo: 0x0001 } as const;
/** VERIFY P2: IEF01 / IEF02 (PIN 1 / PIN 2). */
export const PIN_REF = { pin1: 0x81, pin2: 0x82 } as const;
/** File sizes (bytes), the upper bound of each read. */
export const SIZE = { mfCommon: 17, entries: 880, domicile: 82, changes: 640, signature: 578, photo: 2005 } as const;
/** A licence counts 3 tries a PIN; only a police station unblocks it. */
export const LICENCE_PIN_TRIES = 3;
/** The PIN value for both PINs when MF/EF02 says no PIN is set. */
export const NO_PIN = '****';
