// The real My Number Card reader for the kiosk host: a thin adapter over the card engineer's PC/SC
// session (main/pcsc/read-session.ts -> core/card/read-card.ts). It waits for a card, asks staff
// for 照合番号B on the keypad (the Digital Agency's 対面確認アプリ does the same), reads and verifies
// offline against the trust directory, and hands back only the policy's attributes.
// PIN safety (tries-left before VERIFY, refusal at one try, no automatic retry) lives in core/card.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Policy } from '../../../core/policy/policy.ts';
import { CARD_ERRORS, type CardErrorCode } from '../../../core/card/codes.ts';
import { issuerKeyIdFromKey } from '../../../core/audit/audit-entry.ts';
import type { Attributes, ReaderStatus } from '../../../api/contract.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { PcscContext } from '../../pcsc/pcsc-reader.ts';
import { probePcscd } from '../../pcsc/pcscd-probe.ts';
import { readCardOverPcsc, type PcscReadResult } from '../../pcsc/read-session.ts';
import type { Unlock } from '../../../core/card/read-card.ts';
import type { TrustStore } from '../../../core/trust/trust-store.ts';
import { cachedTrustStore } from '../../trust/trust-dir-cache.ts';
import {
  ABORTED,
  errorOutcome,
  type CredentialReader,
  type ReadError,
  type ReadHooks,
  type ReadOutcome,
} from '../reader.ts';
import { decodedToPngDataUrl } from './png.ts';
import { cardVerdict, outcomeChecks } from './card-outcome.ts';
import { HOST_MESSAGES, NEXT } from '../messages.ts';

const CHECK_NUMBER_B_DIGITS = 14;
/** The card-face AP's birth-date key (age checks only): the 6-digit birth date in the card's form. */
const BIRTH_DATE_DIGITS = 6;
const RETRYABLE: readonly CardErrorCode[] = [
  'check_number_b_wrong',
  'check_number_b_format',
  'birth_date_wrong',
  'birth_date_format',
];

export function cardError(code: string, detail?: string): ReadError {
  const e = (CARD_ERRORS as Record<string, { ja: string; en: string; nextJa: string; nextEn: string }>)[code];
  if (!e)
    return {
      code,
      messageJa: 'カードを読み取れませんでした',
      messageEn: `The card could not be read${detail ? ` (${detail})` : ''}`,
      ...NEXT.callStaff,
    };
  return { code, messageJa: e.ja, messageEn: e.en, nextJa: e.nextJa, nextEn: e.nextEn };
}

const SEX: Record<string, string> = { male: '男', female: '女', not_applicable: '—' };

