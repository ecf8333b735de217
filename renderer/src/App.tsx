// The kiosk screen. Everything it shows comes from the host's Snapshot; the renderer keeps no
// verdict or attribute of its own, so the host's wipe clears the screen too.
import { useEffect, useState } from 'react';
import type { Snapshot } from '../../api/contract.ts';
import type { Connection, ConnectionState } from './api-client.ts';
import { t, modeLabel } from './i18n.ts';
import { IdleScreen } from './screens/Idle.tsx';
import { ReadingScreen } from './screens/Reading.tsx';
import { InputScreen } from './screens/Input.tsx';
import { VerdictScreen } from './screens/Verdict.tsx';
import { ErrorScreen } from './screens/ErrorScreen.tsx';
import { StaffArea } from './screens/staff/StaffArea.tsx';
import { TrainingPanel } from './screens/TrainingPanel.tsx';

export function App({ api }: { api: Connection }) {
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [conn, setConn] = useState<ConnectionState>('down');
  const [staffOpen, setStaffOpen] = useState(false);

  useEffect(() => {
    const offS = api.onSnapshot((s) => setSnap((prev) => (prev && prev.seq > s.seq ? prev : s)));
    const offC = api.onConnection((state) => {
      setConn(state);
      if (state === 'up')
        void api.call('getSnapshot', {}).then((r) => {
          if (r.ok) setSnap(r.value);
        });
      // A new kiosk (no staff PIN yet) opens on its first-run setup.
      if (state === 'up')
        void api.call('staffStatus', {}).then((r) => {
          if (r.ok && r.value.setupRequired) setStaffOpen(true);
        });
    });
    return () => {
      offS();
      offC();
    };
  }, [api]);

  useEffect(() => {
    if (snap) document.documentElement.lang = snap.lang;
  }, [snap?.lang]);

  // A USB/HID QR scanner types the phone's "mdoc:..." text and Enter into this window. Collected
  // only on the idle screen (never while staff or a holder use the keypad).
  const idle = snap?.screen.screen === 'idle' && !staffOpen;
  useEffect(() => {
    if (!idle) return;
    let buf = '';
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter') {
        if (buf.startsWith('mdoc:')) void api.call('submitEngagement', { text: buf });
        buf = '';
      } else if (e.key.length === 1) {
        buf = (buf + e.key).slice(-4096);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [idle, api]);

  if (conn === 'replaced' || conn === 'unpaired') {
    // No snapshot stays on a screen that lost its connection to another one. Said in both
    // languages: whoever sets the kiosk up reads this, not a customer.
    return (
      <div className="connecting" data-testid={`screen-${conn}`}>
        <div>
          {t('ja', `screen.${conn}`)}
          {'\n\n'}
          {t('en', `screen.${conn}`)}
        </div>
      </div>
    );
  }
  if (!snap || conn !== 'up') {
    return (
      <div className="connecting" data-testid="connecting">
        {t(snap?.lang ?? 'ja', 'connecting')}
      </div>
    );
  }
  const lang = snap.lang;
  const s = snap.screen;
  return (
    <div className={`kiosk screen-${s.screen}`} data-screen={s.screen} data-mode={snap.mode}>
      {snap.training && (
        <div className="training-banner" data-testid="training-banner" role="status">
          <span>{t(lang, 'training')}</span>
        </div>
      )}
      <header className="topbar">
        <div className="mode-label" data-testid="mode-label">
          {modeLabel(lang, snap.mode)}
        </div>
        <div className="topbar-actions">
          <button
            className="lang-switch"
            data-testid="lang-switch"
            onClick={() => void api.call('setLang', { lang: lang === 'ja' ? 'en' : 'ja' })}
          >
            {t(lang, 'langSwitch')}
          </button>
          <button className="staff-button" data-testid="staff-button" onClick={() => setStaffOpen(true)}>
            {t(lang, 'staff')}
          </button>
        </div>
      </header>
      <main className="content">
        {s.screen === 'idle' && (
          <IdleScreen
            snap={snap}
            {...(staffOpen ? {} : { onQr: (text: string) => void api.call('submitEngagement', { text }) })}
          />
        )}
        {s.screen === 'reading' && <ReadingScreen lang={lang} screen={s} />}
        {s.screen === 'input' && (
          <InputScreen key={`${s.txId}-${s.triesLeft}-${s.retry}`} lang={lang} screen={s} api={api} />
        )}
        {s.screen === 'verdict' && <VerdictScreen lang={lang} mode={snap.mode} screen={s} api={api} />}
        {s.screen === 'error' && <ErrorScreen lang={lang} screen={s} api={api} />}
      </main>
      {snap.training && s.screen === 'idle' && !staffOpen && <TrainingPanel lang={lang} api={api} />}
      {staffOpen && <StaffArea lang={lang} api={api} snap={snap} onClose={() => setStaffOpen(false)} />}
    </div>
  );
}
