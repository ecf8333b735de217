// The kiosk side of a driving licence or residence card transaction: ask for the right secret on
// the screen (PIN 1 and, where the policy shows the photo, PIN 2; the licence PIN of a マイナ免許証;
// or the 12-character card number on a keyboard with letters), read through `read` (PC/SC, or the training simulator in memory),
// and hand the host only the policy's attributes and images as in-memory data: URLs.
//
// The card number has no retry counter we know of, so wrong numbers are rate-limited here
// (core/residence-card/rate-limit.ts) and every new try is a person's action. A wrong licence PIN
// is never retried automatically: the licence counts 3 tries and only a police station unblocks it.
import type { Policy } from '../../../core/policy/policy.ts';
import type { DocumentReadResult } from '../../../core/document/result.ts';
import type { LicenceSecrets } from '../../../core/licence/read-licence.ts';
import { CardNumberLimiter } from '../../../core/residence-card/rate-limit.ts';
import type { Attributes } from '../../../api/contract.ts';
import type { DecodedImage } from '../../pcsc/read-document.ts';
import { ABORTED, errorOutcome, type ReadHooks, type ReadOutcome } from '../reader.ts';
import { cardError } from './card.ts';
import { HOST_MESSAGES } from '../messages.ts';
import { decodedToPngDataUrl } from './png.ts';
import { cardVerdict, outcomeChecks } from './card-outcome.ts';

export type DocumentRead = (
  secrets: LicenceSecrets & { cardNumber?: string },
) => Promise<DocumentReadResult & { decoded: Partial<Record<keyof DocumentReadResult['images'], DecodedImage>> }>;

const SEX: Record<string, string> = { male: '男', female: '女', not_applicable: '—' };
const WORK: Record<string, string> = {
  none: '就労制限なし',
  'status-based': '在留資格に基づく就労活動のみ可',
  designated: '指定書により指定された就労活動のみ可',
  'not-permitted': '就労不可',
};

function periodText(p: { duration: string; until: string | null }): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(p.duration);
  const d =
    p.duration === 'indefinite'
      ? '無期限'
      : m
        ? `${m[1] ? `${m[1]}年` : ''}${m[2] && m[2] !== '0' ? `${m[2]}月` : ''}${m[3] ? `${m[3]}日` : ''}`
        : p.duration;
  return p.until ? `${d}（${p.until}まで）` : d;
}

/** DocumentReadResult -> ReadOutcome: display strings, images as PNG data: URLs. */
export function documentOutcome(
  r: DocumentReadResult & { decoded: Partial<Record<keyof DocumentReadResult['images'], DecodedImage>> },
  policy: Policy,
): ReadOutcome {
  const a: Attributes = {};
  const src = r.attributes;
  if (src.age_over_20 !== undefined) a.age_over_20 = src.age_over_20;
  if (typeof src.name === 'string') a.name = src.name;
  if (typeof src.address === 'string') a.address = src.address;
  if (src.birth_date) a.birth_date = src.birth_date;
  if (src.sex) a.sex = SEX[src.sex] ?? src.sex;
  if (src.document_number) a.document_number = src.document_number;
  if (src.expiry_date) a.expiry_date = src.expiry_date;
  if (src.nationality) a.nationality = src.nationality;
  if (src.status_of_residence) a.status_of_residence = src.status_of_residence;
  if (src.period_of_stay) a.period_of_stay = periodText(src.period_of_stay);
  if (src.work_restriction) a.work_restriction = WORK[src.work_restriction] ?? src.work_restriction;
  if (src.address_changes?.length)
    a.address_changes = src.address_changes.map((c) => `${c.date ?? '—'} ${c.text}`).join(' / ');
  if (src.name_has_gaiji || src.address_has_gaiji) a.gaiji = true;
  if (r.undecoded?.length && r.verdict !== 'invalid')
    a.undecoded = r.undecoded.map((o) => `${o.tag} (${o.length} B)`).join(', ');
  const photo = policy.shows.includes('portrait') ? decodedToPngDataUrl(r.decoded.photo) : undefined;
  const images: NonNullable<ReadOutcome['images']> = {};
  const front = decodedToPngDataUrl(r.decoded.front_image);
  const name = decodedToPngDataUrl(r.decoded.name_image);
  const address = decodedToPngDataUrl(r.decoded.address_image);
  if (front) images.front = front;
  if (name) images.name = name;
  if (address) images.address = address;
  const credential: ReadOutcome['credential'] = {
    type: r.card.type,
    // jp.driving-licence.gen1, jp.residence-card.gen2, jp.driving-licence.mynumber-card (マイナ免許証)
    docType: `jp.${r.card.type}${typeof r.card.generation === 'number' ? `.gen${r.card.generation}` : r.card.generation ? `.${r.card.generation}` : ''}`,
    ...(r.signerKeyIds[0] && /^[0-9a-f]{64}$/.test(r.signerKeyIds[0]) ? { issuerKeyId: r.signerKeyIds[0] } : {}),
    engagement: 'card',
    transport: 'pcsc',
  };
  return cardVerdict({
    type: r.card.type,
    verdict: r.verdict,
    checks: outcomeChecks(r.checks),
    stopped: r.errors[0] && cardError(r.errors[0].code),
    shown: { attributes: a, ...(photo ? { photo } : {}), ...(Object.keys(images).length ? { images } : {}) },
    shownWhenUnder: { attributes: { age_over_20: false } },
    credential,
    requested: r.requested,
    unverified: {
      staffConfirm: r.staffConfirm,
      nextJa: '写真と券面をご本人と見比べてください',
      nextEn: 'Compare the photo and the card with the person',
    },
    invalid: {
      code: 'card_invalid',
      messageJa: 'カードの署名または有効期限を確認できません',
      messageEn: "The card's signature or validity does not check out",
    },
  });
}

