// One residence card / special permanent resident certificate transaction over an abstract APDU
// channel (在留カード等仕様書 §4.2, 第２世代 §4.2; our sequence: docs in core/residence-card/README.md):
// card type (MF/EF02) -> card-number authentication -> SM reads of DF1 -> DF2 (identity) -> DF3
// (signature) -> offline verification -> only the policy's attributes.
//
// Verdicts: a 1st-generation card keeps name, birth date, status, period of stay and expiry only in
// the signed front image, so every 1st-generation read that verifies ends 'unverified' (staff read
// the image). A 2nd-generation card carries them as signed text and can end 'valid'.
import type { CryptoProvider } from '../crypto/provider.ts';
import type { PolicyName } from '../policy/policy.ts';
import { isAtLeast, japanIsoDate } from '../card/age.ts';
import { CardChannel, type ApduTransport } from '../card/apdu.ts';
import { CardError, reportError, type CardErrorReport } from '../card/codes.ts';
import { errorForSw } from '../card/status-words.ts';
import { walkTlvs, only, optional } from '../document/card-tlv.ts';
import {
  finishResult,
  type DocumentAttributes,
  type DocumentFindings,
  type DocumentReadResult,
} from '../document/result.ts';
import {
  cardTypeOf,
  RESIDENCE_DF1_AID,
  RESIDENCE_DF2_AID,
  RESIDENCE_DF3_AID,
  SFI,
  type ResidenceCardType,
} from './files.ts';
import { failCheck, passCheck, type ResidenceCardCheckCode } from './codes.ts';
import { ResidenceCardGuard } from './guard.ts';
import { parsePrintedEntries, type PrintedEntries } from './printed-entries.ts';
import {
  CARD_NUMBER_RE,
  cardNumberKey,
  mutualAuthenticateCommand,
  openMutualAuthenticateResponse,
  openSmResponse,
  sessionKey,
  smReadCommand,
  verifyCardNumberCommand,
  type RcGeneration,
} from './secure-messaging.ts';
import { gen1SignedTarget, gen2SignedTarget, parseSignatureFile, verifyResidenceCardSignature } from './signature.ts';
import type { ResidenceCardTrust } from './trust.ts';
import { selectByName } from '../document/identify.ts';
import { isJp2 } from '../card/jp2.ts';
import { errorText } from '../errors.ts';

export interface ReadResidenceCardOptions {
  transport: ApduTransport;
  policy: PolicyName;
  cardNumber: string;
  trust: ResidenceCardTrust;
  crypto: CryptoProvider;
  at: Date;
  now: () => number;
  onStep?: (step: string) => void;
}

const SELECT_MF = Uint8Array.of(0x00, 0xa4, 0x00, 0x00, 0x02, 0x3f, 0x00);
const readSfi = (p1: number, le: number) => Uint8Array.of(0x00, 0xb0, p1, 0x00, le);
/** Plain READ BINARY of a whole EF, extended Le 00 00 (第２世代 Appendix 2: `00 B0 82 00 00 00 00`). */
const readSfiWhole = (p1: number) => Uint8Array.of(0x00, 0xb0, p1, 0x00, 0x00, 0x00, 0x00);

interface Read {
  type: { generation: RcGeneration; kind: 'residence-card' | 'special-permanent-resident-certificate' };
  front?: Uint8Array;
  face?: Uint8Array;
  nameImage?: Uint8Array;
  addressImage?: Uint8Array;
  printed?: PrintedEntries;
  gen1Address?: string | null;
  applicationPending?: boolean | null;
  signatureFile?: Uint8Array;
}

const utf8OrSjis = (b: Uint8Array): string => {
  // 1st-generation DF2 text encoding is unconfirmed: strict UTF-8 first, then Shift_JIS.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return new TextDecoder('shift_jis').decode(b);
  }
};

