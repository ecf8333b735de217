// Who may open the staff area, and how the staff PIN gets set. Shared by the API (the kiosk screen)
// and `kakunin setup` (the console), so both obey the same rules:
// - a kiosk without a usable PIN opens nothing: the first-run screen needs the one-time setup code
//   the host printed on its console (main/host/setup-code.ts), or someone runs `kakunin setup`;
// - a PIN is 6 to 12 digits and not an obvious one (main/host/staff-pin.ts pinWeakness);
// - every PIN or setup-code attempt goes through the persisted lockout (main/host/staff-lockout.ts);
// - wrong answers, lockouts, unlocks and PIN changes are written to the audit log.
import { STAFF_PIN_RE, type StaffStatus } from '../../api/contract.ts';
import { ApiFailure } from './api-failure.ts';
import type { AuditEventFields, AuditEventKind } from '../../core/audit/audit-event.ts';
import { SetupCode } from './setup-code.ts';
import { StaffLockout, FREE_TRIES } from './staff-lockout.ts';
import {
  checkStaffPin,
  hashStaffPin,
  pinWeakness,
  readStaffPin,
  STAFF_PIN_KDF,
  writeStaffPin,
  type KdfParams,
  type StaffPinState,
} from './staff-pin.ts';
import { errorText } from '../../core/errors.ts';

export interface StaffAuthOptions {
  home: string;
  /** scrypt cost for new PINs, and the least a stored one may have (tests lower it). */
  kdf?: KdfParams;
  /** The audit log's event call (AuditSink.event): staff events, never a PIN or a code. */
  audit?: <K extends StaffEventKind>(kind: K, fields: AuditEventFields<K>) => Promise<void> | void;
  now?: () => Date;
}

const WEAK = {
  en: 'This PIN is too easy to guess (one digit repeated, a run such as 123456, or a repeated block such as 121212): choose another',
  ja: '推測されやすいPINです（同じ数字の繰り返し、123456 のような連番、121212 のような繰り返し）。別のPINにしてください',
};

function waitText(s: number): { en: string; ja: string } {
  if (s <= 90) return { en: `${s} s`, ja: `${s}秒` };
  const m = Math.ceil(s / 60);
  return { en: `${m} min`, ja: `${m}分` };
}

export function lockoutFailure(waitSeconds: number): ApiFailure {
  const w = waitText(waitSeconds);
  return new ApiFailure(
    'staff_lockout',
    `Too many wrong entries: the staff area is locked, try again in ${w.en}`,
    `誤りが多すぎるため、スタッフ画面をロックしました。${w.ja}後にお試しください`,
  );
}

type StaffEventKind = Extract<
  AuditEventKind,
  | 'staff_unlocked'
  | 'staff_pin_failed'
  | 'staff_setup_code_failed'
  | 'staff_lockout'
  | 'staff_pin_set'
  | 'staff_pin_changed'
>;

export class StaffAuth {
  readonly lockout: StaffLockout;
  private readonly code = new SetupCode();
  private checking = false;
  private readonly kdf: KdfParams;

  constructor(private o: StaffAuthOptions) {
    this.kdf = o.kdf ?? STAFF_PIN_KDF;
    this.lockout = new StaffLockout(o.home, () => this.now().getTime());
  }

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  pinState(): StaffPinState {
    return readStaffPin(this.o.home, this.kdf);
  }

  status(unlocked: boolean): StaffStatus {
    const st = this.pinState();
    return {
      unlocked: unlocked && st.state === 'set',
      staffPinSet: st.state === 'set',
      setupRequired: st.state !== 'set',
      setupReason: st.state === 'set' ? null : st.state,
      setupCodeIssued: this.code.issued,
      lockedOutSeconds: this.lockout.lockedSeconds(),
    };
  }

  /**
   * A fresh one-time setup code while no usable PIN is set (null otherwise). The caller prints it
   * on the host's console; it is never part of any API answer.
   */
  issueSetupCode(): string | null {
    return this.pinState().state === 'set' ? null : this.code.issue();
  }

  private async event<K extends StaffEventKind>(kind: K, fields: AuditEventFields<K>): Promise<void> {
    try {
      await this.o.audit?.(kind, fields);
    } catch (err) {
      // The lockout (on disk already) is the guard; a full or broken audit store must not open it.
      console.error(`kakunin: staff event ${kind} not audited: ${errorText(err)}`);
    }
  }

