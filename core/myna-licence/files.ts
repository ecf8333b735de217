// The licence AP (免許AP) that the police write into the free area of a My Number Card (マイナ免許証),
// from the NPA's 運転免許証及び運転免許証作成システム等仕様書 version 010 as checked on a real card by
// one public reader (docs: core/myna-licence/README.md). One source, so every value here is treated
// as confirmed once, and the choices on what it leaves open are named beside the value.
export { MYNA_LICENCE_AP_AID } from '../document/identify.ts';

/** Working EFs by FID; the short EF identifier is the FID's low five bits. */
export const WEF = {
  /** WEF01 = EF 001A: PIN set yes/no, `C1 01 xx`; read by short EF identifier (`00 B0 9A 00 03`). */
  pinSetting: 0x001a,
  /** WEF02 = EF 001B: 免許情報 (licence data), TLV objects; read after SELECT `00 A4 02 0C 02 00 1B`. */
  licenceData: 0x001b,
  /** WEF03 = EF 001C: signature and issuer data; layout unpublished, never read by this kiosk. */
  signature: 0x001c,
} as const;

/** P1 of READ BINARY by short EF identifier for WEF01 (0x80 | 0x1A). */
export const READ_PIN_SETTING_P1 = 0x80 | (WEF.pinSetting & 0x1f);
/** WEF01 is exactly 3 bytes: tag, length, value. */
export const PIN_SETTING_LENGTH = 3;
/** WEF01's tag and its values. */
export const PIN_SETTING_TAG = 0xc1;
export const PIN_SET = 0x01;
export const PIN_NOT_SET = 0x00;

/**
 * VERIFY P2: the PIN's IEF 0006 by short EF identifier (0x80 | 0x06). The sample command in the
 * spec's annex uses SFI 2 (P2 82), which a real card answers 6A82; never sent.
 */
export const PIN_P2 = 0x80 | 0x06;

/** WEF02 tag 有効期限: 7 JIS X 0201 characters, era + YYMMDD (the only documented tag). */
export const EXPIRY_TAG = 0xc5;
export const EXPIRY_LENGTH = 7;

/**
 * Unconfirmed: the PIN value when WEF01 says no PIN is set. The conventional licence uses `****`
 * then; how the 免許AP's PIN is set is not published. We send `****` (after the tries-left check),
 * never the digits the holder typed, so a wrong guess costs at most one try of many.
 */
export const NO_PIN = '****';

/**
 * Unconfirmed: the PIN's retry limit. A real card answered `63 CA` (10) to the tries-left query;
 * what the limit is, and where a blocked 免許AP PIN is unblocked, is not published. We trust the
 * card's counter and refuse to send the PIN when it says one try (or none) is left, the kiosk's rule
 * for every PIN it sends (so the kiosk is never the one that blocks it).
 */
export const REFUSE_AT_TRIES = 1;

/** Bounds of the WEF02 header walk (the file's size is not published): objects and byte offset. */
export const MAX_OBJECTS = 64;
export const MAX_OFFSET = 0x7fff;
/** Filler after the last object, as on the conventional licence (unconfirmed here; the end of file also ends the walk). */
export const FILLER = 0xff;