async function readCardType(ch: CardChannel): Promise<ResidenceCardType> {
  await ch.expectOk(SELECT_MF, 'SELECT MF');
  // The C1 value is 1 byte (1st generation) or 2 (2nd): read the header, then exactly the object.
  const head = await ch.expectOk(readSfi(SFI.mfCardType, 2), 'READ MF/EF02 header');
  if (head.length !== 2 || head[0] !== 0xc1 || head[1]! < 1 || head[1]! > 2)
    throw new CardError('malformed_tlv', 'MF/EF02: no C1 card type');
  const whole = await ch.expectOk(readSfi(SFI.mfCardType, 2 + head[1]!), 'READ MF/EF02');
  const c1 = String.fromCharCode(...whole.subarray(2, 2 + head[1]!));
  const t = cardTypeOf(c1);
  if (!t) throw new CardError('unsupported_card', `MF/EF02 card type ${JSON.stringify(c1)}`);
  if (t.generation === null) throw new CardError('residence_card_specified', `card type ${c1}`);
  return t;
}

async function authenticate(
  ch: CardChannel,
  g: RcGeneration,
  cardNumber: string,
  crypto: CryptoProvider,
): Promise<Uint8Array> {
  const k = cardNumberKey(cardNumber, crypto);
  const rndIcc = await ch.expectOk(Uint8Array.of(0x00, 0x84, 0x00, 0x00, 0x08), 'GET CHALLENGE');
  if (rndIcc.length !== 8) throw new CardError('malformed_response', `GET CHALLENGE answered ${rndIcc.length} bytes`);
  const rndIfd = crypto.randomBytes(8);
  const kIfd = crypto.randomBytes(16);
  const r = await ch.send(mutualAuthenticateCommand(g, k, rndIcc, rndIfd, kIfd, crypto));
  // 63 00: the card could not open our E.IFD with the key of this number (第２世代: stale or wrong data).
  if (r.sw === 0x6300) throw new CardError('card_number_wrong', 'MUTUAL AUTHENTICATE answered 6300');
  if (r.sw !== 0x9000) throw errorForSw(r.sw, 'MUTUAL AUTHENTICATE');
  const kIcc = openMutualAuthenticateResponse(g, k, r.data, rndIcc, rndIfd, crypto);
  const ks = sessionKey(kIfd, kIcc, crypto);
  const v = await ch.send(verifyCardNumberCommand(g, ks, cardNumber, crypto));
  if (v.sw === 0x6300) throw new CardError('card_number_wrong', 'VERIFY answered 6300');
  if (v.sw !== 0x9000) throw errorForSw(v.sw, 'VERIFY card number');
  return ks;
}

/** MF/EF02's card type, refusing 特定在留カード before any authentication (§4.2). */
async function readSupportedType(ch: CardChannel): Promise<Read['type']> {
  const type = await readCardType(ch);
  if (type.kind === 'specified' || type.generation === null) throw new CardError('residence_card_specified');
  return { kind: type.kind, generation: type.generation };
}

/** The two ways a file is read after authentication: SM READ (DF1, §4.2.5) and plain READ (DF2, DF3). */
interface FileReaders {
  sm(p1: number, name: string): Promise<Uint8Array>;
  plain(p1: number, name: string): Promise<Uint8Array>;
}

function fileReaders(
  ch: CardChannel,
  g: RcGeneration,
  ks: Uint8Array,
  crypto: CryptoProvider,
  requested: string[],
): FileReaders {
  return {
    async sm(p1, name) {
      const r = await ch.send(smReadCommand(p1));
      if (r.sw !== 0x9000) throw errorForSw(r.sw, `SM READ ${name}`);
      requested.push(name);
      return openSmResponse(g, ks, r.data, crypto, name);
    },
    async plain(p1, name) {
      const r = await ch.send(readSfiWhole(p1));
      if (r.sw !== 0x9000 && r.sw !== 0x6282) throw errorForSw(r.sw, `READ ${name}`);
      requested.push(name);
      return r.data;
    },
  };
}