  /**
   * One guarded attempt: refused while locked; counted as wrong before `check` runs; cleared when
   * it passes. One check at a time (a second caller waits its turn as a refusal, not a free try).
   */
  private async attempt(
    wrong: 'staff_pin_failed' | 'staff_setup_code_failed',
    check: () => Promise<boolean> | boolean,
  ): Promise<void> {
    if (this.checking)
      throw new ApiFailure(
        'staff_busy',
        'A PIN is being checked: try again in a moment',
        'PINを確認中です。少し待ってからお試しください',
      );
    const a = this.lockout.begin();
    if (!a.ok) throw lockoutFailure(a.waitSeconds);
    this.checking = true;
    let ok: boolean;
    try {
      ok = await check();
    } finally {
      this.checking = false;
    }
    if (ok) {
      this.lockout.succeed();
      return;
    }
    await this.event(wrong, {});
    if (a.lockSeconds > 0) {
      await this.event('staff_lockout', { seconds: a.lockSeconds });
      throw lockoutFailure(a.lockSeconds);
    }
    const left = FREE_TRIES + 1 - a.failures;
    if (wrong === 'staff_setup_code_failed')
      throw new ApiFailure(
        'setup_code_wrong',
        `Wrong setup code (${left} more before the screen locks)`,
        `セットアップコードが違います（あと${left}回でロックします）`,
      );
    throw new ApiFailure(
      'staff_pin_wrong',
      `Wrong staff PIN (${left} more before the staff area locks)`,
      `スタッフPINが違います（あと${left}回でロックします）`,
    );
  }

  private requireSet(): Extract<StaffPinState, { state: 'set' }> {
    const st = this.pinState();
    if (st.state !== 'set') {
      throw new ApiFailure(
        'staff_setup_required',
        'No staff PIN is set on this kiosk: enter the setup code printed on its console, or run `npx kakunin setup`',
        'スタッフPINが設定されていません。本体のコンソールに表示されたセットアップコードを入力するか、npx kakunin setup を実行してください',
      );
    }
    return st;
  }

  private refuseWeak(pin: string): void {
    if (!STAFF_PIN_RE.test(pin))
      throw new ApiFailure(
        'staff_pin_format',
        'The staff PIN must be 6 to 12 digits',
        'スタッフPINは6〜12桁の数字にしてください',
      );
    if (pinWeakness(pin)) throw new ApiFailure('staff_pin_weak', WEAK.en, WEAK.ja);
  }

  async unlock(pin: string): Promise<void> {
    const st = this.requireSet();
    await this.attempt('staff_pin_failed', () => checkStaffPin(pin, st.record));
    await this.event('staff_unlocked', {});
  }

  /** First-run screen: the console's setup code and the new PIN. The code is spent on success. */
  async setup(setupCode: string, pin: string): Promise<void> {
    if (this.pinState().state === 'set')
      throw new ApiFailure(
        'staff_pin_already_set',
        'A staff PIN is already set: unlock with it',
        'スタッフPINは設定済みです。そのPINでロックを解除してください',
      );
    this.refuseWeak(pin);
    if (!this.code.issued) {
      throw new ApiFailure(
        'setup_code_not_issued',
        'No setup code is active: restart the kiosk and read the new code on its console, or run `npx kakunin setup`',
        '有効なセットアップコードがありません。本体を再起動してコンソールの新しいコードを使うか、npx kakunin setup を実行してください',
      );
    }
    await this.attempt('staff_setup_code_failed', () => this.code.matches(setupCode));
    writeStaffPin(this.o.home, await hashStaffPin(pin, 'screen', this.now(), this.kdf));
    this.code.spend();
    await this.event('staff_pin_set', {});
  }

  async changePin(currentPin: string, newPin: string): Promise<void> {
    const st = this.requireSet();
    this.refuseWeak(newPin);
    await this.attempt('staff_pin_failed', () => checkStaffPin(currentPin, st.record));
    writeStaffPin(this.o.home, await hashStaffPin(newPin, 'screen', this.now(), this.kdf));
    await this.event('staff_pin_changed', {});
  }

  /**
   * `kakunin setup` at the kiosk's console: whoever has the console is trusted to set the PIN (the
   * same account owns the files). Replacing an existing PIN needs `reset` and clears the lockout.
   */
  async setFromConsole(pin: string, reset: boolean): Promise<'set' | 'replaced'> {
    this.refuseWeak(pin);
    const before = this.pinState().state;
    if (before === 'set' && !reset)
      throw new ApiFailure(
        'staff_pin_already_set',
        'A staff PIN is already set (use --reset to replace it)',
        'スタッフPINは設定済みです（置き換えるには --reset）',
      );
    writeStaffPin(this.o.home, await hashStaffPin(pin, 'cli', this.now(), this.kdf));
    this.lockout.reset();
    await this.event(before === 'set' ? 'staff_pin_changed' : 'staff_pin_set', {});
    return before === 'set' ? 'replaced' : 'set';
  }
}
