// One IC driving licence transaction over an abstract APDU channel (our sequence and the choices on
// unconfirmed facts: core/licence/README.md):
//   MF: PIN set? (EF02), common data (EF01: expiry; an expired licence stops here, no PIN is sent)
//   PIN 1 (and PIN 2 when given): tries left first; fewer than 3 -> refuse without sending
//   age-over-20 with PIN 1 only: walk the TLV headers of DF1/EF01 up to the birth date (2-byte
//     reads), so name and address never leave the card; no signature is possible -> 'unverified'
//   otherwise: DF1/EF01 whole, EF04 changes, DF2 photo; with the signature on and PIN 2: EF07 and
//     DF1/EF02 (本籍) bytes fed to the hash in memory, never decoded, buffer zeroed
// Signature: RSA PKCS#1 v1.5 / SHA-256 over EF01 || EF02 || photo, by the NPA signer whose subject
// key identifier is EF07 B6. Which bytes are signed is unconfirmed: both readings are tried (whole
// files including FF filler; the TLV objects only), and the one that verified is recorded.
import type { CryptoProvider } from '../crypto/provider.ts';
import type { PolicyName } from '../policy/policy.ts';
import { isAtLeast, japanIsoDate } from '../card/age.ts';
import { CardChannel, type ApduTransport } from '../card/apdu.ts';
import { concat } from '../card/ber-tlv.ts';
import { CardError, reportError, type CardErrorReport } from '../card/codes.ts';
import { errorForSw, SW_END_OF_FILE, SW_OK, swHex } from '../card/status-words.ts';
import { readHeader } from '../document/card-tlv.ts';
import { selectByName } from '../document/identify.ts';
import {
  finishResult,
  type DocumentAttributes,
  type DocumentFindings,
  type DocumentReadResult,
} from '../document/result.ts';
import { failCheck, passCheck, type LicenceCheck, type LicenceCheckCode } from './codes.ts';
import { eraDate } from './era-date.ts';
import {
  DF1_EF,
  DF2_EF,
  LICENCE_DF1_AID,
  LICENCE_DF2_AID,
  LICENCE_PIN_TRIES,
  MF_EF,
  NO_PIN,
  PIN_REF,
  SIZE,
} from './files.ts';
import {
  parseAddressChanges,
  parseEntries,
  parseMfCommon,
  parsePhoto,
  parsePinSetting,
  parseSignatureRecord,
  type ChangeEntry,
  type LicenceEntries,
  type MfCommon,
  type SignatureRecord,
} from './records.ts';
import type { LicenceTrust } from './trust.ts';
import { LicenceGuard } from './guard.ts';
import { errorText } from '../errors.ts';

export interface LicenceSecrets {
  pin1?: string;
  pin2?: string;
}

export interface ReadLicenceOptions {
  transport: ApduTransport;
  policy: PolicyName;
  secrets: LicenceSecrets;
  /** Check the EF07 signature when PIN 2 was entered (operator setting; off -> 'unverified'). */
  signature: boolean;
  trust: LicenceTrust;
  crypto: CryptoProvider;
  at: Date;
  now: () => number;
  onStep?: (step: string) => void;
}

const SELECT_MF = Uint8Array.of(0x00, 0xa4, 0x00, 0x00);
const selectEf = (fid: number) => Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, fid >> 8, fid & 0xff);
const readAt = (offset: number, le: number) =>
  Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, le === 256 ? 0 : le);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Read the selected EF from offset 0 up to `max` bytes in chunks of at most 256. */
async function readEf(ch: CardChannel, max: number, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(max);
  let have = 0;
  while (have < max) {
    const le = Math.min(256, max - have);
    const r = await ch.send(readAt(have, le));
    if (r.sw === 0x6b00 && have > 0) break;
    if (r.sw !== SW_OK && r.sw !== SW_END_OF_FILE) throw errorForSw(r.sw, `READ ${what} at ${have}`);
    out.set(r.data.subarray(0, le), have);
    have += Math.min(r.data.length, le);
    if (r.data.length < le) break;
  }
  return out.subarray(0, have);
}

