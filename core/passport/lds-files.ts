// The files of the eMRTD application the kiosk reads (ICAO Doc 9303-10 §4.6-4.7, Table 34; the
// EF.CardAccess of §3.11.3): file identifier, short file identifier and the tag of the outer object.
// Fingerprints (DG3), iris (DG4) and every other data group are never selected.
export interface LdsFile {
  name: string;
  fid: number;
  sfi: number;
  /** Outer tag of the file's content (EF.CardAccess is a bare SET OF, 0x31). */
  tag: number;
  /** Data group number, for the SOD hash table. */
  dg?: number;
}

export const EF_CARD_ACCESS: LdsFile = { name: 'EF.CardAccess', fid: 0x011c, sfi: 0x1c, tag: 0x31 };
export const EF_COM: LdsFile = { name: 'EF.COM', fid: 0x011e, sfi: 0x1e, tag: 0x60 };
export const EF_SOD: LdsFile = { name: 'EF.SOD', fid: 0x011d, sfi: 0x1d, tag: 0x77 };
export const DG1: LdsFile = { name: 'DG1', fid: 0x0101, sfi: 0x01, tag: 0x61, dg: 1 };
export const DG2: LdsFile = { name: 'DG2', fid: 0x0102, sfi: 0x02, tag: 0x75, dg: 2 };
export const DG14: LdsFile = { name: 'DG14', fid: 0x010e, sfi: 0x0e, tag: 0x6e, dg: 14 };
export const DG15: LdsFile = { name: 'DG15', fid: 0x010f, sfi: 0x0f, tag: 0x6f, dg: 15 };

/** Every file this kiosk may select on a passport (core/passport/channel.ts refuses any other). */
export const READABLE_FILES: readonly LdsFile[] = [EF_CARD_ACCESS, EF_COM, EF_SOD, DG1, DG2, DG14, DG15];

/** The eMRTD application (Doc 9303-10 §3.10.1). */
export const EMRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);

/** EF.COM tag list entries (Doc 9303-10 Table 34) -> data group number. */
export const DG_BY_TAG: Readonly<Record<number, number>> = {
  0x61: 1,
  0x75: 2,
  0x63: 3,
  0x76: 4,
  0x65: 5,
  0x66: 6,
  0x67: 7,
  0x68: 8,
  0x69: 9,
  0x6a: 10,
  0x6b: 11,
  0x6c: 12,
  0x6d: 13,
  0x6e: 14,
  0x6f: 15,
  0x70: 16,
};
