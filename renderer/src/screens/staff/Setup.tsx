// First-run setup, full screen, in the kiosk's language (switchable on the first step): language,
// the staff PIN (with the one-time setup code from the host's console), counter mode, a reader test
// that reads nothing personal, what the trust store can verify per document type, and where the
// audit log is kept and for how long.
import { useEffect, useState } from 'react';
import type { AuditView, Lang, Mode, SettingsView, StaffStatus } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { modeLabel, msg, t, type TKey } from '../../i18n.ts';
import { chainText } from './Audit.tsx';
import { Button, Segmented } from './controls.tsx';
import { PinSteps } from './PinSteps.tsx';
import { ReaderTest } from './ReaderTest.tsx';
import { retentionOptions } from './Settings.tsx';
import { ReadinessCards } from './Trust.tsx';

const STEPS = ['lang', 'pin', 'mode', 'reader', 'trust', 'audit', 'done'] as const;
type Step = (typeof STEPS)[number];

export function Setup({
  lang,
  api,
  status,
  training,
  onDone,
  onLater,
  onStatus,
}: {
  lang: Lang;
  api: Connection;
  status: StaffStatus;
  training: boolean;
  onDone(): void;
  onLater(): void;
  onStatus(): void;
}) {
  const [step, setStep] = useState<Step>('lang');
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [audit, setAudit] = useState<AuditView | null>(null);
  const i = STEPS.indexOf(step);
  const unlocked = i > STEPS.indexOf('pin');
  useEffect(() => {
    if (!unlocked) return;
    void api.call('staffGetSettings', {}).then((r) => r.ok && setSettings(r.value));
    if (step === 'audit' || step === 'done')
      void api.call('staffAuditView', { filter: {}, page: 0, pageSize: 1 }).then((r) => r.ok && setAudit(r.value));
  }, [api, step, unlocked]);
  const update = async (patch: Partial<Pick<SettingsView, 'mode' | 'retentionDays'>>) => {
    const r = await api.call('staffUpdateSettings', patch);
    if (r.ok) setSettings(r.value);
  };
  const next = () => {
    const n = STEPS[Math.min(i + 1, STEPS.length - 1)]!;
    if (n === 'pin') onStatus(); // a setup code may have been printed since this screen opened
    setStep(n);
  };
  const back = () => setStep(STEPS[Math.max(i - 1, unlocked ? 2 : 0)]!);

  return (
    <div className="setup" data-testid="staff-setup" data-step={step}>
      <header className="setup-head">
        <h1>{t(lang, 'setup.title')}</h1>
        <ol className="setup-steps">
          {STEPS.map((s, k) => (
            <li key={s} className={k < i ? 'done' : k === i ? 'current' : ''}>
              {t(lang, `setup.step.${s}` as TKey)}
            </li>
          ))}
        </ol>
      </header>
      <main className="setup-body">
        {step === 'lang' && <LangPage lang={lang} api={api} status={status} />}
        {step === 'pin' && (
          <PinPage lang={lang} api={api} status={status} onStatus={onStatus} onSet={next} onLater={onLater} />
        )}
        {step === 'mode' && settings && <ModePage lang={lang} settings={settings} update={update} />}
        {step === 'reader' && (
          <div className="setup-page">
            <h2>{t(lang, 'rt.title')}</h2>
            <p className="setup-lead">{t(lang, 'setup.readerLead')}</p>
            <ReaderTest lang={lang} api={api} training={training} />
          </div>
        )}
        {step === 'trust' && (
          <div className="setup-page">
            <h2>{t(lang, 'setup.trustTitle')}</h2>
            <p className="setup-lead">{t(lang, 'setup.trustLead')}</p>
            <ReadinessCards lang={lang} api={api} />
          </div>
        )}
        {step === 'audit' && settings && <AuditPage lang={lang} settings={settings} audit={audit} update={update} />}
        {step === 'done' && settings && <DonePage lang={lang} settings={settings} audit={audit} />}
      </main>
      <SetupFooter
        lang={lang}
        step={step}
        unlocked={unlocked}
        onLater={onLater}
        back={back}
        next={next}
        onDone={onDone}
      />
    </div>
  );
}

type Update = (patch: Partial<Pick<SettingsView, 'mode' | 'retentionDays'>>) => Promise<void>;

/** Step 1: the language, switchable before anything else. */
function LangPage({ lang, api, status }: { lang: Lang; api: Connection; status: StaffStatus }) {
  return (
    <div className="setup-page">
      <h2>{t(lang, 'setup.langTitle')}</h2>
      <p className="setup-lead">
        {t(lang, status.setupReason === 'not_set' ? 'setup.why.not_set' : 'setup.why.other')}
      </p>
      <div className="big-choices">
        {(['ja', 'en'] as Lang[]).map((l) => (
          <button
            key={l}
            type="button"
            className={`big-choice${lang === l ? ' on' : ''}`}
            data-lang={l}
            onClick={() => void api.call('setLang', { lang: l })}
          >
            {l === 'ja' ? '日本語' : 'English'}
          </button>
        ))}
      </div>
    </div>
  );
}