/**
 * VERIFY with the licence's rules: tries left first (`00 20 00 8x` without data, no try spent);
 * fewer than 3 left -> refuse without sending (only a police station unblocks a licence); one
 * VERIFY, never retried.
 */
async function verifyPin(
  ch: CardChannel,
  ref: number,
  pin: string,
  kind: 'pin1' | 'pin2',
): Promise<{ kind: string; triesBefore: number | null }> {
  const q = await ch.send(Uint8Array.of(0x00, 0x20, 0x00, ref));
  if (q.sw === SW_OK) return { kind, triesBefore: null };
  const left = (q.sw & 0xfff0) === 0x63c0 ? q.sw & 0x0f : 0;
  // Anything but 63C1-63C3 (63C0, 6984, 6983, a 6283 "DF blocked") is treated as blocked.
  if (left === 0) throw new CardError('licence_pin_blocked', `${kind}: tries-left answered ${swHex(q.sw)}`, 0);
  if (left < LICENCE_PIN_TRIES)
    throw new CardError('licence_pin_low_tries', `${kind}: ${left} tries left; PIN not sent`, left);
  const r = await ch.send(concat(Uint8Array.of(0x00, 0x20, 0x00, ref, 0x04), ascii(pin)));
  if (r.sw === SW_OK) return { kind, triesBefore: left };
  if ((r.sw & 0xfff0) === 0x63c0 && (r.sw & 0x0f) > 0)
    throw new CardError('licence_pin_wrong', `${kind} wrong`, r.sw & 0x0f);
  throw new CardError('licence_pin_blocked', `${kind}: VERIFY answered ${swHex(r.sw)}`, 0);
}

/** age-over-20 with PIN 1: only the TLV headers of tags 11-15 and the birth date value (spec §8a). */
async function readBirthDateOnly(ch: CardChannel): Promise<string> {
  let off = 0;
  for (let i = 0; i < 8; i++) {
    const h = await ch.expectOk(readAt(off, 2), 'READ DF1/EF01 header');
    if (h.length < 2) throw new CardError('malformed_tlv', 'DF1/EF01: short header read');
    let len = h[1]!;
    let hl = 2;
    if (len === 0x81 || len === 0x82) {
      const more = await ch.expectOk(readAt(off + 2, len - 0x80), 'READ DF1/EF01 long length');
      len = len === 0x81 ? more[0]! : (more[0]! << 8) | more[1]!;
      hl = 2 + (h[1]! - 0x80);
    } else if (len >= 0x80) throw new CardError('malformed_tlv', 'DF1/EF01: length form');
    if (h[0] === 0x16) {
      if (len !== 7) throw new CardError('malformed_tlv', 'DF1/EF01: birth date is not 7 characters');
      const v = await ch.expectOk(readAt(off + hl, 7), 'READ DF1/EF01 birth date');
      const d = eraDate(String.fromCharCode(...v), 'birth date');
      if (!d) throw new CardError('malformed_tlv', 'DF1/EF01: no birth date');
      return d;
    }
    if (h[0]! < 0x11 || h[0]! > 0x15)
      throw new CardError('malformed_tlv', `DF1/EF01: tag ${h[0]!.toString(16)} before the birth date`);
    off += hl + len;
  }
  throw new CardError('malformed_tlv', 'DF1/EF01: no birth date in the first objects');
}

/** The TLV objects of a file up to its FF filler, as stored (reading B of the signed range). */
function tlvPart(file: Uint8Array): Uint8Array {
  let p = 0;
  for (;;) {
    const h = readHeader(file, p, 0xff);
    if (!h) break;
    if (p + h.headerLength + h.length > file.length) throw new CardError('malformed_tlv', 'object runs past the file');
    p += h.headerLength + h.length;
  }
  return file.subarray(0, p);
}

interface Read {
  common: MfCommon;
  pinSet: boolean;
  birthOnly?: string;
  entries?: LicenceEntries;
  entriesFile?: Uint8Array;
  changes?: ChangeEntry[];
  photoFile?: Uint8Array;
  photo?: Uint8Array;
  signature?: SignatureRecord;
  /** Verification outcome computed while the 本籍 bytes were in memory (then zeroed). */
  signatureCheck?: { check: LicenceCheck; signer: string | null } | 'no-signer';
}

