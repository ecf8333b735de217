// The kiosk side of a passport transaction: staff enter the access key on the screen (the MRZ's
// document number, birth date and expiry with the check digits printed on the data page, or a
// scanned MRZ line 2 that the screen splits into the same fields; or the 6-digit CAN of a PACE
// document), the host re-verifies every check digit (core/passport/mrz.ts) before the chip is
// tried, reads through `read` (PC/SC, or the training simulator in memory), and hands the host only
// the policy's attributes and the face as an in-memory data: URL.
//
// A wrong MRZ is indistinguishable from a wrong document to a BAC chip and the chip does not lock
// (Doc 9303-11 §4.3), so wrong keys are rate-limited here (core/passport/access-rate-limit.ts) and
// every new try is a person's action: the screen asks again, it never retries on its own.
import type { Policy } from '../../../core/policy/policy.ts';
import { AccessRateLimit } from '../../../core/passport/access-rate-limit.ts';
import { PASSPORT_ERRORS } from '../../../core/passport/codes.ts';
import { mrzKeyFromInformation } from '../../../core/passport/mrz.ts';
import type { PassportAccessKey, PassportReadResult } from '../../../core/passport/read-passport.ts';
import { ISSUER_KEY_ID_RE } from '../../../core/audit/audit-entry.ts';
import type { DecodedPhoto } from '../../card/jp2-decode.ts';
import type { Attributes } from '../../../api/contract.ts';
import { ABORTED, errorOutcome, type ReadError, type ReadHooks, type ReadOutcome } from '../reader.ts';
import { HOST_MESSAGES } from '../messages.ts';
import { decodedToPngDataUrl } from './png.ts';
import { cardVerdict, outcomeChecks } from './card-outcome.ts';

export type PassportRead = (
  access: PassportAccessKey,
) => Promise<PassportReadResult & { decodedPhoto: DecodedPhoto | null }>;

/** The entry screen sends MRZ_information (24 characters) or the CAN (6 digits). */
export const MRZ_INFORMATION_LENGTH = 24;
export const CAN_LENGTH = 6;

const SEX: Record<string, string> = { male: '男', female: '女', unspecified: '—' };

function passportError(code: keyof typeof PASSPORT_ERRORS, detail?: string): ReadError {
  const m = PASSPORT_ERRORS[code];
  return {
    code,
    messageJa: m.ja,
    messageEn: detail ? `${m.en} (${detail})` : m.en,
    nextJa: m.nextJa,
    nextEn: m.nextEn,
  };
}

/** PassportReadResult -> ReadOutcome: display strings, the face as a PNG data: URL. */
export function passportOutcome(
  r: PassportReadResult & { decodedPhoto: DecodedPhoto | null },
  policy: Policy,
): ReadOutcome {
  const a: Attributes = {};
  const src = r.attributes;
  if (src.age_over_20 !== undefined) a.age_over_20 = src.age_over_20;
  if (src.name) a.name = src.name;
  if (src.birth_date) a.birth_date = src.birth_date;
  if (src.sex) a.sex = SEX[src.sex] ?? src.sex;
  if (src.nationality) a.nationality = src.nationality;
  if (src.document_number) a.document_number = src.document_number;
  if (src.expiry_date) a.expiry_date = src.expiry_date;
  const photo = policy.shows.includes('portrait') ? decodedToPngDataUrl(r.decodedPhoto) : undefined;
  const keyId = r.signerKeyIds.find((k) => ISSUER_KEY_ID_RE.test(k));
  const credential: ReadOutcome['credential'] = {
    type: 'passport',
    // The access protocol only: the issuing state is the holder's nationality more often than not.
    docType: `icao.passport${r.card.access ? `.${r.card.access}` : ''}`,
    ...(keyId ? { issuerKeyId: keyId } : {}),
    engagement: 'card',
    transport: 'pcsc',
  };
  const e = r.errors[0];
  return cardVerdict({
    type: 'passport',
    verdict: r.verdict,
    checks: outcomeChecks(r.checks),
    stopped: e && { code: e.code, messageJa: e.messageJa, messageEn: e.messageEn, nextJa: e.nextJa, nextEn: e.nextEn },
    shown: { attributes: a, ...(photo ? { photo } : {}) },
    shownWhenUnder: { attributes: { age_over_20: false } },
    credential,
    requested: r.requested,
    unverified: {
      staffConfirm: r.staffConfirm,
      nextJa: '顔写真ページとご本人を見比べてください',
      nextEn: 'Compare the photo page with the person',
    },
    invalid: {
      code: 'passport_invalid',
      messageJa: '旅券のICチップの署名・真正性・有効期限を確認できません',
      messageEn: "The passport chip's signature, authenticity or validity does not check out",
    },
  });
}

/** One transaction on a tapped passport. */
export async function passportTransaction(o: {
  policy: Policy;
  signal: AbortSignal;
  hooks: ReadHooks;
  read: PassportRead;
  limiter: AccessRateLimit;
  now?: () => number;
}): Promise<ReadOutcome> {
  const { hooks, signal } = o;
  if (!hooks.onProgress({ step: 'detected', fraction: 0.1 })) return errorOutcome(ABORTED, 'passport');
  const now = o.now ?? (() => Date.now());
  let retry = false;
  for (;;) {
    const wait = o.limiter.waitMs(now());
    if (wait > 0) return errorOutcome(passportError('rate_limited', `${Math.ceil(wait / 1000)} s`), 'passport');
    const typed = await hooks.requestInput({
      kind: 'mrz',
      digits: MRZ_INFORMATION_LENGTH,
      retry,
      alternative: { kind: 'can', digits: CAN_LENGTH },
    });
    if (signal.aborted) return errorOutcome(ABORTED, 'passport');
    if (typed === null) return errorOutcome(HOST_MESSAGES.input_cancelled, 'passport');
    let access: PassportAccessKey;
    if (typed.length === CAN_LENGTH && /^[0-9]{6}$/.test(typed)) access = { kind: 'can', can: typed };
    else {
      // The screen checked the digits already; the host does again (fail closed on its own input).
      const k = mrzKeyFromInformation(typed);
      if (!k.ok) {
        retry = true;
        continue;
      }
      access = { kind: 'mrz', key: k.key };
    }
    hooks.onProgress({ step: 'reading', fraction: 0.5 });
    const r = await o.read(access);
    if (signal.aborted) return errorOutcome(ABORTED, 'passport');
    if ((r.errors[0]?.code as string | undefined) === 'access_denied') {
      o.limiter.record(now(), false);
      retry = true;
      continue;
    }
    if (r.card.access) o.limiter.record(now(), true);
    hooks.onProgress({ step: 'verifying', fraction: 0.9 });
    return passportOutcome(r, o.policy);
  }
}
