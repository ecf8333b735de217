// One card read through PC/SC, end to end: wait for the reader and the card, connect, run the core
// card transaction (core/card/read-card.ts) over the guarded PC/SC channel, decode the photo for
// display, disconnect. Used by `kakunin read-card`, the card benchmark and the host's card reader.
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { CardChannel } from '../../core/card/apdu.ts';
import { CardError, reportError } from '../../core/card/codes.ts';
import { readMyNumberCard, type CardReadResult, type ReadCardOptions, type Unlock } from '../../core/card/read-card.ts';
import { decodeJp2, type DecodedPhoto } from '../card/jp2-decode.ts';
import { PcscContext } from './pcsc-reader.ts';
import { errorText } from '../../core/errors.ts';

export interface PcscReadOptions {
  reader?: string;
  /** The reader's context when the caller has one (the kiosk's tap dispatcher): used, not closed. */
  context?: PcscContext;
  policy: PolicyName;
  unlock: Unlock;
  trust: ReadCardOptions['trust'];
  crypto: CryptoProvider;
  at: Date;
  jpkiPin?: string;
  /** Wait this long for a reader and for a card. */
  waitMs?: number;
  /**
   * Put a (virtual) card on the reader once it is known to be empty: the simulator's way in. Without
   * the wait, pcscd could still list a card that just left and the first APDU would go nowhere.
   */
  insertCard?: () => Promise<void>;
}

export interface PcscReadResult extends CardReadResult {
  reader: string | null;
  decodedPhoto: DecodedPhoto | null;
}

const now = () => performance.now();

/** Wait for the reader, put the (virtual) card on it when asked, wait for the card; the reader's name. */
export async function waitForCardOnReader(
  ctx: PcscContext,
  o: { reader?: string; waitMs?: number; insertCard?: () => Promise<void> },
): Promise<string> {
  const wait = o.waitMs ?? 5000;
  const reader = await ctx.waitForReader(o.reader, wait);
  if (o.insertCard) {
    await ctx.waitForEmpty(reader, 2000);
    await o.insertCard();
  }
  await ctx.waitForCard(reader, wait);
  return reader;
}

export async function readCardOverPcsc(o: PcscReadOptions): Promise<PcscReadResult> {
  const t0 = now();
  let ctx: PcscContext | null = null;
  let reader: string | null = null;
  try {
    ctx = o.context ?? (await PcscContext.open());
    reader = await waitForCardOnReader(ctx, o);
    const session = await ctx.connect(reader);
    const connectMs = now() - t0;
    let result: CardReadResult;
    try {
      const opts: ReadCardOptions = {
        channel: new CardChannel(session),
        policy: o.policy,
        unlock: o.unlock,
        trust: o.trust,
        crypto: o.crypto,
        at: o.at,
        now,
      };
      if (o.jpkiPin !== undefined) opts.jpkiPin = o.jpkiPin;
      result = await readMyNumberCard(opts);
    } finally {
      await session.disconnect().catch(() => undefined);
    }
    result.timings = { connect_ms: round(connectMs), ...result.timings };
    let decodedPhoto: DecodedPhoto | null = null;
    const portrait = result.attributes.portrait;
    if (portrait) {
      const ts = now();
      try {
        decodedPhoto = await decodeJp2(portrait);
        result.checks.push({
          code: 'card_face.photo_decodes',
          ok: true,
          detail: `${decodedPhoto.width}x${decodedPhoto.height}`,
        });
      } catch (e) {
        result.checks.push({
          code: 'card_face.photo_decodes',
          ok: false,
          detail: `JPEG 2000 decode failed: ${errorText(e)}`,
        });
        result.verdict = 'invalid';
        result.attributes = {};
        result.photo = null;
      }
      result.timings.photo_decode_ms = now() - ts;
    }
    result.timings.total_ms = now() - t0;
    for (const k of Object.keys(result.timings)) result.timings[k] = round(result.timings[k]!);
    return { ...result, reader, decodedPhoto };
  } catch (e) {
    const err = e instanceof CardError ? e : new CardError('transport_error', errorText(e));
    return {
      verdict: 'invalid',
      card: { type: 'mynumber-card', generation: null },
      attributes: {},
      photo: null,
      checks: [],
      errors: [reportError(err)],
      apdus: { count: 0, bytesOut: 0, bytesIn: 0 },
      timings: { total_ms: round(now() - t0) },
      requested: [],
      signerKeyIds: [],
      pins: [],
      reader,
      decodedPhoto: null,
    };
  } finally {
    if (ctx !== o.context) await ctx?.close();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