export async function readDrivingLicence(o: ReadLicenceOptions): Promise<DocumentReadResult> {
  const t0 = o.now();
  const withPin2 = o.secrets.pin2 !== undefined;
  // The 本籍 rule in the send path: DF1/EF02 may be selected only when it is hashed for the signature.
  const ch = new CardChannel(o.transport, new LicenceGuard({ domicileForSignature: o.signature && withPin2 }));
  const f: DocumentFindings<LicenceCheckCode> = { checks: [], staffConfirm: [], signerKeyIds: [] };
  const errors: CardErrorReport[] = [];
  const requested: string[] = [];
  const pins: { kind: string; triesBefore: number | null }[] = [];
  const timings: Record<string, number> = {};
  const step = (s: string) => o.onStep?.(s);
  let read: Read | null = null;
  const minimalAge = o.policy === 'age-over-20' && !withPin2;
  try {
    checkSecrets(o);
    step('mf');
    const r = await readMf(ch);
    read = r;
    checkExpiry(r.common, o.at, f.checks);
    // No PIN set (MF/EF02 = 00): both PINs are '****' whatever was typed (a typed PIN would burn a try).
    if (r.pinSet && o.secrets.pin1 === undefined) throw new CardError('licence_pin_format', 'PIN 1 is needed');
    step('pin');
    await verifyPins(ch, o, r.pinSet, pins);
    step('df1');
    if (minimalAge) await readDf1BirthDateOnly(ch, r, requested);
    else {
      await readEntries(ch, o.policy, r, requested);
      step('df2');
      await readPhoto(ch, r, requested);
      if (o.signature) {
        step('signature');
        await readAndVerifySignature(ch, o, r, requested);
      }
    }
    timings.read_ms = o.now() - t0;
  } catch (e) {
    if (!(e instanceof ExpiredStop))
      errors.push(reportError(e instanceof CardError ? e : new CardError('transport_error', errorText(e))));
  }

  const vs = o.now();
  let attributes: DocumentAttributes = {};
  if (read && errors.length === 0 && f.checks.every((c) => c.ok)) {
    signatureOutcome(read, o.signature, minimalAge, f);
    if (read.entries && read.entries.expiryDate && read.entries.expiryDate !== read.common.expiryDate)
      f.checks.push(failCheck('licence.expiry_match', 'DF1 有効期間の末日 and MF/EF01 disagree'));
    attributes = projectAttributes(read, o.policy, o.at, f.checks);
  }
  timings.verify_ms = o.now() - vs;
  timings.total_ms = o.now() - t0;
  const images: DocumentReadResult['images'] = read?.photo ? { photo: { format: 'j2k', bytes: read.photo } } : {};
  return finishResult({
    card: { type: 'driving-licence', generation: read ? 1 : null },
    attributes,
    images,
    checks: f.checks,
    errors,
    staffConfirm: f.staffConfirm,
    apdus: { ...ch.stats },
    timings,
    requested,
    signerKeyIds: f.signerKeyIds,
    pins,
  });
}

/** The secrets' form before anything is sent: 4-digit PINs, and PIN 2 for a policy that shows the photo. */
function checkSecrets(o: ReadLicenceOptions): void {
  for (const [k, v] of Object.entries(o.secrets))
    if (v !== undefined && !/^\d{4}$/.test(v)) throw new CardError('licence_pin_format', `${k} is not 4 digits`);
  if (o.policy !== 'age-over-20' && o.secrets.pin2 === undefined)
    throw new CardError('licence_pin2_needed', `${o.policy} shows the photo, which PIN 2 opens`);
}

/** MF: whether a PIN is set (EF02) and the common data (EF01: the expiry). */
async function readMf(ch: CardChannel): Promise<Read> {
  await ch.expectOk(SELECT_MF, 'SELECT MF');
  const pinSet = parsePinSetting(await ch.expectOk(Uint8Array.of(0x00, 0xb0, 0x8a, 0x00, 0x03), 'READ MF/EF02'));
  await ch.expectOk(selectEf(MF_EF.common), 'SELECT MF/EF01');
  const common = parseMfCommon(await readEf(ch, SIZE.mfCommon, 'MF/EF01'));
  return { common, pinSet };
}

