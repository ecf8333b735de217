// What each API method does, one typed handler a method (api/contract.ts Methods): a handler gets
// its method's params as the contract's schema parsed them and must return its method's value, so a
// renamed field or a wrong answer shape does not compile. Checks that concern every call (parsing,
// the staff lock, the error shape) are the session's (api-handler.ts).
import type { MethodName, ParsedParams, Value } from '../../api/contract.ts';
import { SETTING_NAMES } from '../../core/audit/audit-event.ts';
import { MIN_RETENTION_DAYS } from '../../core/audit/retention-rules.ts';
import type { AuditSink } from './audit-sink.ts';
import { auditPage, exportChunk } from './audit-view.ts';
import { dashboard } from './dashboard.ts';
import { diagnostics } from './diagnostics.ts';
import type { KioskHost } from './kiosk-host.ts';
import type { Settings } from './settings.ts';
import type { StaffAuth } from './staff-auth.ts';
import type { TrustService } from './trust.ts';
import { ApiFailure } from './api-failure.ts';

export interface HostServices {
  host: KioskHost;
  trust: TrustService;
  /** Staff PIN, first-run set-up and the persisted lockout, shared by every session. */
  staff: StaffAuth;
}

/** What a handler may use: the host's services and its own connection's staff session. */
export interface CallContext extends HostServices {
  session: { unlockStaff(): void; lockStaff(): void; staffUnlocked(): boolean };
}

export type Handler<M extends MethodName> = (p: ParsedParams<M>, c: CallContext) => Value<M> | Promise<Value<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

/** The kiosk's local offset east of UTC, in minutes (its wall clock is the store's). */
function localOffsetMinutes(at: Date): number {
  return -at.getTimezoneOffset();
}

export const HANDLERS: Handlers = {
  getSnapshot: (_p, { host }) => host.snapshot(),
  setLang: async ({ lang }, { host }) => {
    await host.setLang(lang);
    return null;
  },
  submitInput: ({ txId, digits }, { host }) => {
    if (!host.submitInput(txId, digits))
      throw new ApiFailure('no_input_pending', 'No entry is expected now', '現在は入力を受け付けていません');
    return null;
  },
  submitEngagement: ({ text }, { host }) => {
    if (!host.submitEngagement(text))
      throw new ApiFailure(
        'engagement_refused',
        'No phone reader is waiting for a QR code now',
        '現在はQRコードを受け付けていません',
      );
    return null;
  },
  confirmUnverified: async ({ txId, confirmed }, { host }) => {
    if (!(await host.staffConfirm(txId, confirmed)))
      throw new ApiFailure(
        'no_confirmation_pending',
        'No unverified result is waiting for staff now',
        '現在スタッフ確認を待つ結果はありません',
      );
    return null;
  },
  dismiss: (_p, { host }) => {
    host.dismiss();
    return null;
  },
  trainingPresent: ({ scenario }, { host }) => {
    if (!host.training)
      throw new ApiFailure(
        'not_training',
        'Simulated credentials are refused: real readers are in use',
        '実機モードでは訓練用の読み取りは使えません',
      );
    if (!host.trainingPresent(scenario))
      throw new ApiFailure('busy', 'The kiosk is busy or that reader is off', '処理中です');
    return null;
  },
  staffUnlock: async ({ pin }, { staff, session }) => {
    await staff.unlock(pin);
    session.unlockStaff();
    return null;
  },
  staffSetup: async ({ setupCode, pin }, { staff, session }) => {
    await staff.setup(setupCode, pin);
    session.unlockStaff();
    return null;
  },
  staffLock: (_p, { session }) => {
    session.lockStaff();
    return null;
  },
  staffStatus: (_p, { staff, session }) => staff.status(session.staffUnlocked()),
  staffChangePin: async ({ currentPin, newPin }, { staff }) => {
    await staff.changePin(currentPin, newPin);
    return null;
  },
  staffGetSettings: (_p, { host }) => host.opts.settings.view(),
  staffUpdateSettings: (p, { host }) => updateSettings(host, p),
  staffTrustStatus: (_p, { host, trust }) => trust.status(host.now()),
  staffTrustImport: async (q, { host, trust }) => {
    const r = await trust.import(
      {
        kind: q.kind,
        fileName: q.fileName,
        bytes: Buffer.from(q.contentBase64, 'base64'),
        keyId: q.keyId,
        replaceBuiltin: q.replaceBuiltin,
      },
      host.now(),
    );
    const fp = (x: string | undefined) => (x && /^[0-9a-f]{64}$/.test(x) ? x : null);
    const kind = q.kind.replace(/-/g, '_');
    await host.opts.audit.event('trust_imported', { kind, fingerprint: fp(r.fingerprint) });
    if (r.replacedBuiltin)
      await host.opts.audit.event('trust_builtin_replaced', {
        kind,
        builtinFingerprint: fp(r.replacedBuiltin.builtinFingerprint),
        fingerprint: fp(r.replacedBuiltin.fingerprint),
      });
    return { stored: r.stored, detail: r.detail, replacedBuiltin: r.replacedBuiltin?.builtin ?? null };
  },
  staffAuditView: ({ filter, page, pageSize }, { host }) =>
    auditPage(host.opts.audit, filter, page, pageSize, host.opts.settings.get().retentionDays),
  staffAuditExport: async ({ format, filter, after, limit }, { host }) => {
    const c = exportChunk(host.opts.audit, format, filter, after, limit);
    // One export, one event: logged with its first chunk.
    if (after === null) await host.opts.audit.event('audit_exported', { format });
    const stamp = host.now().toISOString().replace(/[:.]/g, '-');
    return {
      fileName: `kakunin-audit-${stamp}.${format}`,
      mime: format === 'csv' ? 'text/csv' : 'application/json',
      ...c,
    };
  },
  staffDashboard: (q, { host }) => {
    const now = host.now();
    return dashboard(host.opts.audit, q, {
      now,
      utcOffsetMinutes: localOffsetMinutes(now),
      includeTraining: host.training,
    });
  },
  staffReaderTest: async ({ timeoutMs }, { host }) => {
    const r = await host.probeReaders(timeoutMs);
    if (r === 'busy')
      throw new ApiFailure(
        'busy',
        'The kiosk is busy with a customer or another test',
        '処理中です。お客様の確認が終わってからお試しください',
      );
    if (!r) return { seen: false, waitedMs: timeoutMs };
    return {
      seen: true,
      reader: r.reader.kind,
      readerLabel: r.reader.status().label,
      credential: r.credential,
      how: r.how,
      detailJa: r.detailJa,
      detailEn: r.detailEn,
      ms: r.ms,
    };
  },
  staffDiagnostics: (_p, { host }) => diagnostics(host),
};

