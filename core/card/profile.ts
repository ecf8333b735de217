// The card tables, in one place, so that a next-generation card is added beside them
// (docs/card-and-mdoc-facts.md "Applications", "Next generation").
//
// A CardProfile names each AP by AID and each file by its FID for one card generation, says which
// signature scheme its records use, and lists the files and key references that must never be
// touched (the guard reads them from here). The current card is GEN1. The next-generation card
// (ECDSA P-384 / SHA-384, four APs merged into two, unpublished AIDs) gets its own profile object
// beside GEN1 with its own record parsers; the reader picks a profile by which AID SELECTs, never by
// ATR (contact and contactless ATRs differ).

import { hexBytes, toHex as lowerHex } from '../bytes.ts';

export type CardGeneration = 1;

export type SignatureScheme =
  /** RSASSA-PKCS1-v1_5 with SHA-256, RSA-2048 (current card). */
  | { kind: 'rsa-pkcs1'; hash: 'SHA-256'; modulusBytes: 256 }
  /** Planned next generation (docs/card-and-mdoc-facts.md "Next generation": ECDSA P-384); no parser yet. */
  | { kind: 'ecdsa'; curve: 'P-384'; hash: 'SHA-384' };

export interface TextApTable {
  aid: Uint8Array;
  ef: {
    /** 個人番号. Never selected: the guard refuses it. */
    myNumber: number;
    basicAttributes: number;
    integrity: number;
    cvc: number;
    chipKey: number;
    pin: number;
    /** 照合番号A (the My Number itself as a key). Never selected. */
    checkNumberA: number;
    checkNumberB: number;
  };
}

export interface CardFaceApTable {
  aid: Uint8Array;
  ef: {
    birthDateRecord: number;
    face: number;
    cvc: number;
    /** 個人番号 image. Never selected. */
    myNumberImage: number;
    birthDateKey: number;
    checkNumberB: number;
    /** 照合番号A. Never selected. */
    checkNumberA: number;
  };
}

export interface JpkiApTable {
  aid: Uint8Array;
  ef: { authCertificate: number; authCa: number; authKey: number; authPin: number; token: number };
}

export interface PinTable {
  /** What a fresh card allows; the card's own counter (VERIFY with no data) is what we trust. */
  pinTries: number;
  checkNumberBTries: number;
  /** The card-face AP birth-date key (0011). Unconfirmed: the sim uses this; the reader trusts the card's counter. */
  birthDateKeyTries: number;
  jpkiAuthPinTries: number;
}

export interface CardProfile {
  generation: CardGeneration;
  signature: SignatureScheme;
  textAp: TextApTable;
  cardFaceAp: CardFaceApTable;
  jpkiAp: JpkiApTable;
  commonAp: { aid: Uint8Array };
  tries: PinTable;
  /** (AID hex, FID) pairs the guard refuses to SELECT, whatever the caller wants. */
  forbidden: ReadonlyArray<{ aidHex: string | '*'; fid: number; why: string }>;
}

const hex = hexBytes;

export const GEN1_TEXT_AP_AID = 'D3921000310001010408';
export const GEN1_CARD_FACE_AP_AID = 'D3921000310001010402';
export const GEN1_JPKI_AP_AID = 'D392F000260100000001';
export const GEN1_COMMON_AP_AID = 'D3921000310001010100';

export const GEN1: CardProfile = {
  generation: 1,
  signature: { kind: 'rsa-pkcs1', hash: 'SHA-256', modulusBytes: 256 },
  // 券面事項入力補助AP (docs/card-and-mdoc-facts.md "Text AP")
  textAp: {
    aid: hex(GEN1_TEXT_AP_AID),
    ef: {
      myNumber: 0x0001,
      basicAttributes: 0x0002,
      integrity: 0x0003,
      cvc: 0x0004,
      chipKey: 0x0007,
      pin: 0x0011,
      checkNumberA: 0x0014,
      checkNumberB: 0x0015,
    },
  },
  // 券面AP (docs/card-and-mdoc-facts.md "Card-face AP"); 照合番号B on EF 0012 and 照合番号A on EF 0013 (forbidden below) are observed
  // FIDs (public readers run against real cards), like the rest of this AP's layout.
  cardFaceAp: {
    aid: hex(GEN1_CARD_FACE_AP_AID),
    ef: {
      birthDateRecord: 0x0001,
      face: 0x0002,
      cvc: 0x0004,
      myNumberImage: 0x0005,
      birthDateKey: 0x0011,
      checkNumberB: 0x0012,
      checkNumberA: 0x0013,
    },
  },
  jpkiAp: {
    aid: hex(GEN1_JPKI_AP_AID),
    ef: { authCertificate: 0x000a, authCa: 0x000b, authKey: 0x0017, authPin: 0x0018, token: 0x0006 },
  },
  commonAp: { aid: hex(GEN1_COMMON_AP_AID) },
  // 4-digit PIN: 3 tries; JPKI auth PIN: 3 tries (docs/card-and-mdoc-facts.md "JPKI-AP"); 照合番号B: 10 tries as observed by
  // public readers that check the counter before VERIFY.
  tries: { pinTries: 3, checkNumberBTries: 10, birthDateKeyTries: 10, jpkiAuthPinTries: 3 },
  forbidden: [
    {
      aidHex: GEN1_TEXT_AP_AID,
      fid: 0x0001,
      why: 'text AP EF 0001 holds the My Number (My Number Act art. 15, 19, 20)',
    },
    {
      aidHex: GEN1_TEXT_AP_AID,
      fid: 0x0014,
      why: 'text AP EF 0014 is 照合番号A (the My Number used as a key), never sent or read',
    },
    { aidHex: GEN1_CARD_FACE_AP_AID, fid: 0x0005, why: 'card-face AP EF 0005 holds the My Number image' },
    { aidHex: GEN1_CARD_FACE_AP_AID, fid: 0x0013, why: 'card-face AP EF 0013 is 照合番号A, never sent or read' },
    // Outside a known AP (nothing selected, or an AID we do not know, e.g. a next-generation card
    // with merged APs), the same FIDs are refused too: we cannot tell what they hold.
    { aidHex: '*', fid: 0x0001, why: 'EF 0001 outside the JPKI AP may hold the My Number' },
    { aidHex: '*', fid: 0x0005, why: 'EF 0005 outside the JPKI AP may hold the My Number image' },
    { aidHex: '*', fid: 0x0013, why: 'EF 0013 may be 照合番号A, never sent or read' },
    { aidHex: '*', fid: 0x0014, why: 'EF 0014 may be 照合番号A, never sent or read' },
  ],
};

/** Profiles the reader tries, in order; a next-generation profile goes here beside GEN1. */
export const PROFILES: readonly CardProfile[] = [GEN1];

/** Upper-case hex, the way AIDs and FIDs are written in the card tables. */
export function toHex(b: Uint8Array): string {
  return lowerHex(b).toUpperCase();
}
