// One passport read through PC/SC, end to end: wait for the reader and the document, connect with the
// passport's command guard, run the core transaction (core/passport/read-passport.ts), decode the
// face for display, disconnect. Used by `kakunin read-card --document passport`, the bench and the
// kiosk host.
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import { CardError } from '../../core/card/codes.ts';
import { PassportChannel } from '../../core/passport/channel.ts';
import { reportPassportError } from '../../core/passport/codes.ts';
import { PassportGuard } from '../../core/passport/passport-guard.ts';
import {
  readPassport,
  type PassportAccessKey,
  type PassportReadResult,
  type ReadPassportOptions,
} from '../../core/passport/read-passport.ts';
import type { DecodedPhoto } from '../card/jp2-decode.ts';
import { PcscContext } from '../pcsc/pcsc-reader.ts';
import { waitForCardOnReader } from '../pcsc/read-session.ts';
import { decodeReadFace } from './face-decode.ts';

export interface PcscPassportOptions {
  reader?: string;
  /** The reader's context when the caller has one (the kiosk's tap dispatcher): used, not closed. */
  context?: PcscContext;
  policy: PolicyName;
  access: PassportAccessKey;
  trust: ReadPassportOptions['trust'];
  crypto: CryptoProvider;
  at: Date;
  waitMs?: number;
  /** Put a (virtual) passport on the reader once it is known to be empty (the simulator's way in). */
  insertCard?: () => Promise<void>;
  onStep?: (step: string) => void;
}

export interface PcscPassportResult extends PassportReadResult {
  reader: string | null;
  decodedPhoto: DecodedPhoto | null;
}

const now = () => performance.now();
const round = (x: number) => Math.round(x * 100) / 100;

export async function readPassportOverPcsc(o: PcscPassportOptions): Promise<PcscPassportResult> {
  const t0 = now();
  let ctx: PcscContext | null = null;
  let reader: string | null = null;
  try {
    ctx = o.context ?? (await PcscContext.open());
    reader = await waitForCardOnReader(ctx, o);
    const session = await ctx.connect(reader, { guard: new PassportGuard() });
    const connectMs = now() - t0;
    let result: PassportReadResult;
    try {
      result = await readPassport({
        channel: new PassportChannel(session),
        policy: o.policy,
        access: o.access,
        trust: o.trust,
        crypto: o.crypto,
        at: o.at,
        now,
        ...(o.onStep ? { onStep: o.onStep } : {}),
      });
    } finally {
      await session.disconnect().catch(() => undefined);
    }
    result.timings = { connect_ms: connectMs, ...result.timings };
    const ts = now();
    const hadFace = result.photo !== null && result.verdict !== 'invalid';
    const decodedPhoto = await decodeReadFace(result);
    if (hadFace) result.timings.photo_decode_ms = now() - ts;
    result.timings.total_ms = now() - t0;
    for (const k of Object.keys(result.timings)) result.timings[k] = round(result.timings[k]!);
    return { ...result, reader, decodedPhoto };
  } catch (e) {
    return {
      verdict: 'invalid',
      card: { type: 'passport', access: null, chipAuthenticity: null },
      attributes: {},
      photo: null,
      checks: [],
      warnings: [],
      staffConfirm: [],
      errors: [reportPassportError(e instanceof Error ? e : new CardError('transport_error', String(e)))],
      apdus: { count: 0, bytesOut: 0, bytesIn: 0 },
      timings: { total_ms: round(now() - t0) },
      requested: [],
      signerKeyIds: [],
      reader,
      decodedPhoto: null,
    };
  } finally {
    if (ctx !== o.context) await ctx?.close();
  }
}