/** Step 2: the one-time setup code from the host's console, then the new staff PIN twice. */
function PinPage({
  lang,
  api,
  status,
  onStatus,
  onSet,
  onLater,
}: {
  lang: Lang;
  api: Connection;
  status: StaffStatus;
  onStatus(): void;
  onSet(): void;
  onLater(): void;
}) {
  return (
    <div className="setup-page">
      <h2>{t(lang, 'setup.pinTitle')}</h2>
      <PinSteps
        lang={lang}
        note={status.lockedOutSeconds > 0 ? t(lang, 'staff.lockedOut', { n: status.lockedOutSeconds }) : null}
        steps={[
          {
            id: 'code',
            title: t(lang, 'setup.code'),
            hint: t(lang, status.setupCodeIssued ? 'setup.codeHint' : 'setup.noCode'),
            min: 8,
            max: 8,
          },
          { id: 'pin', title: t(lang, 'setup.newPin'), hint: t(lang, 'setup.pinRule'), min: 6, max: 12 },
          { id: 'again', title: t(lang, 'setup.again'), min: 6, max: 12 },
        ]}
        submit={async (v) => {
          if (v.pin !== v.again) return t(lang, 'setup.mismatch');
          const r = await api.call('staffSetup', { setupCode: v.code!, pin: v.pin! });
          onStatus();
          if (!r.ok) return msg(lang, r.error);
          onSet();
          return null;
        }}
        onCancel={onLater}
      />
    </div>
  );
}

/** Step 3: the counter mode. */
function ModePage({ lang, settings, update }: { lang: Lang; settings: SettingsView; update: Update }) {
  return (
    <div className="setup-page">
      <h2>{t(lang, 'setup.modeTitle')}</h2>
      <div className="big-choices">
        {(['age-over-20', 'entrance', 'identity'] as Mode[]).map((m) => (
          <button
            key={m}
            type="button"
            className={`big-choice${settings.mode === m ? ' on' : ''}`}
            data-mode-choice={m}
            onClick={() => void update({ mode: m })}
          >
            {modeLabel(lang, m)}
            <small>{t(lang, `setup.mode.${m}` as TKey)}</small>
          </button>
        ))}
      </div>
    </div>
  );
}

/** Step 6: where the audit log is, its chain status, and how long it is kept. */
function AuditPage({
  lang,
  settings,
  audit,
  update,
}: {
  lang: Lang;
  settings: SettingsView;
  audit: AuditView | null;
  update: Update;
}) {
  return (
    <div className="setup-page">
      <h2>{t(lang, 'setup.auditTitle')}</h2>
      <p className="setup-lead">{t(lang, 'setup.auditLead')}</p>
      {audit && (
        <p className="setup-fact" data-testid="setup-audit-location">
          {t(lang, 'audit.location')}:{' '}
          <strong>{audit.location.kind === 'sqlite' ? audit.location.path : t(lang, 'audit.memory')}</strong>
        </p>
      )}
      {audit && <p className="setup-fact">{chainText(lang, audit)}</p>}
      <p className="setup-fact">{t(lang, 'staff.retentionDays')}</p>
      <Segmented<number>
        testid="setup-retention"
        value={settings.retentionDays}
        onChange={(v) => void update({ retentionDays: v })}
        options={retentionOptions(lang, settings.retentionDays)}
      />
    </div>
  );
}

/** Last step: what was set, before the kiosk starts. */
function DonePage({ lang, settings, audit }: { lang: Lang; settings: SettingsView; audit: AuditView | null }) {
  const retention = retentionOptions(lang, settings.retentionDays).find((o) => o.value === settings.retentionDays);
  return (
    <div className="setup-page">
      <h2>{t(lang, 'setup.doneTitle')}</h2>
      <dl className="setup-summary" data-testid="setup-summary">
        <div>
          <dt>{t(lang, 'setup.step.lang')}</dt>
          <dd>{lang === 'ja' ? '日本語' : 'English'}</dd>
        </div>
        <div>
          <dt>{t(lang, 'setup.step.mode')}</dt>
          <dd>{modeLabel(lang, settings.mode)}</dd>
        </div>
        <div>
          <dt>{t(lang, 'staff.retentionDays')}</dt>
          <dd>{retention?.label}</dd>
        </div>
        {audit && (
          <div>
            <dt>{t(lang, 'audit.location')}</dt>
            <dd>{audit.location.path ?? t(lang, 'audit.memory')}</dd>
          </div>
        )}
      </dl>
      <p className="setup-lead">{t(lang, 'setup.doneLead')}</p>
    </div>
  );
}

/** Later (before the PIN is set), back (not past the PIN once it is set), next and finish. */
function SetupFooter({
  lang,
  step,
  unlocked,
  onLater,
  back,
  next,
  onDone,
}: {
  lang: Lang;
  step: Step;
  unlocked: boolean;
  onLater(): void;
  back(): void;
  next(): void;
  onDone(): void;
}) {
  const i = STEPS.indexOf(step);
  return (
    <footer className="setup-foot">
      {step !== 'pin' && !unlocked && (
        <Button kind="quiet" testid="setup-later" onClick={onLater}>
          {t(lang, 'setup.later')}
        </Button>
      )}
      {i > 0 && step !== 'pin' && (unlocked ? i > 2 : true) && (
        <Button kind="quiet" testid="setup-back" onClick={back}>
          ‹ {t(lang, 'setup.back')}
        </Button>
      )}
      <span className="spacer" />
      {step !== 'pin' && step !== 'done' && (
        <Button kind="primary" testid="setup-next" onClick={next}>
          {t(lang, 'setup.next')} ›
        </Button>
      )}
      {step === 'done' && (
        <Button kind="primary" testid="setup-finish" onClick={onDone}>
          {t(lang, 'setup.finish')}
        </Button>
      )}
    </footer>
  );
}
