// One card read through PC/SC for the driving licence and the residence card, end to end: wait for
// the reader and the card, identify it by AID (core/document/identify.ts) on a My Number-guarded
// connection, reconnect under the document's own guard, run the core reader, decode the images for
// display (memory only), disconnect. The My Number Card keeps its own path (read-session.ts); this
// module says so by returning `document: 'mynumber-card'` without reading it, unless the card carries
// the licence AP and the operator asked for a licence (core/document/reading.ts): then the licence AP
// is read here under MynaLicenceGuard (core/myna-licence), the My Number guard's rules included.
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { CardError, reportError } from '../../core/card/codes.ts';
import { identifyCard, type DocumentKind, type IdentifiedCard } from '../../core/document/identify.ts';
import { chooseReading, type DocumentChoice } from '../../core/document/reading.ts';
import { MYNA_LICENCE_GENERATION, readMynaLicence } from '../../core/myna-licence/read-myna-licence.ts';
import { MynaLicenceGuard } from '../../core/myna-licence/guard.ts';
import type { CardImage, DocumentReadResult } from '../../core/document/result.ts';
import { readResidenceCard } from '../../core/residence-card/read-residence-card.ts';
import { ResidenceCardGuard } from '../../core/residence-card/guard.ts';
import { readDrivingLicence, type LicenceSecrets } from '../../core/licence/read-licence.ts';
import { LicenceGuard } from '../../core/licence/guard.ts';
import { decodeJ2kCodestream, decodeJp2, type DecodedPhoto } from '../card/jp2-decode.ts';
import { isJp2 } from '../../core/card/jp2.ts';
import { decodeG4Tiff } from '../images/g4-tiff.ts';
import type { DocumentTrust } from '../trust/document-trust.ts';
import type { PcscContext } from './pcsc-reader.ts';
import { onCardOnReader, roundTimings, withCardSession } from './read-session.ts';
import { errorText } from '../../core/errors.ts';

export type { DocumentChoice };

export interface DocumentSecrets extends LicenceSecrets {
  cardNumber?: string;
}

export interface PcscDocumentOptions {
  reader?: string;
  /** The reader's context when the caller has one (the kiosk's tap dispatcher): used, not closed. */
  context?: PcscContext;
  document: DocumentChoice;
  policy: PolicyName;
  secrets: DocumentSecrets;
  trust: DocumentTrust;
  crypto: CryptoProvider;
  at: Date;
  /** Licence: check the EF07 signature when PIN 2 was entered (default true). */
  licenceSignature?: boolean;
  /**
   * With `document` auto: the operator asked for a licence, so a My Number Card carrying the licence
   * AP (マイナ免許証) is read as the licence (its PIN is `secrets.pin1`); default false.
   */
  licenceAsked?: boolean;
  waitMs?: number;
  insertCard?: () => Promise<void>;
  onStep?: (step: string) => void;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB) components, 8-bit. */
  components: number;
  pixels: Uint8Array;
}

export type PcscDocumentResult =
  | { identified: 'mynumber-card'; reader: string; licenceAp: boolean }
  /** A passport: it needs the MRZ or CAN (main/passport/read-session.ts), not these secrets. */
  | { identified: 'passport'; reader: string }
  | ({
      identified: Exclude<DocumentKind, 'mynumber-card' | 'passport'> | null;
      reader: string | null;
      decoded: Partial<Record<keyof DocumentReadResult['images'], DecodedImage>>;
    } & DocumentReadResult);

const now = () => performance.now();
const round = (x: number) => Math.round(x * 100) / 100;

/** Decode one card image for the screen; throws with a reason. */
export async function decodeCardImage(img: CardImage): Promise<DecodedImage> {
  if (img.format === 'tiff-g4') {
    const d = await decodeG4Tiff(img.bytes);
    return { width: d.width, height: d.height, components: 1, pixels: d.pixels };
  }
  const d: DecodedPhoto = isJp2(img.bytes) ? await decodeJp2(img.bytes) : await decodeJ2kCodestream(img.bytes);
  if (d.bitsPerSample > 8) throw new Error(`${d.bitsPerSample}-bit samples`);
  return { width: d.width, height: d.height, components: d.components, pixels: d.pixels };
}

/** Decode every image of a result; a failure makes the read invalid (staff could not compare). */
export async function decodeImages(
  r: DocumentReadResult,
): Promise<Partial<Record<keyof DocumentReadResult['images'], DecodedImage>>> {
  const out: Partial<Record<keyof DocumentReadResult['images'], DecodedImage>> = {};
  for (const [k, img] of Object.entries(r.images) as [keyof DocumentReadResult['images'], CardImage][]) {
    try {
      out[k] = await decodeCardImage(img);
      r.checks.push({ code: `image.${k}_decodes`, ok: true, detail: `${out[k]!.width}x${out[k]!.height}` });
    } catch (e) {
      r.checks.push({ code: `image.${k}_decodes`, ok: false, detail: errorText(e) });
      r.verdict = 'invalid';
    }
  }
  if (r.verdict === 'invalid') {
    r.attributes = {};
    r.images = {};
    return {};
  }
  return out;
}

