// The staff area, full screen. Locked until the staff PIN is entered (the host checks it and refuses
// every staff call on a locked session: this screen is convenience, not the lock); a kiosk without a
// staff PIN opens the first-run setup instead. Tabs: the day at a glance first, then mode, readers
// (diagnostics), trust, audit log, settings.
import { useEffect, useState } from 'react';
import type { Lang, Mode, Snapshot, StaffStatus } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { modeLabel, msg, t, type TKey } from '../../i18n.ts';
import { Audit } from './Audit.tsx';
import { Dashboard } from './Dashboard.tsx';
import { Diagnostics } from './Diagnostics.tsx';
import { PinSteps } from './PinSteps.tsx';
import { Settings } from './Settings.tsx';
import { Setup } from './Setup.tsx';
import { Trust } from './Trust.tsx';

const TABS = ['dashboard', 'mode', 'readers', 'trust', 'audit', 'settings'] as const;
type Tab = (typeof TABS)[number];

export function StaffArea({
  lang,
  api,
  snap,
  onClose,
}: {
  lang: Lang;
  api: Connection;
  snap: Snapshot;
  onClose(): void;
}) {
  const [status, setStatus] = useState<StaffStatus | null>(null);
  const [unlocked, setUnlocked] = useState(false);
  const [setup, setSetup] = useState(false);
  const [tab, setTab] = useState<Tab>('dashboard');

  const refresh = () =>
    void api.call('staffStatus', {}).then((r) => {
      if (!r.ok) return;
      setStatus(r.value);
      if (r.value.unlocked) setUnlocked(true);
      if (r.value.setupRequired) setSetup(true);
    });
  useEffect(refresh, [api]);

  const close = () => {
    void api.call('staffLock', {});
    onClose();
  };
  if (!status) return <div className="staff-screen" data-testid="staff-loading" />;

  if (setup) {
    return (
      <Setup
        lang={lang}
        api={api}
        status={status}
        training={snap.training}
        onStatus={refresh}
        onLater={close}
        onDone={() => {
          setSetup(false);
          setUnlocked(true);
          setTab('dashboard');
        }}
      />
    );
  }

  if (!unlocked) {
    return (
      <div className="staff-screen staff-unlock" data-testid="staff-locked">
        <h1>{t(lang, 'staff.pinTitle')}</h1>
        <PinSteps
          lang={lang}
          note={status.lockedOutSeconds > 0 ? t(lang, 'staff.lockedOut', { n: status.lockedOutSeconds }) : null}
          steps={[{ id: 'pin', title: t(lang, 'staff.pinDigits'), min: 6, max: 12 }]}
          submit={async (v) => {
            const r = await api.call('staffUnlock', { pin: v.pin! });
            if (r.ok) {
              setUnlocked(true);
              return null;
            }
            refresh();
            return msg(lang, r.error);
          }}
          onCancel={close}
        />
      </div>
    );
  }

  return (
    <div className="staff-screen" data-testid="staff-area">
      <nav className="staff-nav" role="tablist">
        <span className="staff-title">{t(lang, 'staff.pinTitle')}</span>
        {TABS.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={tab === x ? 'active' : ''}
            data-tab={x}
            onClick={() => setTab(x)}
          >
            {t(lang, `staff.tab.${x}` as TKey)}
          </button>
        ))}
        <button type="button" className="staff-lock" data-testid="staff-lock" onClick={close}>
          {t(lang, 'staff.lock')}
        </button>
      </nav>
      <div className="staff-body">
        {tab === 'dashboard' && <Dashboard lang={lang} api={api} />}
        {tab === 'mode' && (
          <div className="mode-tab" data-testid="mode-tab">
            {(['age-over-20', 'entrance', 'identity'] as Mode[]).map((m) => (
              <button
                key={m}
                type="button"
                data-mode-choice={m}
                className={`big-choice${m === snap.mode ? ' on' : ''}`}
                onClick={() => void api.call('staffUpdateSettings', { mode: m })}
              >
                {modeLabel(lang, m)}
                <small>{t(lang, `setup.mode.${m}` as TKey)}</small>
              </button>
            ))}
          </div>
        )}
        {tab === 'readers' && <Diagnostics lang={lang} api={api} training={snap.training} />}
        {tab === 'trust' && <Trust lang={lang} api={api} />}
        {tab === 'audit' && <Audit lang={lang} api={api} />}
        {tab === 'settings' && <Settings lang={lang} api={api} />}
      </div>
    </div>
  );
}