/** Staff change settings: the retention floor first, then the change, its audit events, and what it re-arms. */
async function updateSettings(
  host: KioskHost,
  p: ParsedParams<'staffUpdateSettings'>,
): Promise<Value<'staffUpdateSettings'>> {
  const { settings, audit } = host.opts;
  const before = settings.get();
  if (p.retentionDays !== undefined && p.retentionDays < MIN_RETENTION_DAYS) {
    // Nobody may keep the audit log for less than the minimum (docs/audit-log.md "Retention").
    await audit.event('retention_refused', { reason: 'below_minimum', days: p.retentionDays });
    throw new ApiFailure(
      'retention_below_minimum',
      `Audit rows must be kept at least ${MIN_RETENTION_DAYS} days`,
      `監査ログの保存期間は${MIN_RETENTION_DAYS}日以上にしてください`,
    );
  }
  settings.update(p);
  const after = settings.get();
  await auditSettingsChange(audit, before, after);
  if (after.mode !== before.mode || JSON.stringify(after.readers) !== JSON.stringify(before.readers))
    await host.rearm();
  else await host.setLang(after.lang);
  if (after.retentionDays !== before.retentionDays) await audit.prune?.(after.retentionDays, host.now());
  return settings.view();
}

/** Staff setting changes as audit events: which settings, never their values (PIN changes: main/host/staff-auth.ts). */
async function auditSettingsChange(audit: AuditSink, before: Settings, after: Settings): Promise<void> {
  const changed = (Object.keys(after) as (keyof Settings)[]).filter(
    (k) => k !== 'version' && JSON.stringify(after[k]) !== JSON.stringify(before[k]),
  );
  // A setting the event vocabulary does not know yet is logged as "other" (names only, never values).
  const names = changed.map((k) => ((SETTING_NAMES as readonly string[]).includes(k) ? k : 'other'));
  if (names.length) await audit.event('settings_changed', { fields: names });
  if (after.mode !== before.mode) await audit.event('mode_changed', { from: before.mode, to: after.mode });
  if (after.retentionDays !== before.retentionDays)
    await audit.event('retention_changed', { fromDays: before.retentionDays, toDays: after.retentionDays });
}