function failure(
  type: DocumentReadResult['card']['type'],
  e: unknown,
  reader: string | null,
  identified: DocumentKind | null,
  ms: number,
  generation: DocumentReadResult['card']['generation'] = null,
): PcscDocumentResult {
  const err = e instanceof CardError ? e : new CardError('transport_error', errorText(e));
  return {
    identified: identified === 'mynumber-card' || identified === 'passport' ? null : identified,
    reader,
    decoded: {},
    verdict: 'invalid',
    card: { type, generation },
    attributes: {},
    images: {},
    checks: [],
    errors: [reportError(err)],
    staffConfirm: [],
    apdus: { count: 0, bytesOut: 0, bytesIn: 0 },
    timings: { total_ms: round(ms) },
    requested: [],
    signerKeyIds: [],
    pins: [],
  };
}

export async function readDocumentOverPcsc(o: PcscDocumentOptions): Promise<PcscDocumentResult> {
  const t0 = now();
  let id: IdentifiedCard | null = null;
  const fallbackType = o.document === 'residence-card' ? 'residence-card' : 'driving-licence';
  return onCardOnReader<PcscDocumentResult>(
    o,
    async (ctx, reader) => {
      id = await withCardSession(ctx, reader, {}, (session) => identifyCard((c) => session.transmit(c)));
      const reading = chooseReading(id, { asked: o.document, policy: o.policy, licenceAsked: o.licenceAsked === true });
      if (typeof reading === 'object') {
        const why =
          reading.refuse === 'myna_licence_absent'
            ? 'a My Number Card without the licence AP'
            : `the card is ${id.document ?? 'none we read'}`;
        throw new CardError(reading.refuse, `asked for ${o.document}: ${why}`);
      }
      if (reading === 'mynumber-card') return { identified: 'mynumber-card', reader, licenceAp: id.licenceAp };
      if (reading === 'passport') return { identified: 'passport', reader };
      const connectMs = now() - t0;
      const steps = o.onStep ? { onStep: o.onStep } : {};
      let result: DocumentReadResult;
      if (reading === 'myna-licence') {
        // The PIN travels as --pin1 / the kiosk's licence AP prompt; PIN 2 has no meaning here and is never sent.
        result = await withCardSession(ctx, reader, { guard: new MynaLicenceGuard() }, (transport) =>
          readMynaLicence({
            transport,
            policy: o.policy,
            ...(o.secrets.pin1 !== undefined ? { pin: o.secrets.pin1 } : {}),
            at: o.at,
            now,
            ...steps,
          }),
        );
      } else if (id.document === 'residence-card') {
        const cardNumber = o.secrets.cardNumber;
        if (cardNumber === undefined)
          throw new CardError('card_number_format', 'a residence card needs the card number');
        // A whole 1st-generation front image arrives in one extended-length SM response (~7 KB).
        const opts = { guard: new ResidenceCardGuard(), maxResponse: 0x10000 + 2 };
        result = await withCardSession(ctx, reader, opts, (transport) =>
          readResidenceCard({
            transport,
            policy: o.policy,
            cardNumber,
            trust: o.trust,
            crypto: o.crypto,
            at: o.at,
            now,
            ...steps,
          }),
        );
      } else {
        const signature = o.licenceSignature !== false;
        const guard = new LicenceGuard({ domicileForSignature: signature && o.secrets.pin2 !== undefined });
        result = await withCardSession(ctx, reader, { guard }, (transport) =>
          readDrivingLicence({
            transport,
            policy: o.policy,
            secrets: o.secrets,
            signature,
            trust: o.trust,
            crypto: o.crypto,
            at: o.at,
            now,
            ...steps,
          }),
        );
      }
      const ds = now();
      const decoded = await decodeImages(result);
      result.timings = {
        connect_ms: connectMs,
        identify_apdus: id.apdus,
        ...result.timings,
        image_decode_ms: now() - ds,
        total_ms: now() - t0,
      };
      roundTimings(result.timings);
      return { identified: reading === 'myna-licence' ? 'driving-licence' : reading, reader, decoded, ...result };
    },
    (e, reader) => {
      const type =
        id?.document === 'residence-card'
          ? 'residence-card'
          : id?.document === 'driving-licence'
            ? 'driving-licence'
            : fallbackType;
      return failure(
        type,
        e,
        reader,
        id?.document ?? null,
        now() - t0,
        id?.document === 'mynumber-card' && id.licenceAp && o.document === 'driving-licence'
          ? MYNA_LICENCE_GENERATION
          : null,
      );
    },
  );
}
