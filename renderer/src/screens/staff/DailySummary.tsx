// The printable daily summary a manager files: one local day's checks by hour, outcomes, the top
// failure reasons, credentials, the median time and the audit chain status. Printed with the
// browser's print (the print stylesheet keeps only this sheet, black on white, A4).
import { useEffect, useState } from 'react';
import type { AuditView, Dashboard as Data, Lang } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { msg, t, type TKey } from '../../i18n.ts';
import { chainText } from './Audit.tsx';
import { Button, DayStepper } from './controls.tsx';
import { OUTCOMES } from './Dashboard.tsx';

export function DailySummary({
  lang,
  api,
  day: first,
  onClose,
}: {
  lang: Lang;
  api: Connection;
  day: string;
  onClose(): void;
}) {
  const [day, setDay] = useState(first);
  const [data, setData] = useState<Data | null>(null);
  const [view, setView] = useState<AuditView | null>(null);
  const [err, setErr] = useState('');
  useEffect(() => {
    void api.call('staffDashboard', { day }).then((r) => (r.ok ? setData(r.value) : setErr(msg(lang, r.error))));
    void api.call('staffAuditView', { filter: {}, page: 0, pageSize: 1 }).then((r) => r.ok && setView(r.value));
  }, [api, day]);
  return (
    <div className="daily" data-testid="daily-summary">
      <div className="daily-tools no-print">
        <Button kind="quiet" onClick={onClose}>
          ‹ {t(lang, 'daily.back')}
        </Button>
        <DayStepper testid="daily-day" day={day} onChange={setDay} />
        <Button kind="primary" testid="daily-print" onClick={() => window.print()}>
          {t(lang, 'daily.print')}
        </Button>
      </div>
      {err && <p className="staff-warn">{err}</p>}
      {data && (
        <article className="daily-sheet" data-testid="daily-sheet">
          <header>
            <h1>
              {t(lang, 'daily.title')} — {day}
            </h1>
            <p>
              {t(lang, 'daily.generated')} {new Date().toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB')}
            </p>
          </header>
          <DailyFigures lang={lang} data={data} />
          <HoursTable lang={lang} data={data} />
          <FailuresAndCredentials lang={lang} data={data} />
          {view && <SheetFooter lang={lang} data={data} view={view} />}
        </article>
      )}
    </div>
  );
}

/** The day's totals: all checks, each outcome, the median time. */
function DailyFigures({ lang, data }: { lang: Lang; data: Data }) {
  return (
    <section className="daily-figures">
      <div>
        <span>{t(lang, 'daily.total')}</span>
        <strong data-testid="daily-total">{data.total}</strong>
      </div>
      {OUTCOMES.map((k) => (
        <div key={k}>
          <span>{t(lang, `out.${k}` as TKey)}</span>
          <strong>{data.outcomes[k]}</strong>
        </div>
      ))}
      <div>
        <span>{t(lang, 'dash.median')}</span>
        <strong>{data.medianMs === null ? '—' : `${(data.medianMs / 1000).toFixed(1)} s`}</strong>
      </div>
    </section>
  );
}

const checksIn = (b: Data['buckets'][number]) => OUTCOMES.reduce((s, k) => s + b.counts[k], 0);

/** Checks per hour: a bar, the count, valid and not valid. */
function HoursTable({ lang, data }: { lang: Lang; data: Data }) {
  const max = Math.max(1, ...data.buckets.map(checksIn));
  return (
    <section>
      <h2>{t(lang, 'dash.perHour')}</h2>
      <table className="daily-hours">
        <tbody>
          {data.buckets.map((b, i) => {
            const n = checksIn(b);
            return (
              <tr key={b.start}>
                <th>{String(i).padStart(2, '0')}:00</th>
                <td>
                  <span className="daily-bar" style={{ width: `${(n / max) * 100}%` }} />
                </td>
                <td>{n}</td>
                <td>{b.counts.valid}</td>
                <td>{n - b.counts.valid}</td>
              </tr>
            );
          })}
        </tbody>
        <thead>
          <tr>
            <th />
            <th />
            <th>{t(lang, 'daily.total')}</th>
            <th>{t(lang, 'out.valid')}</th>
            <th>{t(lang, 'dash.notValid')}</th>
          </tr>
        </thead>
      </table>
    </section>
  );
}

/** The top failure reasons in plain words, and the credential types. */
function FailuresAndCredentials({ lang, data }: { lang: Lang; data: Data }) {
  return (
    <section className="daily-two">
      <div>
        <h2>{t(lang, 'dash.failures')}</h2>
        <ol>
          {data.topFailures.map((f) => (
            <li key={f.code}>
              {lang === 'ja' ? f.ja : f.en} — {f.count}
            </li>
          ))}
        </ol>
        {data.topFailures.length === 0 && <p>{t(lang, 'dash.noFailures')}</p>}
      </div>
      <div>
        <h2>{t(lang, 'dash.credentials')}</h2>
        <ul>
          {data.credentials.map((c) => (
            <li key={c.key}>
              {lang === 'ja' ? c.ja : c.en} — {c.count}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

/** The audit chain status, where the log is, and a line for the manager's signature. */
function SheetFooter({ lang, data, view }: { lang: Lang; data: Data; view: AuditView }) {
  return (
    <footer>
      <p>
        <strong>{chainText(lang, view)}</strong>
        {view.chain.head ? ` · ${t(lang, 'audit.head')} #${view.chain.head.seq} ${view.chain.head.hash}` : ''}
      </p>
      <p>
        {view.location.kind === 'sqlite' ? view.location.path : t(lang, 'audit.memory')}
        {data.trainingExcluded ? ` · ${t(lang, 'dash.trainingExcluded', { n: data.trainingExcluded })}` : ''}
      </p>
      <p className="daily-sign">{t(lang, 'daily.checkedBy')} ____________________</p>
    </footer>
  );
}
