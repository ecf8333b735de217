// Reader diagnostics: each reader (PC/SC name, last ATR, radios), pcscd, Bluetooth roles, camera,
// a live reader test, and the last ten reader errors with their codes and what to do.
import { useEffect, useState } from 'react';
import type { Diagnostics as Data, Lang, PhoneTransport } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { msg, t, type TKey } from '../../i18n.ts';
import { Button } from './controls.tsx';
import { ReaderTest } from './ReaderTest.tsx';

const FACTS: Record<string, [string, string]> = {
  device: ['装置', 'Device'],
  qr: ['QRコード', 'QR code'],
  nfc: ['NFC（タッチ）', 'NFC (tap)'],
  'ble.central': ['BLE セントラル', 'BLE central'],
  'ble.peripheral': ['BLE ペリフェラル', 'BLE peripheral'],
  radio: ['無線', 'Radio'],
  'pcsc.reader': ['PC/SC リーダー名', 'PC/SC reader'],
  'pcsc.lastAtr': ['最後のカードの ATR', 'ATR of the last card'],
  taps: ['タッチの回数', 'Taps'],
};

function factLabel(lang: Lang, key: string): string {
  const w = FACTS[key];
  return w ? (lang === 'ja' ? w[0] : w[1]) : key;
}

export function Diagnostics({ lang, api, training }: { lang: Lang; api: Connection; training: boolean }) {
  const [d, setD] = useState<Data | null>(null);
  const [err, setErr] = useState('');
  const [pref, setPref] = useState<PhoneTransport | null>(null);
  const load = () =>
    void api.call('staffDiagnostics', {}).then((r) => (r.ok ? setD(r.value) : setErr(msg(lang, r.error))));
  useEffect(load, [api]);
  useEffect(() => {
    void api.call('staffGetSettings', {}).then((r) => {
      if (r.ok) setPref(r.value.phoneTransport);
    });
  }, [api]);
  const choose = (p: PhoneTransport) =>
    void api.call('staffUpdateSettings', { phoneTransport: p }).then((r) => {
      if (r.ok) setPref(r.value.phoneTransport);
    });
  return (
    <div className="diag" data-testid="readers-tab">
      <div className="diag-top">
        <section className="dash-card diag-test">
          <h3>{t(lang, 'rt.title')}</h3>
          <ReaderTest lang={lang} api={api} training={training} />
        </section>
        {d && (
          <section className="dash-card diag-system" data-testid="diag-system">
            <h3>{t(lang, 'diag.system')}</h3>
            <p className={`diag-state ${d.pcscd.state === 'running' ? 'good' : 'bad'}`} data-testid="diag-pcscd">
              pcscd: <strong>{t(lang, `diag.pcscd.${d.pcscd.state}` as TKey)}</strong> <small>{d.pcscd.detail}</small>
            </p>
            <p
              className={`diag-state ${d.ble.state === 'powered_on' || d.ble.state === 'simulated' ? 'good' : 'bad'}`}
              data-testid="diag-ble"
            >
              Bluetooth: <strong>{t(lang, `diag.ble.${d.ble.state}` as TKey)}</strong>{' '}
              <small>
                {t(lang, 'diag.roles')}: central {d.ble.central ? '✓' : '✕'} / peripheral {d.ble.peripheral ? '✓' : '✕'}{' '}
                — {d.ble.detail}
              </small>
            </p>
            <p className="diag-state" data-testid="diag-camera">
              {t(lang, 'diag.camera')}: <strong>{t(lang, d.camera.present ? 'diag.yes' : 'diag.no')}</strong>{' '}
              <small>{d.camera.detail}</small>
            </p>
            <Button kind="quiet" onClick={load}>
              {t(lang, 'diag.refresh')}
            </Button>
          </section>
        )}
      </div>
      {err && <p className="staff-warn">{err}</p>}
      {d && (
        <div className="diag-readers">
          {d.readers.map((r) => (
            <section key={r.kind} className="dash-card diag-reader" data-reader={r.kind} data-state={r.state}>
              <h3>
                {t(lang, r.kind === 'card' ? 'diag.cardReader' : 'diag.phoneReader')}{' '}
                <span className={`pill pill-${r.state === 'ready' ? 'valid' : 'unverified'}`}>
                  {r.enabled ? t(lang, `diag.state.${r.state}` as TKey) : t(lang, 'diag.off')}
                </span>
              </h3>
              <p className="diag-label">{r.label}</p>
              {r.detail && <p className="diag-detail">{r.detail}</p>}
              <dl className="diag-facts">
                {r.facts.map((f) => (
                  <div key={f.key} data-fact={f.key}>
                    <dt>{factLabel(lang, f.key)}</dt>
                    <dd>{f.value}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      )}
      <section className="dash-card diag-transport">
        <h3>{t(lang, 'staff.phoneTransport')}</h3>
        <p className="diag-detail">{t(lang, 'staff.phoneTransportHint')}</p>
        <div className="seg" role="radiogroup" data-testid="phone-transport">
          {(['ble', 'nfc'] as PhoneTransport[]).map((p) => (
            <button
              key={p}
              type="button"
              role="radio"
              aria-checked={p === pref}
              data-phone-transport={p}
              className={p === pref ? 'on active' : ''}
              onClick={() => choose(p)}
            >
              {t(lang, `staff.phoneTransport.${p}` as TKey)}
            </button>
          ))}
        </div>
      </section>
      {d && (
        <section className="dash-card" data-testid="diag-errors">
          <h3>{t(lang, 'diag.errors')}</h3>
          {d.recentErrors.length === 0 && <p className="dash-empty">{t(lang, 'diag.noErrors')}</p>}
          <table className="stable">
            <tbody>
              {d.recentErrors.map((e, i) => (
                <tr key={i} data-code={e.code}>
                  <td>{new Date(e.time).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB')}</td>
                  <td>{t(lang, e.reader === 'card' ? 'diag.cardReader' : 'diag.phoneReader')}</td>
                  <td>
                    <code>{e.code}</code>
                  </td>
                  <td>
                    {lang === 'ja' ? e.messageJa : e.messageEn}
                    <br />
                    <small>→ {lang === 'ja' ? e.nextJa : e.nextEn}</small>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
