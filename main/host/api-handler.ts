// One API session per connected screen (an Electron window or a WebSocket client). Every call is
// parsed with the contract's zod schema before it reaches the host, and every answer is shaped
// `{ok, value} | {ok, error}`. Staff methods need this session to be unlocked with the staff PIN;
// the check lives here, in the host, never in the renderer.
import { ZodError } from 'zod';
import { Methods, apiError, type ApiResult, type MethodName, type Params, type Value } from '../api/contract.ts';
import { SETTING_NAMES } from '../../core/audit/audit-event.ts';
import { MIN_RETENTION_DAYS } from '../../core/audit/retention-rules.ts';
import type { AuditSink } from './audit-sink.ts';
import type { KioskHost } from './kiosk-host.ts';
import type { Settings } from './settings.ts';
import { auditPage, exportChunk } from './audit-view.ts';
import { dashboard } from './dashboard.ts';
import { diagnostics } from './diagnostics.ts';
import type { StaffAuth } from './staff-auth.ts';
import type { TrustService } from './trust.ts';
import { errorText } from '../../core/errors.ts';

export interface HostServices {
  host: KioskHost;
  trust: TrustService;
  /** Staff PIN, first-run set-up and the persisted lockout, shared by every session. */
  staff: StaffAuth;
}

/** Idle staff sessions lock themselves after this long. */
export const STAFF_SESSION_MS = 5 * 60_000;

const STAFF_METHODS: ReadonlySet<MethodName> = new Set([
  'staffGetSettings', 'staffUpdateSettings', 'staffChangePin', 'staffTrustStatus', 'staffTrustImport',
  'staffAuditView', 'staffAuditExport', 'staffDashboard', 'staffReaderTest', 'staffDiagnostics',
]);

/** The kiosk's local offset east of UTC, in minutes (its wall clock is the store's). */
function localOffsetMinutes(at: Date): number {
  return -at.getTimezoneOffset();
}

export class ApiSession {
  private staffUntil = 0;
  constructor(private svc: HostServices) {}

  get staffUnlocked(): boolean {
    return Date.now() < this.staffUntil;
  }