export async function readResidenceCard(o: ReadResidenceCardOptions): Promise<DocumentReadResult> {
  const t0 = o.now();
  const ch = new CardChannel(o.transport, new ResidenceCardGuard());
  const errors: CardErrorReport[] = [];
  const requested: string[] = [];
  const timings: Record<string, number> = {};
  let read: Read | null = null;
  const step = (s: string) => o.onStep?.(s);
  try {
    if (!CARD_NUMBER_RE.test(o.cardNumber)) throw new CardError('card_number_format');
    step('card_type');
    const r: Read = { type: await readSupportedType(ch) };
    read = r;
    step('authenticate');
    const ks = await authenticate(ch, r.type.generation, o.cardNumber, o.crypto);
    timings.authenticate_ms = o.now() - t0;
    const files = fileReaders(ch, r.type.generation, ks, o.crypto, requested);
    step('df1');
    await readDf1(ch, files, r, o.policy === 'identity');
    if (o.policy === 'identity') {
      step('df2');
      await readDf2(ch, files, r);
    }
    step('df3');
    await ch.expectOk(selectByName(RESIDENCE_DF3_AID), 'SELECT DF3');
    r.signatureFile = await files.plain(SFI.gen1.df3Signature, 'DF3/EF01');
    timings.read_ms = o.now() - t0;
  } catch (e) {
    errors.push(reportError(e instanceof CardError ? e : new CardError('transport_error', errorText(e))));
  }

  // ---- offline verification ----
  const vs = o.now();
  step('verify');
  const f: DocumentFindings<ResidenceCardCheckCode> = { checks: [], staffConfirm: [], signerKeyIds: [] };
  let attributes: DocumentAttributes = {};
  if (read && errors.length === 0) {
    checkSignature(read, o, f);
    checkExpiry(read, o.at, f);
    attributes = projectAttributes(read, o, f);
    if (read.gen1Address !== undefined || read.addressImage)
      f.checks.push(
        passCheck(
          'residence_card.address_source',
          read.type.generation === 1
            ? 'DF2 住居地 text (written at the municipal office; not covered by the check code)'
            : 'DF1/EF04 address image (not covered by the signature)',
        ),
      );
  }
  timings.verify_ms = o.now() - vs;
  timings.total_ms = o.now() - t0;
  const generation = read?.type.generation ?? null;
  const cardType =
    read?.type.kind === 'special-permanent-resident-certificate'
      ? 'special-permanent-resident-certificate'
      : 'residence-card';
  const images = read ? imagesShown(read, attributes) : {};
  return finishResult({
    card: { type: cardType, generation },
    attributes,
    images,
    checks: f.checks,
    errors,
    staffConfirm: f.staffConfirm,
    apdus: { ...ch.stats },
    timings,
    requested,
    signerKeyIds: f.signerKeyIds,
    pins: [],
  });
}

/**
 * DF1 under secure messaging (§3.3.1, 第２世代 §3.3): the 1st generation's front image and face; the
 * 2nd generation's printed entries, name image and face, and (identity) the address image.
 */
async function readDf1(ch: CardChannel, files: FileReaders, r: Read, identity: boolean): Promise<void> {
  await ch.expectOk(selectByName(RESIDENCE_DF1_AID), 'SELECT DF1');
  if (r.type.generation === 1) {
    r.front = only(walkTlvs(await files.sm(SFI.gen1.frontImage, 'DF1/EF01'), 0x00, 'DF1/EF01'), 0xd0, 'DF1/EF01').value;
    r.face = only(walkTlvs(await files.sm(SFI.gen1.face, 'DF1/EF02'), 0x00, 'DF1/EF02'), 0xd1, 'DF1/EF02').value;
    return;
  }
  r.printed = parsePrintedEntries(await files.sm(SFI.gen2.printed, 'DF1/EF02'));
  const nf = walkTlvs(await files.sm(SFI.gen2.nameAndFace, 'DF1/EF03'), 0x00, 'DF1/EF03');
  r.nameImage = only(nf, 0xd0, 'DF1/EF03').value;
  r.face = only(nf, 0xd1, 'DF1/EF03').value;
  if (identity)
    r.addressImage = only(
      walkTlvs(await files.sm(SFI.gen2.addressImage, 'DF1/EF04'), 0x00, 'DF1/EF04'),
      0xdfd1,
      'DF1/EF04',
    ).value;
}

