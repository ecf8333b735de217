// The staff area. Locked until the staff PIN is entered on the keypad; the host checks the PIN
// and refuses every staff call on a locked session, so this screen is convenience, not the lock.
import { useEffect, useState } from 'react';
import type { AuditView, Lang, Mode, SettingsView, Snapshot, StaffStatus, TrustStatus } from '../../../main/api/contract.ts';
import type { Connection } from '../api-client.ts';
import { t, modeLabel, msg } from '../i18n.ts';
import { PinSteps } from './staff/PinSteps.tsx';

type Tab = 'mode' | 'readers' | 'trust' | 'audit' | 'settings';

export function StaffArea({ lang, api, snap, onClose }: { lang: Lang; api: Connection; snap: Snapshot; onClose(): void }) {
  const [status, setStatus] = useState<StaffStatus | null>(null);
  const [unlocked, setUnlocked] = useState(false);
  const [tab, setTab] = useState<Tab>('mode');

  const refresh = () => void api.call('staffStatus', {}).then((r) => {
    if (r.ok) { setStatus(r.value); setUnlocked(r.value.unlocked); }
  });
  useEffect(refresh, [api]);

  const close = () => { void api.call('staffLock', {}); onClose(); };
  const lockNote = status && status.lockedOutSeconds > 0 ? t(lang, 'staff.lockedOut', { n: status.lockedOutSeconds }) : null;

  if (!status) return <div className="staff-overlay" data-testid="staff-loading" />;

  if (!unlocked && status.setupRequired) {
    return (
      <div className="staff-overlay" data-testid="staff-setup">
        <div className="staff-pin">
          <h1>{t(lang, 'setup.title')}</h1>
          <p className="staff-first">{t(lang, status.setupReason === 'not_set' ? 'setup.why.not_set' : 'setup.why.other')}</p>
          <PinSteps
            lang={lang}
            note={lockNote}
            steps={[
              { id: 'code', title: t(lang, 'setup.code'), hint: t(lang, status.setupCodeIssued ? 'setup.codeHint' : 'setup.noCode'), min: 8, max: 8 },
              { id: 'pin', title: t(lang, 'setup.newPin'), hint: t(lang, 'setup.pinRule'), min: 6, max: 12 },
              { id: 'again', title: t(lang, 'setup.again'), min: 6, max: 12 },
            ]}
            submit={async (v) => {
              if (v.pin !== v.again) return t(lang, 'setup.mismatch');
              const r = await api.call('staffSetup', { setupCode: v.code!, pin: v.pin! });
              if (r.ok) { setUnlocked(true); refresh(); return null; }
              refresh();
              return msg(lang, r.error);
            }}
            onCancel={close}
          />
        </div>
      </div>
    );
  }

  if (!unlocked) {
    return (
      <div className="staff-overlay" data-testid="staff-locked">
        <div className="staff-pin">
          <h1>{t(lang, 'staff.pinTitle')}</h1>
          <PinSteps
            lang={lang}
            note={lockNote}
            steps={[{ id: 'pin', title: t(lang, 'staff.pinDigits'), min: 6, max: 12 }]}
            submit={async (v) => {
              const r = await api.call('staffUnlock', { pin: v.pin! });
              if (r.ok) { setUnlocked(true); return null; }
              refresh();
              return msg(lang, r.error);
            }}
            onCancel={close}
          />
        </div>
      </div>
    );
  }

  return (
    <div className="staff-overlay" data-testid="staff-area">
      <div className="staff-panel">
        <nav className="staff-tabs">
          {(['mode', 'readers', 'trust', 'audit', 'settings'] as Tab[]).map((x) => (
            <button key={x} className={tab === x ? 'active' : ''} data-tab={x} onClick={() => setTab(x)}>{t(lang, `staff.tab.${x}`)}</button>
          ))}
          <button className="staff-lock" data-testid="staff-lock" onClick={close}>{t(lang, 'staff.lock')}</button>
        </nav>
        <div className="staff-body">
          {tab === 'mode' && <ModeTab lang={lang} api={api} current={snap.mode} />}
          {tab === 'readers' && <ReadersTab lang={lang} api={api} snap={snap} />}
          {tab === 'trust' && <TrustTab lang={lang} api={api} />}
          {tab === 'audit' && <AuditTab lang={lang} api={api} />}
          {tab === 'settings' && <SettingsTab lang={lang} api={api} />}
        </div>
      </div>
    </div>
  );
}

function ModeTab({ lang, api, current }: { lang: Lang; api: Connection; current: Mode }) {
  return (
    <div className="mode-tab" data-testid="mode-tab">
      {(['age-over-20', 'entrance', 'identity'] as Mode[]).map((m) => (
        <button key={m} data-mode-choice={m} className={`mode-choice${m === current ? ' active' : ''}`} onClick={() => void api.call('staffUpdateSettings', { mode: m })}>
          {modeLabel(lang, m)}
        </button>
      ))}
    </div>
  );
}

