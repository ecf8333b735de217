// "Hold a card or phone to the reader now": the host's reader test (staffReaderTest) says which
// reader saw it and what kind of credential it is; nothing is read from it. In training the
// simulated card and phone are offered as buttons, as on the idle screen.
import { useEffect, useRef, useState } from 'react';
import type { Lang, ReaderTest as Result } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { msg, t } from '../../i18n.ts';
import { Button } from './controls.tsx';

const WAIT_MS = 20_000;

/** The training buttons: a simulated card or phone on the reader. */
const PRESENT = [
  { testid: 'rt-present-card', scenario: 'card-ok', label: 'rt.card' },
  { testid: 'rt-present-phone', scenario: 'phone-ok', label: 'rt.phone' },
] as const;

export function ReaderTest({ lang, api, training }: { lang: Lang; api: Connection; training: boolean }) {
  const [state, setState] = useState<'idle' | 'waiting' | 'done'>('idle');
  const [result, setResult] = useState<Result | null>(null);
  const [err, setErr] = useState('');
  const [left, setLeft] = useState(0);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
    },
    [],
  );

  const start = async () => {
    setState('waiting');
    setResult(null);
    setErr('');
    const until = Date.now() + WAIT_MS;
    setLeft(Math.ceil(WAIT_MS / 1000));
    timer.current = setInterval(() => setLeft(Math.max(0, Math.ceil((until - Date.now()) / 1000))), 250);
    const r = await api.call('staffReaderTest', { timeoutMs: WAIT_MS });
    if (timer.current) clearInterval(timer.current);
    setState('done');
    if (r.ok) setResult(r.value);
    else setErr(msg(lang, r.error));
  };

  return (
    <div className="reader-test" data-testid="reader-test" data-state={state}>
      {state !== 'waiting' && (
        <Button kind="primary" testid="reader-test-start" onClick={() => void start()}>
          {t(lang, state === 'idle' ? 'rt.start' : 'rt.again')}
        </Button>
      )}
      {state === 'waiting' && (
        <div className="rt-waiting">
          <div className="spinner small" aria-hidden="true" />
          <p className="rt-now">{t(lang, 'rt.now')}</p>
          <p className="rt-left">{t(lang, 'rt.left', { n: left })}</p>
          {training && (
            <div className="rt-training">
              <span>{t(lang, 'trainingPanel')}</span>
              {PRESENT.map((p) => (
                <button
                  key={p.testid}
                  type="button"
                  className="sbtn sbtn-quiet"
                  data-testid={p.testid}
                  onClick={() => void api.call('trainingPresent', { scenario: p.scenario })}
                >
                  {t(lang, p.label)}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
      {result && result.seen && (
        <div
          className="rt-result ok"
          data-testid="reader-test-result"
          data-credential={result.credential}
          role="status"
        >
          <div className="rt-mark" aria-hidden="true">
            ✓
          </div>
          <div>
            <p className="rt-what">{t(lang, result.credential === 'card' ? 'rt.sawCard' : 'rt.sawPhone')}</p>
            <p className="rt-which">
              {t(lang, 'rt.reader')}: {result.readerLabel}
            </p>
            <p className="rt-detail">
              {lang === 'ja' ? result.detailJa : result.detailEn} · {(result.ms / 1000).toFixed(1)} s
            </p>
            <p className="rt-note">{t(lang, 'rt.nothingRead')}</p>
          </div>
        </div>
      )}
      {result && !result.seen && (
        <p className="staff-warn" data-testid="reader-test-result" data-credential="none">
          {t(lang, 'rt.none')}
        </p>
      )}
      {err && (
        <p className="staff-warn" role="alert">
          {err}
        </p>
      )}
    </div>
  );
}
