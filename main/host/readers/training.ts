// TRAINING SIMULATOR. Not a reader: an in-memory stand-in that lets staff practise and lets the
// screens be tested without a card or phone. Everything it returns is fictional sample data
// (「見本」), and any kiosk using it shows 訓練モード / TRAINING on every screen (api Snapshot.training).
// Production start-up never selects it (main/host/devices.ts); the API refuses trainingPresent
// when real readers are in use.
import type { Check } from '../../../core/check.ts';
import type { Attribute, Policy } from '../../../core/policy/policy.ts';
import type { Attributes, ReaderKind, ReaderStatus, TrainingScenario } from '../../../api/contract.ts';
import {
  ABORTED,
  errorOutcome,
  type CredentialReader,
  type ReaderProbe,
  type ReadError,
  type ReadHooks,
  type ReadOutcome,
} from '../reader.ts';
import { isDocumentScenario, trainingDocument } from './training-documents.ts';
import { SAMPLE_CARD_CHECKS } from '../../../sim/card/sample-checks.ts';
import { HOST_MESSAGES, NEXT } from '../messages.ts';

interface SampleHolder {
  name: string;
  address: string;
  birthDate: string; // YYYY-MM-DD
  sex: string;
}

const ADULT: SampleHolder = {
  name: '見本 花子',
  address: '東京都千代田区霞が関一丁目1番1号（見本）',
  birthDate: '1990-04-01',
  sex: '女',
};
const MINOR: SampleHolder = {
  name: '見本 太郎',
  address: '大阪府大阪市北区中之島一丁目3番20号（見本）',
  birthDate: '2010-05-05',
  sex: '男',
};

/** Correct entries for the training card (printed on the training sheet). */
export const TRAINING_PIN = '1234';
export const TRAINING_MATCHING_B = '55021720352285';

export function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--;
  return age;
}

/** A drawn silhouette marked 見本/SAMPLE: never a real face. */
function samplePhoto(label: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400" viewBox="0 0 300 400">` +
    `<rect width="300" height="400" fill="#dfe4ea"/>` +
    `<circle cx="150" cy="150" r="80" fill="#8a96a3"/>` +
    `<path d="M30 400 C40 280 260 280 270 400 Z" fill="#8a96a3"/>` +
    `<text x="150" y="380" font-size="44" text-anchor="middle" fill="#c0392b" font-family="sans-serif" font-weight="bold">${label}</text>` +
    `</svg>`;
  return 'data:image/svg+xml;base64,' + Buffer.from(svg, 'utf8').toString('base64');
}

function holderAttributes(h: SampleHolder, policy: Policy, now: Date): { attributes: Attributes; photo?: string } {
  const a: Attributes = {};
  let photo: string | undefined;
  for (const s of policy.shows as readonly Attribute[]) {
    switch (s) {
      case 'age_over_20':
        a.age_over_20 = ageOn(h.birthDate, now) >= 20;
        break;
      case 'name':
        a.name = h.name;
        break;
      case 'address':
        a.address = h.address;
        break;
      case 'birth_date':
        a.birth_date = h.birthDate;
        break;
      case 'sex':
        a.sex = h.sex;
        break;
      case 'portrait':
        photo = samplePhoto('見本 SAMPLE');
        break;
      default: {
        const never: never = s;
        throw new Error(`unknown attribute ${String(never)}`);
      }
    }
  }
  return photo ? { attributes: a, photo } : { attributes: a };
}

export const TRAINING_ERRORS = {
  card_removed: {
    code: 'card_removed',
    messageJa: '読み取り中にカードが離れました',
    messageEn: 'The card was removed during reading',
    nextJa: 'カードをリーダーの上に置いたまま、もう一度かざしてください',
    nextEn: 'Place the card on the reader again and keep it still until the result appears',
  },
  reader_unplugged: {
    code: 'reader_unplugged',
    messageJa: 'カードリーダーが見つかりません',
    messageEn: 'The card reader is not connected',
    nextJa: 'スタッフを呼んでください（リーダーのUSBケーブルを確認）',
    nextEn: "Call staff (check the reader's USB cable)",
  },
  ble_disconnected: {
    code: 'ble_disconnected',
    messageJa: 'スマートフォンとの接続が切れました',
    messageEn: 'The connection to the phone was lost',
    nextJa: 'スマートフォンをリーダーの近くに保ったまま、もう一度お試しください',
    nextEn: 'Keep the phone near the reader and try again',
  },
  pin_one_try_left: {
    code: 'pin_one_try_left',
    messageJa: 'PINの残り回数が1回のため、入力を受け付けません',
    messageEn: 'Only one PIN try is left, so the kiosk will not send a PIN',
    nextJa: 'お住まいの市区町村の窓口でPINを再設定してください。カードを守るための措置です',
    nextEn: 'Reset the PIN at your municipal office. This protects your card from being locked',
  },
  input_cancelled: HOST_MESSAGES.input_cancelled,
} satisfies Record<string, ReadError>;