/** One transaction on a tapped licence, residence card, or the licence AP of a マイナ免許証. */
export async function documentTransaction(o: {
  kind: 'driving-licence' | 'residence-card' | 'myna-licence';
  policy: Policy;
  signal: AbortSignal;
  hooks: ReadHooks;
  read: DocumentRead;
  limiter: CardNumberLimiter;
  now?: () => number;
}): Promise<ReadOutcome> {
  const { hooks, signal } = o;
  const type = o.kind === 'myna-licence' ? 'driving-licence' : o.kind;
  if (!hooks.onProgress({ step: 'detected', fraction: 0.1 })) return errorOutcome(ABORTED, type);
  const now = o.now ?? (() => Date.now());
  let retry = false;
  for (;;) {
    const secrets: LicenceSecrets & { cardNumber?: string } = {};
    if (o.kind === 'residence-card') {
      const wait = o.limiter.waitMs(now());
      if (wait > 0)
        return errorOutcome(
          {
            ...cardError('card_number_rate_limited'),
            messageEn: `${cardError('card_number_rate_limited').messageEn} (${Math.ceil(wait / 1000)} s)`,
          },
          type,
        );
      const n = await hooks.requestInput({ kind: 'card-number', digits: 12, retry });
      if (signal.aborted) return errorOutcome(ABORTED, type);
      if (n === null) return errorOutcome(HOST_MESSAGES.input_cancelled, type);
      secrets.cardNumber = n;
    } else if (o.kind === 'myna-licence') {
      // One PIN (the licence AP's); its tries are read from the card before it is sent.
      const p = await hooks.requestInput({ kind: 'myna-licence-pin', digits: 4, retry: false });
      if (signal.aborted) return errorOutcome(ABORTED, type);
      if (p === null) return errorOutcome(HOST_MESSAGES.input_cancelled, type);
      secrets.pin1 = p;
    } else {
      const p1 = await hooks.requestInput({ kind: 'licence-pin1', digits: 4, retry: false });
      if (signal.aborted) return errorOutcome(ABORTED, type);
      if (p1 === null) return errorOutcome(HOST_MESSAGES.input_cancelled, type);
      secrets.pin1 = p1;
      // PIN 2 opens the photo (and lets the signature be checked); age-over-20 asks PIN 1 only.
      if (o.policy.name !== 'age-over-20') {
        const p2 = await hooks.requestInput({ kind: 'licence-pin2', digits: 4, retry: false });
        if (signal.aborted) return errorOutcome(ABORTED, type);
        if (p2 === null) return errorOutcome(HOST_MESSAGES.input_cancelled, type);
        secrets.pin2 = p2;
      }
    }
    hooks.onProgress({ step: 'reading', fraction: 0.5 });
    const r = await o.read(secrets);
    if (signal.aborted) return errorOutcome(ABORTED, type);
    const first = r.errors[0];
    if (first?.code === 'card_number_wrong' || first?.code === 'card_number_format') {
      o.limiter.wrong(now());
      retry = true;
      continue;
    }
    // A wrong licence PIN ends the transaction: with fewer than 3 tries left the kiosk refuses to
    // send another (core/licence/read-licence.ts), so asking again could only mislead.
    if (o.kind === 'residence-card' && !first) o.limiter.right();
    hooks.onProgress({ step: 'verifying', fraction: 0.9 });
    return documentOutcome(r, o.policy);
  }
}
