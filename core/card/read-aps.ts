// Reading the My Number Card, one application or record at a time (docs/card-and-mdoc-facts.md
// "Text AP", "Card-face AP", "JPKI-AP"). Nothing is verified here: each read returns the parsed files,
// the chip's answer to a fresh nonce, and nothing else. The session logs what it touched as it goes
// (files requested, secrets verified, the card generation once an AP answered), so a read that stops
// half-way still reports exactly what happened before it stopped.
import type { CryptoProvider } from '../crypto/provider.ts';
import { CardChannel, selectAid, selectEf, sign } from './apdu.ts';
import { parseBirthDateRecord, type BirthDateRecord } from './card-face-ap-birth-date.ts';
import { parseCardFace, type CardFace } from './card-face-ap-face.ts';
import { asciiDigits } from './check-number-b.ts';
import { CardError } from './codes.ts';
import { parseCvc, type Cvc } from './cvc.ts';
import { sha256DigestInfo } from './digest-info.ts';
import { readJpkiAuth, type JpkiRead } from './jpki-ap.ts';
import { verifyWithPinSafety, type PinVerifyReport, type SecretKind } from './pin-safety.ts';
import { toHex, type CardGeneration, type CardProfile } from './profile.ts';
import { parseBasicAttributes, type BasicAttributes } from './text-ap-basic-attributes.ts';
import { parseChipKeyRecord, type ChipKeyRecord } from './text-ap-chip-key.ts';
import { parseIntegrityRecord, type IntegrityRecord } from './text-ap-integrity.ts';

/**
 * What the holder or staff typed: 照合番号B (14 digits), the 4-digit PIN, or the 6-digit birth date
 * that opens the card-face AP's birth-date record (age-over-20 only).
 */
export type Unlock =
  { kind: 'check_number_b'; digits: string } | { kind: 'pin'; digits: string } | { kind: 'birth_date'; digits: string };

/** The chip's signature over our fresh nonce (null when it refused). */
export interface ChipAnswer {
  nonce: Uint8Array;
  auth: Uint8Array | null;
}

export interface TextApRead extends ChipAnswer {
  attrs: BasicAttributes;
  integrity: IntegrityRecord;
  cvc: Cvc;
  chipKey: ChipKeyRecord;
}
export interface FaceApRead extends ChipAnswer {
  face: CardFace;
  cvc: Cvc;
}
export interface BirthDateRead extends ChipAnswer {
  record: BirthDateRecord;
  cvc: Cvc;
}

/** Everything one transaction read, by AP. */
export interface CardReads {
  text?: TextApRead;
  face?: FaceApRead;
  birthDate?: BirthDateRead;
  jpki?: JpkiRead;
}

/** One card transaction's commands, and the log of what they touched. */
export class CardSession {
  /** Files requested, in order ("text_ap/EF0002"): names, never contents. */
  readonly requested: string[] = [];
  /** Every VERIFY of a typed secret, with the tries the card reported before it. */
  readonly pins: PinVerifyReport[] = [];
  /** Known once an AP of the profile answered SELECT. */
  generation: CardGeneration | null = null;

  constructor(
    readonly channel: CardChannel,
    readonly profile: CardProfile,
    readonly crypto: CryptoProvider,
  ) {}

  async selectAp(aid: Uint8Array, name: string): Promise<void> {
    const r = await this.channel.send(selectAid(aid));
    if (r.sw === 0x6a82 || r.sw === 0x6a86 || r.sw === 0x6d00 || r.sw === 0x6e00)
      throw new CardError('not_my_number_card', `${name} (${toHex(aid)}) did not select: ${r.sw.toString(16)}`);
    if (r.sw !== 0x9000) throw new CardError('unexpected_status', `SELECT ${name} answered ${r.sw.toString(16)}`);
    this.generation = this.profile.generation;
  }

  /** VERIFY a typed secret under the PIN-safety rules (pin-safety.ts). */
  async verifySecret(ef: number, digits: string, kind: SecretKind): Promise<void> {
    this.pins.push(await verifyWithPinSafety(this.channel, ef, asciiDigits(digits), kind));
  }