/** MF/EF01's expiry, valid through the whole last day in JST: an expired licence stops here, before any PIN is sent. */
function checkExpiry(common: MfCommon, at: Date, checks: LicenceCheck[]): void {
  if (common.expiryDate < japanIsoDate(at)) {
    checks.push(failCheck('licence.expiry', `the licence expired on ${common.expiryDate}`));
    throw new ExpiredStop();
  }
  checks.push(passCheck('licence.expiry', `valid until ${common.expiryDate}`));
}

/** PIN 1, then PIN 2 when given (verifyPin's rules); with no PIN set, the '****' the card expects. */
async function verifyPins(
  ch: CardChannel,
  o: ReadLicenceOptions,
  pinSet: boolean,
  pins: { kind: string; triesBefore: number | null }[],
): Promise<void> {
  pins.push(await verifyPin(ch, PIN_REF.pin1, pinSet ? o.secrets.pin1! : NO_PIN, 'pin1'));
  if (o.secrets.pin2 !== undefined)
    pins.push(await verifyPin(ch, PIN_REF.pin2, pinSet ? o.secrets.pin2 : NO_PIN, 'pin2'));
}

async function selectDf1Entries(ch: CardChannel, requested: string[]): Promise<void> {
  await ch.expectOk(selectByName(LICENCE_DF1_AID), 'SELECT DF1');
  await ch.expectOk(selectEf(DF1_EF.entries), 'SELECT DF1/EF01');
  requested.push('DF1/EF01');
}

/** age-over-20 with PIN 1 only: the birth date out of DF1/EF01's headers, nothing else (spec §8a). */
async function readDf1BirthDateOnly(ch: CardChannel, r: Read, requested: string[]): Promise<void> {
  await selectDf1Entries(ch, requested);
  r.birthOnly = await readBirthDateOnly(ch);
}

/** DF1/EF01 whole (the entries) and, for identity, DF1/EF04 (address changes). */
async function readEntries(ch: CardChannel, policy: PolicyName, r: Read, requested: string[]): Promise<void> {
  await selectDf1Entries(ch, requested);
  r.entriesFile = await readEf(ch, SIZE.entries, 'DF1/EF01');
  r.entries = parseEntries(r.entriesFile);
  if (policy === 'identity') {
    await ch.expectOk(selectEf(DF1_EF.changes), 'SELECT DF1/EF04');
    requested.push('DF1/EF04');
    r.changes = parseAddressChanges(await readEf(ch, SIZE.changes, 'DF1/EF04'));
  }
}

/** DF2/EF01: the photo (a JPEG 2000 codestream in 5F40). */
async function readPhoto(ch: CardChannel, r: Read, requested: string[]): Promise<void> {
  await ch.expectOk(selectByName(LICENCE_DF2_AID), 'SELECT DF2');
  await ch.expectOk(selectEf(DF2_EF.photo), 'SELECT DF2/EF01');
  requested.push('DF2/EF01');
  r.photoFile = await readEf(ch, SIZE.photo, 'DF2/EF01');
  r.photo = parsePhoto(r.photoFile).value;
}

/**
 * DF1/EF07 (the signature record) and, when its signer is installed, DF1/EF02 (本籍): its bytes are
 * fed to the signature check in memory, never decoded, and zeroed.
 */
async function readAndVerifySignature(
  ch: CardChannel,
  o: ReadLicenceOptions,
  r: Read,
  requested: string[],
): Promise<void> {
  await ch.expectOk(selectByName(LICENCE_DF1_AID), 'SELECT DF1');
  await ch.expectOk(selectEf(DF1_EF.signature), 'SELECT DF1/EF07');
  requested.push('DF1/EF07');
  r.signature = parseSignatureRecord(await readEf(ch, SIZE.signature, 'DF1/EF07'));
  const signer = o.trust.licenceSigners.get(r.signature.ski);
  if (!signer) {
    r.signatureCheck = 'no-signer';
    return;
  }
  await ch.expectOk(selectEf(DF1_EF.domicile), 'SELECT DF1/EF02');
  requested.push('DF1/EF02');
  const domicile = await readEf(ch, SIZE.domicile, 'DF1/EF02');
  try {
    r.signatureCheck = {
      check: verifyLicenceSignature(
        r.entriesFile!,
        domicile,
        r.photoFile!,
        r.signature,
        signer.cert.publicKey,
        o.crypto,
      ),
      signer: signer.fingerprint,
    };
  } finally {
    domicile.fill(0);
  }
}