const INVALID_REASONS: Record<string, ReadError> = {
  age_over_20: HOST_MESSAGES.age_over_20_false,
  signature: {
    code: 'issuer_signature_invalid',
    messageJa: '発行者の署名を確認できません（改ざんの疑い）',
    messageEn: 'The issuer signature does not verify (possible tampering)',
    ...NEXT.checkAnother,
  },
  expired: {
    code: 'mso_expired',
    messageJa: '有効期限切れの証明書です',
    messageEn: 'The credential has expired',
    nextJa: 'ウォレットで証明書を更新してから、もう一度お試しください',
    nextEn: 'Update the credential in the wallet and try again',
  },
};

type Presented = { scenario: TrainingScenario; presentedAt: number };

/** Shared between the training card and phone readers: the training panel presents one thing at a time. */
export class TrainingController {
  private waiters = new Map<ReaderKind, (p: Presented) => void>();
  unplugged = false;
  /**
   * When set, phone scenarios go to the virtual wallet on the simulated radio and are read by the
   * REAL phone reader (main/host/readers/simulated-phone.ts) instead of this in-memory stand-in.
   */
  phone: { present(s: TrainingScenario): boolean } | null = null;
  constructor(
    /** Delay between simulated steps; 0 for the headless demo. */
    readonly stepMs = 350,
    readonly now: () => Date = () => new Date(),
  ) {}

  static kindOf(s: TrainingScenario): ReaderKind {
    return s.startsWith('phone') ? 'mdoc' : 'card';
  }

  /** Returns false when no reader of that kind is armed (e.g. mid-transaction). */
  present(scenario: TrainingScenario): boolean {
    const kind = TrainingController.kindOf(scenario);
    if (kind === 'mdoc' && this.phone) return this.phone.present(scenario);
    const w = this.waiters.get(kind);
    if (!w) return false;
    this.waiters.delete(kind);
    w({ scenario, presentedAt: Date.now() });
    return true;
  }