/**
 * DF2 in plain (identity only): the 1st generation's 住居地 text, and the residence card's
 * application-pending flag (1st generation D7 in EF04, 2nd generation D8 in EF02).
 */
async function readDf2(ch: CardChannel, files: FileReaders, r: Read): Promise<void> {
  await ch.expectOk(selectByName(RESIDENCE_DF2_AID), 'SELECT DF2');
  if (r.type.generation === 1) {
    const addr = walkTlvs(await files.plain(SFI.gen1.df2Address, 'DF2/EF01'), 0x00, 'DF2/EF01');
    const d4 = optional(addr, 0xd4, 'DF2/EF01');
    r.gen1Address = d4 ? utf8OrSjis(d4.value) : null;
    if (r.type.kind === 'residence-card') {
      const app = optional(
        walkTlvs(await files.plain(SFI.gen1.df2Application, 'DF2/EF04'), 0x00, 'DF2/EF04'),
        0xd7,
        'DF2/EF04',
      );
      r.applicationPending = app ? app.value[0] === 0x31 : null;
    }
  } else if (r.type.kind === 'residence-card') {
    const app = optional(
      walkTlvs(await files.plain(SFI.gen2.df2Application, 'DF2/EF02'), 0x00, 'DF2/EF02'),
      0xd8,
      'DF2/EF02',
    );
    r.applicationPending = app ? app.value[0] === 0x31 : null;
  }
}

/** DF3/EF01's signature over the generation's signed target, chained to an ISA root (§3.3.4.9, §3.4.3.1; 第２世代 §3.3.4.10). */
function checkSignature(read: Read, o: ReadResidenceCardOptions, f: DocumentFindings<ResidenceCardCheckCode>): void {
  try {
    const sigFile = parseSignatureFile(read.signatureFile!, read.type.generation);
    const target =
      read.type.generation === 1
        ? gen1SignedTarget(read.front!, read.face!)
        : gen2SignedTarget(read.printed!.tlvs, read.face!, read.nameImage!);
    const v = verifyResidenceCardSignature(read.type.generation, sigFile, target, o.trust, o.crypto, o.at);
    f.checks.push(...v.checks);
    if (v.rootFingerprint) f.signerKeyIds.push(v.rootFingerprint);
  } catch (e) {
    f.checks.push(failCheck('residence_card.signature', errorText(e)));
  }
}

/**
 * The card's expiry and period of stay: the 2nd generation's C5 expiry is checked and a passed CD
 * period of stay is left to staff; the 1st generation keeps both only in the front image.
 */
function checkExpiry(read: Read, at: Date, f: DocumentFindings<ResidenceCardCheckCode>): void {
  const todayIso = japanIsoDate(at);
  if (read.type.generation === 1) {
    // Everything the verdict would rest on is inside the signed front image (§3.3.4).
    f.staffConfirm.push('front_image_facts');
    f.checks.push(
      passCheck(
        'residence_card.expiry',
        'printed only in the front image: staff read it (lapse cannot be checked offline)',
      ),
    );
    return;
  }
  const p = read.printed!;
  if (!p.expiry) f.checks.push(failCheck('residence_card.expiry', 'C5 card expiry missing'));
  else
    f.checks.push(
      p.expiry < todayIso
        ? failCheck('residence_card.expiry', `the card expired on ${p.expiry}`)
        : passCheck('residence_card.expiry', `valid until ${p.expiry} (lapse cannot be checked offline)`),
    );
  if (p.periodEnd && p.periodEnd < todayIso)
    f.staffConfirm.push(read.applicationPending ? 'stay_expired_application_pending' : 'stay_period_ended');
}

