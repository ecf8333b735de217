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
import type { PcscContext } from '../pcsc/pcsc-reader.ts';
import { onCardOnReader, roundTimings, withCardSession } from '../pcsc/read-session.ts';
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
  return onCardOnReader<PcscPassportResult>(
    o,
    async (ctx, reader) => {
      let connectMs = 0;
      const result = await withCardSession(ctx, reader, { guard: new PassportGuard() }, (session) => {
        connectMs = now() - t0;
        return readPassport({
          channel: new PassportChannel(session),
          policy: o.policy,
          access: o.access,
          trust: o.trust,
          crypto: o.crypto,
          at: o.at,
          now,
          ...(o.onStep ? { onStep: o.onStep } : {}),
        });
      });
      result.timings = { connect_ms: connectMs, ...result.timings };
      const ts = now();
      const hadFace = result.photo !== null && result.verdict !== 'invalid';
      const decodedPhoto = await decodeReadFace(result);
      if (hadFace) result.timings.photo_decode_ms = now() - ts;
      result.timings.total_ms = now() - t0;
      roundTimings(result.timings);
      return { ...result, reader, decodedPhoto };
    },
    (e, reader) => ({
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
    }),
  );
}