function ReadersTab({ lang, api, snap }: { lang: Lang; api: Connection; snap: Snapshot }) {
  const [pref, setPref] = useState<PhoneTransport | null>(null);
  useEffect(() => {
    void api.call('staffGetSettings', {}).then((r) => { if (r.ok) setPref(r.value.phoneTransport); });
  }, [api]);
  const choose = (p: PhoneTransport) => void api.call('staffUpdateSettings', { phoneTransport: p }).then((r) => { if (r.ok) setPref(r.value.phoneTransport); });
  return (
    <div data-testid="readers-tab">
      <table className="staff-table">
        <tbody>
          {snap.readers.map((r) => (
            <tr key={r.kind} data-reader={r.kind} data-state={r.state}>
              <td>{r.kind}</td><td>{r.label}</td><td>{r.source}</td><td className={`state-${r.state}`}>{r.state}</td><td>{r.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t(lang, 'staff.phoneTransport')}</h3>
      <p className="staff-hint">{t(lang, 'staff.phoneTransportHint')}</p>
      <div className="mode-tab" data-testid="phone-transport">
        {(['ble', 'nfc'] as PhoneTransport[]).map((p) => (
          <button key={p} data-phone-transport={p} className={`mode-choice${p === pref ? ' active' : ''}`} onClick={() => choose(p)}>
            {t(lang, `staff.phoneTransport.${p}`)}
          </button>
        ))}
      </div>
    </div>
  );
}

function TrustTab({ lang, api }: { lang: Lang; api: Connection }) {
  const [st, setSt] = useState<TrustStatus | null>(null);
  const [note, setNote] = useState<string>('');
  const [keyId, setKeyId] = useState('');
  const [kind, setKind] = useState<'iaca' | 'jpki' | 'vical' | 'vical-signer' | 'card-face'>('iaca');
  const [replace, setReplace] = useState(false);
  const load = () => void api.call('staffTrustStatus', {}).then((r) => { if (r.ok) setSt(r.value); else setNote(msg(lang, r.error)); });
  useEffect(load, [api]);
  const onFile = async (f: File) => {
    const buf = new Uint8Array(await f.arrayBuffer());
    let bin = '';
    for (const b of buf) bin += String.fromCharCode(b);
    const r = await api.call('staffTrustImport', { kind, fileName: f.name, contentBase64: btoa(bin), ...(kind === 'card-face' && keyId ? { keyId } : {}), ...(replace ? { replaceBuiltin: true } : {}) });
    setReplace(false);
    setNote(r.ok ? `${r.value.stored}: ${r.value.detail}` : msg(lang, r.error));
    load();
  };
  return (
    <div data-testid="trust-tab">
      {st && (
        <ul className="trust-ready" data-testid="trust-ready">
          {st.ready.map((r) => (
            <li key={r.id} data-ready={r.ready ? 'yes' : 'no'} data-id={r.id} className={r.ready ? 'ready-yes' : 'ready-no'}>
              <span className="tick" aria-hidden="true">{r.ready ? '✓' : '✕'}</span>
              {t(lang, r.ready ? 'staff.readyFor' : 'staff.notReadyFor', { what: lang === 'ja' ? r.labelJa : r.labelEn })}
              {!r.ready && <span className="missing">{t(lang, 'staff.missing')}: {r.missing.join(' / ')}</span>}
            </li>
          ))}
        </ul>
      )}
      {st && st.warnings.map((w) => <p key={w} className="warn">⚠ {w}</p>)}
      {st && st.roots.length === 0 && <p>{t(lang, 'staff.noRoots')}</p>}
      {st && st.roots.length > 0 && (
        <table className="staff-table">
          <tbody>
            {st.roots.map((r) => (
              <tr key={r.file + r.fingerprint} className={r.warnings.length ? 'row-warn' : ''}>
                <td>{r.kind}</td><td data-origin={r.origin}>{t(lang, r.origin === 'built-in' ? 'staff.builtIn' : 'staff.imported')}</td><td>{r.subject}</td><td>{r.notAfter}</td><td>{r.warnings.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="trust-import">
        <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="trust-kind">
          <option value="iaca">IACA root</option>
          <option value="jpki">JPKI root</option>
          <option value="vical">VICAL</option>
          <option value="vical-signer">VICAL signer</option>
          <option value="card-face">Card-face key (J-LIS)</option>
        </select>
        {kind === 'card-face' && <input className="key-id" placeholder="key id (32 hex)" value={keyId} onChange={(e) => setKeyId(e.target.value.trim())} />}
        <label className="replace-builtin"><input type="checkbox" data-testid="trust-replace-builtin" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> {t(lang, 'staff.replaceBuiltin')}</label>
        <label className="file-button">{t(lang, 'staff.import')}<input type="file" data-testid="trust-file" onChange={(e) => { const f = e.target.files?.[0]; if (f) void onFile(f); }} /></label>
      </div>
      {note && <p className="note" data-testid="trust-note">{note}</p>}
    </div>
  );
}

function AuditTab({ lang, api }: { lang: Lang; api: Connection }) {
  const [view, setView] = useState<AuditView | null>(null);
  const [err, setErr] = useState('');
  useEffect(() => { void api.call('staffAuditView', { limit: 50 }).then((r) => (r.ok ? setView(r.value) : setErr(msg(lang, r.error)))); }, [api]);
  const exportAs = async (format: 'csv' | 'json') => {
    const r = await api.call('staffAuditExport', { format });
    if (!r.ok) { setErr(msg(lang, r.error)); return; }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([r.value.text], { type: r.value.mime }));
    a.download = r.value.fileName;
    a.click();
  };
  return (
    <div data-testid="audit-tab">
      {view && (
        <p className={view.chainOk === false ? 'warn' : ''} data-testid="audit-chain">
          {t(lang, view.chainOk === true ? 'staff.chainOk' : view.chainOk === false ? 'staff.chainBroken' : 'staff.chainUnknown')} — {view.detail}
        </p>
      )}
      <button onClick={() => void exportAs('csv')} data-testid="export-csv">CSV {t(lang, 'staff.export')}</button>
      <button onClick={() => void exportAs('json')} data-testid="export-json">JSON {t(lang, 'staff.export')}</button>
      {err && <p className="warn">{err}</p>}
      <table className="staff-table" data-testid="audit-rows">
        <tbody>
          {view?.rows.map((r) => (
            <tr key={r.seq}><td>{r.seq}</td><td>{r.time}</td><td>{r.mode}</td><td>{r.outcome}</td><td>{r.credential}</td><td className="checks">{r.checks}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SettingsTab({ lang, api }: { lang: Lang; api: Connection }) {
  const [s, setS] = useState<SettingsView | null>(null);
  const [note, setNote] = useState('');
  const [changing, setChanging] = useState(false);
  useEffect(() => { void api.call('staffGetSettings', {}).then((r) => r.ok && setS(r.value)); }, [api]);
  if (!s) return null;
  if (changing) {
    return (
      <div className="settings-tab" data-testid="change-pin">
        <PinSteps
          lang={lang}
          steps={[
            { id: 'current', title: t(lang, 'staff.currentPin'), min: 6, max: 12 },
            { id: 'pin', title: t(lang, 'setup.newPin'), hint: t(lang, 'setup.pinRule'), min: 6, max: 12 },
            { id: 'again', title: t(lang, 'setup.again'), min: 6, max: 12 },
          ]}
          submit={async (v) => {
            if (v.pin !== v.again) return t(lang, 'setup.mismatch');
            const r = await api.call('staffChangePin', { currentPin: v.current!, newPin: v.pin! });
            if (!r.ok) return msg(lang, r.error);
            setChanging(false);
            setNote(t(lang, 'staff.pinChanged'));
            return null;
          }}
          onCancel={() => setChanging(false)}
        />
      </div>
    );
  }
  const save = async () => {
    const r = await api.call('staffUpdateSettings', { wipeSeconds: s.wipeSeconds, retentionDays: s.retentionDays, lang: s.lang, readers: s.readers });
    setNote(r.ok ? t(lang, 'staff.saved') : msg(lang, r.error));
    if (r.ok) setS(r.value);
  };
  return (
    <div className="settings-tab" data-testid="settings-tab">
      <label>{t(lang, 'staff.wipeSeconds')}<input type="number" min={3} max={120} value={s.wipeSeconds} data-testid="wipe-seconds" onChange={(e) => setS({ ...s, wipeSeconds: Number(e.target.value) })} /></label>
      <label>{t(lang, 'staff.retentionDays')}<input type="number" min={90} max={3650} value={s.retentionDays} onChange={(e) => setS({ ...s, retentionDays: Number(e.target.value) })} /></label>
      <label>{t(lang, 'staff.language')}
        <select value={s.lang} onChange={(e) => setS({ ...s, lang: e.target.value as Lang })}><option value="ja">日本語</option><option value="en">English</option></select>
      </label>
      <label><input type="checkbox" checked={s.readers.card} onChange={(e) => setS({ ...s, readers: { ...s.readers, card: e.target.checked } })} /> card</label>
      <label><input type="checkbox" checked={s.readers.mdoc} onChange={(e) => setS({ ...s, readers: { ...s.readers, mdoc: e.target.checked } })} /> mdoc</label>
      <button onClick={() => void save()} data-testid="settings-save">{t(lang, 'staff.save')}</button>
      <button onClick={() => { setNote(''); setChanging(true); }} data-testid="change-pin-open">{t(lang, 'staff.changePin')}</button>
      {note && <p className="note" data-testid="settings-note">{note}</p>}
    </div>
  );
}