  /** SELECT an EF of the current AP and read its outer object. */
  async readFile(fid: number, name: string): Promise<Uint8Array> {
    await this.channel.expectOk(selectEf(fid), `SELECT ${name}`);
    this.requested.push(name);
    return this.channel.readObject(name);
  }

  /** Internal authentication: `80 2A 00 00 <DigestInfo(SHA-256(nonce))> 00`, no credential ("Proving the chip is genuine"). */
  async internalAuthenticate(): Promise<ChipAnswer> {
    const nonce = this.crypto.randomBytes(32);
    const r = await this.channel.send(sign(0x00, sha256DigestInfo(this.crypto.digest('SHA-256', nonce))));
    return { nonce, auth: r.sw === 0x9000 ? r.data : null };
  }
}

/** 券面事項入力補助AP: the four attributes (EF 0002), their signed hash (EF 0003), CVC, chip key. */
export async function readTextAp(s: CardSession, unlock: Unlock): Promise<TextApRead> {
  const t = s.profile.textAp;
  await s.selectAp(t.aid, '券面事項入力補助AP');
  await s.verifySecret(unlock.kind === 'pin' ? t.ef.pin : t.ef.checkNumberB, unlock.digits, unlock.kind);
  const attrs = parseBasicAttributes(await s.readFile(t.ef.basicAttributes, 'text_ap/EF0002'));
  const integrity = parseIntegrityRecord(await s.readFile(t.ef.integrity, 'text_ap/EF0003'));
  const cvc = parseCvc(await s.readFile(t.ef.cvc, 'text_ap/EF0004'), 'text AP EF 0004');
  const chipKey = parseChipKeyRecord(await s.readFile(t.ef.chipKey, 'text_ap/EF0007'));
  return { attrs, integrity, cvc, chipKey, ...(await s.internalAuthenticate()) };
}

/** 券面AP EF 0002 (the card face with the photo) and its CVC; only 照合番号B opens it. */
export async function readCardFaceAp(s: CardSession, unlock: Unlock): Promise<FaceApRead> {
  const f = s.profile.cardFaceAp;
  const { record: face, ...rest } = await readCardFaceRecord(
    s,
    { ef: f.ef.checkNumberB, kind: 'check_number_b' },
    unlock.digits,
    { fid: f.ef.face, name: 'card_face/EF0002', parse: parseCardFace },
  );
  return { face, ...rest };
}

/** 券面AP EF 0001, the birth-date record, opened by the typed birth date; and the CVC. */
export async function readBirthDateRecord(s: CardSession, unlock: Unlock): Promise<BirthDateRead> {
  const f = s.profile.cardFaceAp;
  return readCardFaceRecord(s, { ef: f.ef.birthDateKey, kind: 'birth_date' }, unlock.digits, {
    fid: f.ef.birthDateRecord,
    name: 'card_face/EF0001',
    parse: parseBirthDateRecord,
  });
}

/** Card-face AP: unlock with `key`, read one signed record, the CVC (EF 0004), and the chip's answer. */
async function readCardFaceRecord<T>(
  s: CardSession,
  key: { ef: number; kind: SecretKind },
  digits: string,
  file: { fid: number; name: string; parse: (b: Uint8Array) => T },
): Promise<ChipAnswer & { record: T; cvc: Cvc }> {
  const f = s.profile.cardFaceAp;
  await s.selectAp(f.aid, '券面AP');
  await s.verifySecret(key.ef, digits, key.kind);
  const record = file.parse(await s.readFile(file.fid, file.name));
  const cvc = parseCvc(await s.readFile(f.ef.cvc, 'card_face/EF0004'), 'card-face AP EF 0004');
  return { record, cvc, ...(await s.internalAuthenticate()) };
}

/** JPKI-AP: the authentication certificate and a signature over a fresh nonce (jpki-ap.ts). */
export async function readJpki(s: CardSession, pin: string): Promise<JpkiRead> {
  const r = await readJpkiAuth(s.channel, s.profile, pin, s.crypto);
  s.requested.push('jpki/EF000A');
  return r;
}