  wait(kind: ReaderKind, signal: AbortSignal): Promise<Presented | null> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(null);
      const onAbort = () => {
        if (this.waiters.get(kind) === done) this.waiters.delete(kind);
        resolve(null);
      };
      const done = (p: Presented) => {
        signal.removeEventListener('abort', onAbort);
        resolve(p);
      };
      this.waiters.set(kind, done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  sleep(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, this.stepMs);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

const CHECKS_OK_MDOC = [
  'session_established',
  'mso_signature',
  'iaca_chain',
  'doc_type',
  'mso_validity',
  'device_auth',
  'value_digests',
];

function passing(codes: string[]): Check[] {
  return codes.map((code) => ({ code, ok: true }));
}

export class TrainingReader implements CredentialReader {
  readonly source = 'training' as const;
  constructor(
    readonly kind: ReaderKind,
    private ctl: TrainingController,
  ) {}

  /** Training: any well-formed QR text presents the adult sample phone (scanner practice). */
  acceptEngagement(text: string): boolean {
    return this.kind === 'mdoc' && /^mdoc:[A-Za-z0-9_-]+={0,2}$/.test(text) && this.ctl.present('phone-ok');
  }

  status(): ReaderStatus {
    const label = this.kind === 'card' ? '訓練用カードリーダー (simulator)' : '訓練用スマートフォン読取 (simulator)';
    if (this.kind === 'card' && this.ctl.unplugged)
      return { kind: this.kind, source: 'training', label, state: 'unplugged' };
    return { kind: this.kind, source: 'training', label, state: 'ready' };
  }

  /** Reader test: a training presentation of this kind is "seen"; its scenario is not played. */
  async probe(signal: AbortSignal): Promise<ReaderProbe | null> {
    const p = await this.ctl.wait(this.kind, signal);
    if (!p) return null;
    return this.kind === 'card'
      ? {
          credential: 'card',
          how: 'training',
          detailJa: '訓練用カード（シミュレーター）',
          detailEn: 'training card (simulator)',
        }
      : {
          credential: 'phone',
          how: 'training',
          detailJa: '訓練用スマートフォン（シミュレーター）',
          detailEn: 'training phone (simulator)',
        };
  }

  facts(): { key: string; value: string }[] {
    return [{ key: 'device', value: 'simulator (training): no hardware is used' }];
  }

  async start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    const p = await this.ctl.wait(this.kind, signal);
    if (!p) return errorOutcome(ABORTED);
    const type = this.kind === 'card' ? 'mynumber-card' : 'mdoc';
    const credential: ReadOutcome['credential'] =
      // No issuer key id: simulated credentials have no issuer (the audit row says training).
      this.kind === 'card'
        ? { type, docType: 'jp.mynumber-card.gen1', engagement: 'card', transport: 'pcsc' }
        : { type, docType: 'org.iso.18013.5.1.mDL', engagement: 'qr', transport: 'ble-central' };
    const requested = policy.shows.map((s) => (this.kind === 'card' ? `card:${s}` : `org.iso.18013.5.1:${s}`));
    const step = async (s: 'detected' | 'engaged' | 'reading' | 'verifying', fraction: number) => {
      if (!hooks.onProgress({ step: s, fraction })) return false;
      return this.ctl.sleep(signal);
    };
    const aborted = () => ({ ...errorOutcome(ABORTED, type), credential, requested });
    const fail = (e: ReadError, checks: Check[] = []) => ({ ...errorOutcome(e, type, checks), credential, requested });
    const invalid = (
      reason: ReadError,
      checks: Check[],
      attrs: { attributes: Attributes; photo?: string } = { attributes: {} },
    ): ReadOutcome => ({
      verdict: 'invalid',
      ...attrs,
      checks,
      error: reason,
      credential,
      requested,
    });

    if (isDocumentScenario(p.scenario)) return trainingDocument(p.scenario, policy, signal, hooks);
    if (!(await step('detected', 0.1))) return aborted();
    const sc = p.scenario;
    let printedPhoto = false;
    if (sc === 'reader-unplugged') {
      this.ctl.unplugged = true;
      return fail(TRAINING_ERRORS.reader_unplugged);
    }
    this.ctl.unplugged = false;
    if (!(await step('engaged', 0.3))) return aborted();

    if (sc === 'card-pin' || sc === 'card-matching-b') {
      const kind = sc === 'card-pin' ? 'pin' : 'matching-b';
      const want = kind === 'pin' ? TRAINING_PIN : TRAINING_MATCHING_B;
      let tries = kind === 'pin' ? 3 : 10;
      let retry = false;
      // Age checks offer the card's birth-date record too: its key is 照合番号B's first six digits.
      const birthDate = kind === 'matching-b' && policy.name === 'age-over-20' ? want.slice(0, 6) : null;
      for (;;) {
        // Spec "PIN safety": read tries-left first and refuse when only one is left.
        if (tries <= 1)
          return fail(TRAINING_ERRORS.pin_one_try_left, [
            { code: 'pin_tries_left', ok: false, detail: `${tries} left` },
          ]);
        const digits = await hooks.requestInput({
          kind,
          digits: want.length,
          triesLeft: tries,
          retry,
          ...(birthDate ? { alternative: { kind: 'birth-date' as const, digits: 6 } } : {}),
        });
        if (signal.aborted) return aborted();
        if (digits === null) return fail(TRAINING_ERRORS.input_cancelled);
        if (digits === want) break;
        if (birthDate && digits === birthDate) {
          printedPhoto = true;
          break;
        }
        tries--;
        retry = true;
      }
    }

    if (!(await step('reading', 0.6))) return aborted();
    if (sc === 'card-pulled') return fail(TRAINING_ERRORS.card_removed);
    if (sc === 'phone-walked-away') return fail(TRAINING_ERRORS.ble_disconnected);
    if (!(await step('verifying', 0.9))) return aborted();

    const okCodes = this.kind === 'card' ? SAMPLE_CARD_CHECKS : CHECKS_OK_MDOC;
    const now = this.ctl.now();
    switch (sc) {
      case 'card-tampered':
        return invalid(
          INVALID_REASONS.signature!,
          okCodes.map((code) => ({ code, ok: code !== 'ef0003_signature' })),
        );
      case 'phone-expired':
        return invalid(
          INVALID_REASONS.expired!,
          okCodes.map((code) => ({ code, ok: code !== 'mso_validity' })),
        );
      case 'phone-tampered':
        return invalid(
          { ...INVALID_REASONS.signature!, code: 'digest_mismatch' },
          okCodes.map((code) => ({ code, ok: code !== 'value_digests' })),
        );
      case 'card-underage':
      case 'card-ok':
      case 'card-pin':
      case 'card-matching-b':
      case 'phone-ok': {
        const holder = sc === 'card-underage' ? MINOR : ADULT;
        const shown = holderAttributes(holder, policy, now);
        const checks = passing(okCodes);
        if (policy.shows.includes('age_over_20')) {
          const over = shown.attributes.age_over_20 === true;
          checks.push({ code: 'policy_age_over_20', ok: over });
          if (!over) return invalid(INVALID_REASONS.age_over_20!, checks, shown);
        }
        // The birth-date record has no photo: staff compare the one printed on the card.
        if (printedPhoto)
          return {
            verdict: 'valid',
            attributes: shown.attributes,
            holderHint: 'printed-photo',
            checks,
            credential,
            requested,
          };
        return { verdict: 'valid', ...shown, checks, credential, requested };
      }
      default:
        return fail({
          code: 'training_scenario_unknown',
          messageJa: '不明な訓練シナリオ',
          messageEn: `Unknown training scenario ${sc}`,
          ...NEXT.callStaff,
        });
    }
  }
}

export function trainingReaders(ctl: TrainingController): TrainingReader[] {
  return [new TrainingReader('card', ctl), new TrainingReader('mdoc', ctl)];
}