/** The attributes each policy shows (core/document/result.ts DOCUMENT_EXTRA_ATTRIBUTES for identity). */
function shownAttributes(policy: PolicyName): readonly string[] {
  if (policy === 'age-over-20') return ['age_over_20', 'photo', 'front_image'];
  if (policy === 'entrance') return ['name', 'photo', 'front_image'];
  return [
    'name',
    'birth_date',
    'address',
    'sex',
    'photo',
    'front_image',
    'document_number',
    'expiry_date',
    'nationality',
    'status_of_residence',
    'period_of_stay',
    'work_restriction',
  ];
}

/** Only the policy's attributes; the age check adds its own check, or leaves the age to staff (1st generation). */
function projectAttributes(
  read: Read,
  o: ReadResidenceCardOptions,
  f: DocumentFindings<ResidenceCardCheckCode>,
): DocumentAttributes {
  const attributes: DocumentAttributes = {};
  const p = read.printed;
  for (const a of shownAttributes(o.policy)) {
    switch (a) {
      case 'age_over_20':
        if (p?.birthDate) {
          const [y, m, d] = p.birthDate.split('-').map(Number) as [number, number, number];
          const over = isAtLeast({ year: y, month: m, day: d }, 20, o.at);
          attributes.age_over_20 = over;
          f.checks.push(
            over
              ? passCheck('policy.age_over_20')
              : failCheck('policy.age_over_20', 'the holder is under 20 at the time of the check'),
          );
        } else f.staffConfirm.push('age_in_front_image');
        break;
      case 'photo':
        attributes.photo = read.face?.length ? { image: 'photo' } : null;
        break;
      case 'front_image':
        if (read.front) attributes.front_image = { image: 'front_image' };
        break;
      case 'name':
        if (read.nameImage) attributes.name = { image: 'name_image' };
        break;
      case 'address':
        if (read.addressImage) attributes.address = { image: 'address_image' };
        else if (read.gen1Address) attributes.address = read.gen1Address;
        break;
      case 'birth_date':
        if (p?.birthDate) attributes.birth_date = p.birthDate;
        break;
      case 'sex':
        if (p?.sex) attributes.sex = p.sex;
        break;
      case 'document_number':
        // The chip proved it knows this number (VERIFY in SM answered 9000).
        attributes.document_number = o.cardNumber;
        break;
      case 'expiry_date':
        if (p?.expiry) attributes.expiry_date = p.expiry;
        break;
      case 'nationality':
        if (p?.nationality) attributes.nationality = p.nationality;
        break;
      case 'status_of_residence':
        if (p?.status) attributes.status_of_residence = p.status;
        break;
      case 'period_of_stay':
        if (p?.periodOfStay) attributes.period_of_stay = { duration: p.periodOfStay, until: p.periodEnd };
        break;
      case 'work_restriction':
        if (p?.workRestriction) attributes.work_restriction = p.workRestriction;
        break;
    }
  }
  return attributes;
}

/** The images behind the shown attributes (memory only). */
function imagesShown(read: Read, attributes: DocumentAttributes): DocumentReadResult['images'] {
  const images: DocumentReadResult['images'] = {};
  if (read.face?.length && attributes.photo)
    images.photo = { format: isJp2(read.face) ? 'jp2' : 'j2k', bytes: read.face };
  if (read.front && attributes.front_image) images.front_image = { format: 'tiff-g4', bytes: read.front };
  if (read.nameImage && attributes.name) images.name_image = { format: 'tiff-g4', bytes: read.nameImage };
  if (read.addressImage && attributes.address) images.address_image = { format: 'tiff-g4', bytes: read.addressImage };
  return images;
}
