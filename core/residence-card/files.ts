// The residence card / special permanent resident certificate file tables (在留カード等仕様書 Ver 1.5
// §3.3.1, §3.3.4; 第２世代在留カード等仕様書 Ver 1.1 §3.3): DFs by AID, EFs by short EF identifier
// (READ BINARY P1 = 80 | SFI), and the card types of MF/EF02 tag C1.
export { RESIDENCE_DF1_AID, RESIDENCE_DF2_AID, RESIDENCE_DF3_AID } from '../document/identify.ts';

/** MF/EF02 tag C1: one ASCII digit on the 1st generation, two on the 2nd (and on 特定在留カード). */
export type ResidenceCardType =
  | { generation: 1 | 2; kind: 'residence-card' | 'special-permanent-resident-certificate' }
  | { generation: null; kind: 'specified' };

export function cardTypeOf(c1: string): ResidenceCardType | null {
  switch (c1) {
    case '1':
      return { generation: 1, kind: 'residence-card' };
    case '2':
      return { generation: 1, kind: 'special-permanent-resident-certificate' };
    case '05':
      return { generation: 2, kind: 'residence-card' };
    case '06':
      return { generation: 2, kind: 'special-permanent-resident-certificate' };
    // 特定在留カード (My Number integrated): a separate flow; refused with its own code.
    case '07':
    case '08':
      return { generation: null, kind: 'specified' };
    default:
      return null;
  }
}

/** READ BINARY P1 (80 | SFI) of each file. */
export const SFI = {
  mfCommon: 0x8b,
  mfCardType: 0x8a,
  gen1: {
    frontImage: 0x85,
    face: 0x86,
    df2Address: 0x81,
    df2Comprehensive: 0x82,
    df2Individual: 0x83,
    df2Application: 0x84,
    df3Signature: 0x82,
  },
  gen2: {
    cardNumber: 0x81,
    printed: 0x83,
    nameAndFace: 0x84,
    addressImage: 0x86,
    df2Permission: 0x81,
    df2Application: 0x82,
    df2Other: 0x83,
    df3Signature: 0x82,
  },
} as const;

/** Signed lengths of the 1st-generation check code target (§3.4.3.1, Figure 3-4). */
export const GEN1_SIGNED_FRONT = 7000;
export const GEN1_SIGNED_FACE = 3000;
/** Printed entries of the 2nd generation as signed: their values, zero-padded to 53 bytes. */
export const GEN2_PRINTED_SIGNED = 53;