/** The signature's check, or why staff confirm instead (PIN 1 only, signature off, signer not installed). */
function signatureOutcome(
  read: Read,
  signature: boolean,
  minimalAge: boolean,
  f: DocumentFindings<LicenceCheckCode>,
): void {
  const sc = read.signatureCheck;
  if (minimalAge) f.staffConfirm.push('licence_pin1_only');
  else if (!signature) f.staffConfirm.push('licence_signature_off');
  else if (sc === 'no-signer') f.staffConfirm.push('licence_signer_not_installed');
  else if (sc) {
    f.checks.push(sc.check);
    if (sc.signer) f.signerKeyIds.push(sc.signer);
  }
}

/** Only the policy's attributes; the age check adds its own check, the address changes theirs. */
function projectAttributes(read: Read, policy: PolicyName, at: Date, checks: LicenceCheck[]): DocumentAttributes {
  const attributes: DocumentAttributes = {};
  const e = read.entries;
  const birth = read.birthOnly ?? e?.birthDate;
  if (policy === 'age-over-20' && birth) {
    const [y, m, d] = birth.split('-').map(Number) as [number, number, number];
    const over = isAtLeast({ year: y, month: m, day: d }, 20, at);
    attributes.age_over_20 = over;
    checks.push(
      over
        ? passCheck('policy.age_over_20')
        : failCheck('policy.age_over_20', 'the holder is under 20 at the time of the check'),
    );
  }
  if (read.photo) attributes.photo = { image: 'photo' };
  if (e && policy !== 'age-over-20') {
    attributes.name = e.name.text;
    if (e.name.gaiji) attributes.name_has_gaiji = true;
  }
  if (e && policy === 'identity') {
    attributes.birth_date = e.birthDate;
    attributes.address = e.address.text;
    if (e.address.gaiji) attributes.address_has_gaiji = true;
    attributes.document_number = e.licenceNumber;
    attributes.expiry_date = read.common.expiryDate;
    attributes.address_changes = read.changes ?? [];
    if (read.changes?.length)
      checks.push(
        passCheck(
          'licence.address_changes',
          `${read.changes.length} change(s) recorded by the public safety commission (not covered by the issue signature)`,
        ),
      );
  }
  return attributes;
}

class ExpiredStop extends Error {}

/**
 * EF07's signature over EF01 || EF02 || photo, in the two readings of the signed range; the check's
 * detail names the one that verified ("whole files" or "TLV objects").
 */
export function verifyLicenceSignature(
  entries: Uint8Array,
  domicile: Uint8Array,
  photo: Uint8Array,
  sig: SignatureRecord,
  key: import('../x509/certificate.ts').PublicKeyInfo,
  crypto: CryptoProvider,
): LicenceCheck {
  if (key.kind !== 'rsa') return failCheck('licence.signature', `signer key is ${key.kind}, expected RSA`);
  const readings: [string, Uint8Array][] = [
    ['whole files', concat(entries, domicile, photo)],
    ['TLV objects', concat(tlvPart(entries), tlvPart(domicile), tlvPart(photo))],
  ];
  try {
    for (const [name, msg] of readings) {
      if (crypto.rsaPkcs1Verify('SHA-256', { n: key.n, e: key.e }, msg, sig.signature))
        return passCheck('licence.signature', `EF07 verifies over EF01 || EF02 || photo (signed range: ${name})`);
    }
    return failCheck(
      'licence.signature',
      'EF07 does not verify over EF01 || EF02 || photo in either reading: the licence data or photo was altered',
    );
  } finally {
    for (const [, msg] of readings) msg.fill(0);
  }
}
