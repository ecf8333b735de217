// One card read through PC/SC, end to end: wait for the reader and the card, connect, run the core
// card transaction (core/card/read-card.ts) over the guarded PC/SC channel, decode the photo for
// display, disconnect. Used by `kakunin read-card`, the card benchmark and the host's card reader.
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { CardChannel } from '../../core/card/apdu.ts';
import { CardError, reportError } from '../../core/card/codes.ts';
import { readMyNumberCard, type CardReadResult, type ReadCardOptions, type Unlock } from '../../core/card/read-card.ts';
import { decodeJp2, type DecodedPhoto } from '../card/jp2-decode.ts';
import { PcscContext, type ConnectOptions, type PcscCardSession } from './pcsc-reader.ts';
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

/**
 * The frame of every PC/SC read: open a context (or use the caller's), wait for the card, run `read`.
 * Whatever is thrown becomes `failed(e, reader)`, so a read returns a result and never throws; a
 * context opened here is closed again.
 */
export async function onCardOnReader<T>(
  o: { context?: PcscContext; reader?: string; waitMs?: number; insertCard?: () => Promise<void> },
  read: (ctx: PcscContext, reader: string) => Promise<T>,
  failed: (e: unknown, reader: string | null) => T,
): Promise<T> {
  let ctx: PcscContext | null = null;
  let reader: string | null = null;
  try {
    ctx = o.context ?? (await PcscContext.open());
    reader = await waitForCardOnReader(ctx, o);
    return await read(ctx, reader);
  } catch (e) {
    return failed(e, reader);
  } finally {
    if (ctx !== o.context) await ctx?.close();
  }
}

/** Connect to the card under `opts` (its command guard), run `read`, and disconnect whatever happens. */
export async function withCardSession<T>(
  ctx: PcscContext,
  reader: string,
  opts: ConnectOptions,
  read: (session: PcscCardSession) => Promise<T>,
): Promise<T> {
  const session = await ctx.connect(reader, opts);
  try {
    return await read(session);
  } finally {
    await session.disconnect().catch(() => undefined);
  }
}

/** Every timing of a report to 0.01 ms. */
export function roundTimings(timings: Record<string, number>): void {
  for (const k of Object.keys(timings)) timings[k] = round(timings[k]!);
}

export async function readCardOverPcsc(o: PcscReadOptions): Promise<PcscReadResult> {
  const t0 = now();
  return onCardOnReader<PcscReadResult>(
    o,
    async (ctx, reader) => {
      let connectMs = 0;
      const result = await withCardSession(ctx, reader, {}, (session) => {
        connectMs = now() - t0;
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
        return readMyNumberCard(opts);
      });
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
      roundTimings(result.timings);
      return { ...result, reader, decodedPhoto };
    },
    (e, reader) => {
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
    },
  );
}

const round = (x: number) => Math.round(x * 100) / 100;