/** CardReadResult -> ReadOutcome: only the policy's attributes, photo as an in-memory PNG. */
export function toOutcome(r: PcscReadResult, policy: Policy, trust: TrustStore): ReadOutcome {
  const a: Attributes = {};
  const shows = new Set<string>(policy.shows);
  if (shows.has('age_over_20') && r.attributes.age_over_20 !== undefined) a.age_over_20 = r.attributes.age_over_20;
  if (shows.has('name') && r.attributes.name) a.name = r.attributes.name;
  if (shows.has('address') && r.attributes.address) a.address = r.attributes.address;
  if (shows.has('birth_date') && r.attributes.birth_date) a.birth_date = r.attributes.birth_date;
  if (shows.has('sex') && r.attributes.sex) a.sex = SEX[r.attributes.sex] ?? r.attributes.sex;
  const photo = shows.has('portrait') ? decodedToPngDataUrl(r.decodedPhoto) : undefined;
  // Issuer key id for the audit: SHA-256 of the J-LIS signer's RSA modulus (core/audit/audit-entry.ts).
  const signer = r.signerKeyIds.map((id) => trust.cardFaceKeys.get(id.toLowerCase())).find(Boolean);
  const credential: ReadOutcome['credential'] = {
    type: 'mynumber-card',
    ...(r.card.generation ? { docType: `jp.mynumber-card.${String(r.card.generation).toLowerCase()}` } : {}),
    ...(signer
      ? { issuerKeyId: issuerKeyIdFromKey((d) => createHash('sha256').update(d).digest(), signer.key.n) }
      : {}),
    engagement: 'card',
    transport: 'pcsc',
  };
  // The birth-date record carries no photo: staff compare the one printed on the card.
  const printed = r.requested.includes('card_face/EF0001') ? { holderHint: 'printed-photo' as const } : {};
  return cardVerdict({
    type: 'mynumber-card',
    verdict: r.verdict,
    checks: outcomeChecks(r.checks),
    // The read stopped (card pulled, reader gone, wrong 照合番号B, PIN safety).
    stopped: r.errors[0] && cardError(r.errors[0].code),
    shown: { attributes: a, ...(photo ? { photo } : {}), ...printed },
    shownWhenUnder: { attributes: a, ...(photo ? { photo } : {}) },
    credential,
    requested: r.requested,
    invalid: {
      code: 'card_invalid',
      messageJa: 'カードの署名を確認できません（偽造・改ざんの疑い）',
      messageEn: "The card's signatures do not verify (possible forgery)",
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one card read needs from the card path (the rest is the reader's: which context, which reader). */
export type CardRead = (o: {
  policy: Policy['name'];
  unlock: Unlock;
  trust: TrustStore;
  crypto: typeof nodeCrypto;
  at: Date;
}) => Promise<PcscReadResult>;

/**
 * One My Number Card transaction on a card already on the reader: claim it, ask staff for 照合番号B
 * (or, for age checks, the birth date) on the keypad, read through `read`, and hand back only the
 * policy's attributes. A mistyped number asks again (a person's action, never an automatic retry);
 * the card's own counter and core/card's PIN safety stop it before the card locks.
 */
export async function cardTransaction(o: {
  policy: Policy;
  signal: AbortSignal;
  hooks: ReadHooks;
  trustDir: string;
  read: CardRead;
}): Promise<ReadOutcome> {
  const { policy, signal, hooks } = o;
  if (!hooks.onProgress({ step: 'detected', fraction: 0.1 })) return errorOutcome(ABORTED, 'mynumber-card');
  let retry = false;
  let triesLeft: number | undefined;
  // Age checks may use the birth-date record instead (6 digits; no photo leaves the card): the
  // screen offers it beside 照合番号B and the length of what was typed says which one it is.
  const ageOnly = policy.name === 'age-over-20';
  let first: 'matching-b' | 'birth-date' = 'matching-b';
  for (;;) {
    // Staff read 照合番号B off the card face (birth date YYMMDD, expiry year, security code).
    const req =
      first === 'birth-date'
        ? { kind: 'birth-date' as const, digits: BIRTH_DATE_DIGITS }
        : { kind: 'matching-b' as const, digits: CHECK_NUMBER_B_DIGITS };
    const alt =
      first === 'birth-date'
        ? { kind: 'matching-b' as const, digits: CHECK_NUMBER_B_DIGITS }
        : { kind: 'birth-date' as const, digits: BIRTH_DATE_DIGITS };
    const digits = await hooks.requestInput({
      ...req,
      retry,
      ...(triesLeft !== undefined ? { triesLeft } : {}),
      ...(ageOnly ? { alternative: alt } : {}),
    });
    if (signal.aborted) return errorOutcome(ABORTED, 'mynumber-card');
    if (digits === null) return errorOutcome(HOST_MESSAGES.input_cancelled, 'mynumber-card');
    hooks.onProgress({ step: 'reading', fraction: 0.5 });
    const at = new Date();
    const trust = cachedTrustStore(o.trustDir, { crypto: nodeCrypto, now: at });
    const byBirthDate = ageOnly && digits.length === BIRTH_DATE_DIGITS;
    const r = await o.read({
      policy: policy.name,
      unlock: byBirthDate ? { kind: 'birth_date', digits } : { kind: 'check_number_b', digits },
      trust,
      crypto: nodeCrypto,
      at,
    });
    if (signal.aborted) return errorOutcome(ABORTED, 'mynumber-card');
    const err = r.errors[0];
    if (err && RETRYABLE.includes(err.code)) {
      retry = true;
      first = byBirthDate ? 'birth-date' : 'matching-b';
      if (err.triesLeft !== undefined) triesLeft = err.triesLeft;
      continue;
    }
    hooks.onProgress({ step: 'verifying', fraction: 0.9 });
    return toOutcome(r, policy, trust);
  }
}

export class PcscCardReader implements CredentialReader {
  readonly kind = 'card' as const;
  readonly source = 'real' as const;
  /** The card of the last transaction must leave the reader before the next one starts. */
  private mustRemove: string | null = null;
  /**
   * The context that watches readers between transactions. When pcscd goes away (killed, crashed,
   * restarted after a USB reader was yanked) it is dead for good (main/pcsc: serviceLost): it is
   * dropped and a new one opened once pcscd answers again, so the kiosk comes back by itself.
   */
  private ctx: PcscContext | null;
  private reviving: Promise<void> | null = null;
  private closed = false;
  constructor(
    ctx: PcscContext,
    readonly trustDir: string,
    readonly readerName?: string,
  ) {
    this.ctx = ctx;
  }

  status(): ReaderStatus {
    const ctx = this.ctx;
    const label = this.readerName ?? 'PC/SC';
    if (!ctx || ctx.serviceLost) {
      void this.revive();
      return { kind: 'card', source: 'real', label, state: 'unavailable', detail: 'PC/SC service (pcscd) stopped' };
    }
    const names = ctx.readers();
    const name = this.readerName ?? names[0];
    if (!name || !names.includes(name))
      return { kind: 'card', source: 'real', label, state: 'unplugged', detail: 'no reader' };
    return { kind: 'card', source: 'real', label: name, state: 'ready' };
  }

  /** Replace a dead context with a new one once pcscd answers (probed first: see pcscd-probe.ts). */
  private revive(): Promise<void> {
    if (this.closed || (this.ctx && !this.ctx.serviceLost)) return Promise.resolve();
    this.reviving ??= (async () => {
      const dead = this.ctx;
      this.ctx = null;
      await dead?.close().catch(() => undefined);
      if (!(await probePcscd(500)).ok) return;
      try {
        const ctx = await PcscContext.open();
        if (this.closed) await ctx.close();
        else this.ctx = ctx;
      } catch {
        /* pcscd went away again: the next call tries again */
      }
    })().finally(() => {
      this.reviving = null;
    });
    return this.reviving;
  }

  private async waitForCard(signal: AbortSignal): Promise<string | null> {
    while (!signal.aborted && this.mustRemove && this.ctx?.hasCard(this.mustRemove)) await sleep(100);
    this.mustRemove = null;
    while (!signal.aborted) {
      const ctx = this.ctx;
      if (!ctx || ctx.serviceLost) {
        await this.revive();
        if (!this.ctx) await sleep(500);
        continue;
      }
      const name = this.readerName ?? ctx.readers()[0];
      if (!name) {
        await sleep(300);
        continue;
      }
      try {
        await ctx.waitForCard(name, 1000);
        return name;
      } catch (e) {
        const code = (e as { code?: string }).code;
        // pcsc_service_stopped: the loop revives the context.
        if (code === 'reader_removed' || code === 'no_reader') await sleep(300);
      }
    }
    return null;
  }

  async start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    const reader = await this.waitForCard(signal);
    const ctx = this.ctx;
    if (!reader || !ctx) return errorOutcome(ABORTED, 'mynumber-card');
    return cardTransaction({
      policy,
      signal,
      hooks: {
        ...hooks,
        onProgress: (p) => {
          const claimed = hooks.onProgress(p);
          if (claimed && p.step === 'detected') this.mustRemove = reader;
          return claimed;
        },
      },
      trustDir: this.trustDir,
      read: (o) => readCardOverPcsc({ ...o, context: ctx, reader, waitMs: 2000 }),
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reviving;
    await this.ctx?.close();
    this.ctx = null;
  }
}

/** A card-only reader (tests and the pcscd-loss rig; the kiosk itself uses tap.ts): only if pcscd answers and a reader is attached. */
export async function detect(opts: {
  home: string;
  readerName?: string;
  trustDir?: string;
}): Promise<{ reader: CredentialReader | null; note: string }> {
  const probe = await probePcscd(800);
  if (!probe.ok) return { reader: null, note: `pcscd not reachable (${probe.reason})` };
  const ctx = await PcscContext.open();
  await new Promise((r) => setTimeout(r, 400)); // readers are announced asynchronously
  const names = ctx.readers();
  if (!names.length) {
    await ctx.close();
    return { reader: null, note: 'pcscd up, no reader attached' };
  }
  return {
    reader: new PcscCardReader(ctx, opts.trustDir ?? join(opts.home, 'trust'), opts.readerName),
    note: `PC/SC reader ${opts.readerName ?? names[0]}`,
  };
}