  /** Entry point for both transports: untrusted method name and params in, a result out. */
  async handle(method: string, rawParams: unknown): Promise<ApiResult<unknown>> {
    if (!Object.hasOwn(Methods, method)) return { ok: false, error: apiError('unknown_method', `Unknown method ${method.slice(0, 40)}`, '不明な操作です') };
    const m = method as MethodName;
    const parsed = Methods[m].params.safeParse(rawParams ?? {});
    if (!parsed.success) return { ok: false, error: apiError('bad_params', (parsed.error as ZodError).issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), '入力が正しくありません') };
    if (STAFF_METHODS.has(m)) {
      if (!this.staffUnlocked) return { ok: false, error: apiError('staff_locked', 'The staff area is locked: enter the staff PIN', 'スタッフ画面はロックされています。スタッフPINを入力してください') };
      this.staffUntil = Date.now() + STAFF_SESSION_MS;
    }
    try {
      const value = await this.dispatch(m, parsed.data as never);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof ApiFailure) return { ok: false, error: e.error };
      return { ok: false, error: apiError('internal', errorText(e), '内部エラーが発生しました。スタッフを呼んでください') };
    }
  }

  private async dispatch<M extends MethodName>(m: M, p: Params<M>): Promise<Value<M>> {
    const { host } = this.svc;
    const settings = host.opts.settings;
    const audit = host.opts.audit;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- until the handler table is typed per method
    const q = p as Record<string, any>; // narrowed per case below; already zod-parsed
    switch (m as MethodName) {
      case 'getSnapshot':
        return host.snapshot() as Value<M>;
      case 'setLang':
        await host.setLang(q.lang);
        return null as Value<M>;
      case 'submitInput':
        if (!host.submitInput(q.txId, q.digits)) throw new ApiFailure('no_input_pending', 'No entry is expected now', '現在は入力を受け付けていません');
        return null as Value<M>;
      case 'submitEngagement':
        if (!host.submitEngagement(q.text)) throw new ApiFailure('engagement_refused', 'No phone reader is waiting for a QR code now', '現在はQRコードを受け付けていません');
        return null as Value<M>;
      case 'confirmUnverified':
        if (!(await host.staffConfirm(q.txId, q.confirmed === true))) throw new ApiFailure('no_confirmation_pending', 'No unverified result is waiting for staff now', '現在スタッフ確認を待つ結果はありません');
        return null as Value<M>;
      case 'dismiss':
        host.dismiss();
        return null as Value<M>;
      case 'trainingPresent':
        if (!host.training) throw new ApiFailure('not_training', 'Simulated credentials are refused: real readers are in use', '実機モードでは訓練用の読み取りは使えません');
        if (!host.trainingPresent(q.scenario)) throw new ApiFailure('busy', 'The kiosk is busy or that reader is off', '処理中です');
        return null as Value<M>;
      case 'staffUnlock':
        await this.svc.staff.unlock(q.pin);
        this.staffUntil = Date.now() + STAFF_SESSION_MS;
        return null as Value<M>;
      case 'staffSetup':
        await this.svc.staff.setup(q.setupCode, q.pin);
        this.staffUntil = Date.now() + STAFF_SESSION_MS;
        return null as Value<M>;
      case 'staffLock':
        this.staffUntil = 0;
        return null as Value<M>;
      case 'staffStatus':
        return this.svc.staff.status(this.staffUnlocked) as Value<M>;
      case 'staffChangePin':
        await this.svc.staff.changePin(q.currentPin, q.newPin);
        return null as Value<M>;
      case 'staffGetSettings':
        return settings.view() as Value<M>;
      case 'staffUpdateSettings': {
        const rest = q;
        const before = settings.get();
        if (rest.retentionDays !== undefined && rest.retentionDays < MIN_RETENTION_DAYS) {
          // Nobody may keep the audit log for less than the minimum (docs/audit-log.md "Retention").
          await audit.event('retention_refused', { reason: 'below_minimum', days: rest.retentionDays });
          throw new ApiFailure('retention_below_minimum', `Audit rows must be kept at least ${MIN_RETENTION_DAYS} days`, `監査ログの保存期間は${MIN_RETENTION_DAYS}日以上にしてください`);
        }
        settings.update(rest);
        const after = settings.get();
        await auditSettingsChange(audit, before, after);
        if (after.mode !== before.mode || JSON.stringify(after.readers) !== JSON.stringify(before.readers)) await host.rearm();
        else await host.setLang(after.lang);
        if (after.retentionDays !== before.retentionDays) await host.opts.audit.prune?.(after.retentionDays, host.now());
        return settings.view() as Value<M>;
      }
      case 'staffTrustStatus':
        return (await this.svc.trust.status(host.now())) as Value<M>;
      case 'staffTrustImport': {
        const r = await this.svc.trust.import(q.kind, q.fileName, Buffer.from(q.contentBase64, 'base64'), host.now(), q.keyId, q.replaceBuiltin);
        const fp = (x: string | undefined) => (x && /^[0-9a-f]{64}$/.test(x) ? x : null);
        await audit.event('trust_imported', { kind: q.kind.replace(/-/g, '_'), fingerprint: fp(r.fingerprint) });
        if (r.replacedBuiltin) await audit.event('trust_builtin_replaced', { kind: q.kind.replace(/-/g, '_'), builtinFingerprint: fp(r.replacedBuiltin.builtinFingerprint), fingerprint: fp(r.replacedBuiltin.fingerprint) });
        return { stored: r.stored, detail: r.detail, replacedBuiltin: r.replacedBuiltin?.builtin ?? null } as Value<M>;
      }
      case 'staffAuditView':
        return auditPage(host.opts.audit, q.filter, q.page, q.pageSize, settings.get().retentionDays) as Value<M>;
      case 'staffAuditExport': {
        const c = exportChunk(host.opts.audit, q.format, q.filter, q.after, q.limit);
        // One export, one event: logged with its first chunk.
        if (q.after === null) await audit.event('audit_exported', { format: q.format });
        const stamp = host.now().toISOString().replace(/[:.]/g, '-');
        return { fileName: `kakunin-audit-${stamp}.${q.format}`, mime: q.format === 'csv' ? 'text/csv' : 'application/json', ...c } as Value<M>;
      }
      case 'staffDashboard': {
        const now = host.now();
        return dashboard(host.opts.audit, q, { now, utcOffsetMinutes: localOffsetMinutes(now), includeTraining: host.training }) as Value<M>;
      }
      case 'staffReaderTest': {
        const r = await host.probeReaders(q.timeoutMs);
        if (r === 'busy') throw new ApiFailure('busy', 'The kiosk is busy with a customer or another test', '処理中です。お客様の確認が終わってからお試しください');
        if (!r) return { seen: false, waitedMs: q.timeoutMs } as Value<M>;
        return { seen: true, reader: r.reader.kind, readerLabel: r.reader.status().label, credential: r.credential, how: r.how, detailJa: r.detailJa, detailEn: r.detailEn, ms: r.ms } as Value<M>;
      }
      case 'staffDiagnostics':
        return (await diagnostics(host)) as Value<M>;
      default: {
        const never: never = m as never;
        throw new Error(`unhandled method ${String(never)}`);
      }
    }
  }
}

/** Staff setting changes as audit events: which settings, never their values (PIN changes: main/host/staff-auth.ts). */
async function auditSettingsChange(audit: AuditSink, before: Settings, after: Settings): Promise<void> {
  const changed = (Object.keys(after) as (keyof Settings)[]).filter((k) => k !== 'version' && JSON.stringify(after[k]) !== JSON.stringify(before[k]));
  // A setting the event vocabulary does not know yet is logged as "other" (names only, never values).
  const names = changed.map((k) => ((SETTING_NAMES as readonly string[]).includes(k) ? k : 'other'));
  if (names.length) await audit.event('settings_changed', { fields: names });
  if (after.mode !== before.mode) await audit.event('mode_changed', { from: before.mode, to: after.mode });
  if (after.retentionDays !== before.retentionDays) await audit.event('retention_changed', { fromDays: before.retentionDays, toDays: after.retentionDays });
}

export class ApiFailure extends Error {
  readonly error;
  constructor(code: string, en: string, ja: string) {
    super(en);
    this.error = apiError(code, en, ja);
  }
}
