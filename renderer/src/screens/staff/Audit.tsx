// The audit log for staff: filters (date range, outcome, credential, mode), pages of rows newest
// first, the chain status with the latest checkpoint, export of the filtered range (CSV / JSON) in
// chunks with a progress bar, and the printable daily summary.
import { useEffect, useState } from 'react';
import type { ApiError, AuditFilter, AuditView, Lang, Mode, OutcomeClass } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { modeLabel, msg, t, type TKey } from '../../i18n.ts';
import { Button, DayStepper, localDay, localMidnight, ProgressBar, Segmented } from './controls.tsx';
import { DailySummary } from './DailySummary.tsx';

const PAGE = 12;
type Span = 'all' | 'today' | '7d' | 'custom';

function spanFilter(span: Span, from: string, to: string): Pick<AuditFilter, 'from' | 'to'> {
  const today = localDay(new Date());
  const next = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  if (span === 'all') return {};
  if (span === 'today') return { from: localMidnight(today), to: localMidnight(next(today)) };
  if (span === '7d')
    return {
      from: localMidnight(new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10)),
      to: localMidnight(next(today)),
    };
  return { from: localMidnight(from), to: localMidnight(next(to)) };
}

export function chainText(lang: Lang, v: Pick<AuditView, 'chain'>): string {
  const c = v.chain;
  if (c.ok === null) return t(lang, 'staff.chainUnknown');
  if (!c.ok)
    return `${t(lang, 'staff.chainBroken')} (seq ${c.firstBroken?.seq ?? '?'}: ${c.firstBroken?.reason ?? ''})`;
  return t(lang, 'staff.chainOk');
}

export function Audit({ lang, api }: { lang: Lang; api: Connection }) {
  const today = localDay(new Date());
  const f = useFilterState(today);
  const [page, setPage] = useState(0);
  const [view, setView] = useState<AuditView | null>(null);
  const [err, setErr] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number; format: string } | null>(null);
  const [summaryDay, setSummaryDay] = useState<string | null>(null);

  const key = JSON.stringify(f.filter);
  useEffect(() => {
    void api
      .call('staffAuditView', { filter: f.filter, page, pageSize: PAGE })
      .then((r) => (r.ok ? (setView(r.value), setErr('')) : setErr(msg(lang, r.error))));
  }, [api, key, page]);
  useEffect(() => setPage(0), [key]);

  const exportAs = async (format: 'csv' | 'json') => {
    setProgress({ done: 0, total: view?.total ?? 0, format });
    const failed = await exportInChunks(api, format, f.filter, (done, total) => setProgress({ done, total, format }));
    if (failed) {
      setErr(msg(lang, failed));
      setProgress(null);
    }
  };

  if (summaryDay) return <DailySummary lang={lang} api={api} day={summaryDay} onClose={() => setSummaryDay(null)} />;
  const pages = view ? Math.max(1, Math.ceil(view.total / PAGE)) : 1;
  const exporting = !!progress && progress.done < progress.total;
  return (
    <div className="audit" data-testid="audit-tab">
      {view && <ChainBanner lang={lang} view={view} />}
      <AuditFilters lang={lang} view={view} f={f} />
      <div className="audit-actions">
        <span className="audit-count" data-testid="audit-count">
          {t(lang, 'audit.count', { n: view?.total ?? 0 })}
        </span>
        <Button testid="export-csv" disabled={exporting} onClick={() => void exportAs('csv')}>
          CSV {t(lang, 'staff.export')}
        </Button>
        <Button testid="export-json" disabled={exporting} onClick={() => void exportAs('json')}>
          JSON {t(lang, 'staff.export')}
        </Button>
        <Button testid="print-summary" onClick={() => setSummaryDay(f.span === 'custom' ? f.from : today)}>
          {t(lang, 'audit.daily')}
        </Button>
      </div>
      {progress && <ProgressBar testid="export-progress" done={progress.done} total={progress.total} />}
      {err && (
        <p className="staff-warn" role="alert">
          {err}
        </p>
      )}
      <AuditRows lang={lang} view={view} />
      <div className="pager" data-testid="pager">
        <Button kind="quiet" disabled={page === 0} onClick={() => setPage(page - 1)}>
          ‹ {t(lang, 'audit.prev')}
        </Button>
        <span data-testid="page-no">
          {page + 1} / {pages}
        </span>
        <Button kind="quiet" testid="page-next" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
          {t(lang, 'audit.next')} ›
        </Button>
      </div>
    </div>
  );
}

/** The filter's choices and the AuditFilter they make (a custom range never ends before it starts). */
function useFilterState(today: string) {
  const [span, setSpan] = useState<Span>('all');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [outcome, setOutcome] = useState<OutcomeClass | 'all'>('all');
  const [credential, setCredential] = useState<string>('all');
  const [mode, setMode] = useState<string>('all');
  const filter: AuditFilter = {
    ...spanFilter(span, from, to),
    ...(outcome !== 'all' ? { outcome } : {}),
    ...(credential !== 'all' ? { credential } : {}),
    ...(mode !== 'all' ? { mode } : {}),
  };
  return {
    filter,
    span,
    setSpan,
    from,
    setFrom: (d: string) => {
      setFrom(d);
      if (d > to) setTo(d);
    },
    to,
    setTo: (d: string) => {
      setTo(d);
      if (d < from) setFrom(d);
    },
    outcome,
    setOutcome,
    credential,
    setCredential,
    mode,
    setMode,
  };
}
type FilterState = ReturnType<typeof useFilterState>;

/** Export the filtered range 500 rows a call, then hand the file to the browser; an API failure is returned. */
async function exportInChunks(
  api: Connection,
  format: 'csv' | 'json',
  filter: AuditFilter,
  onProgress: (done: number, total: number) => void,
): Promise<ApiError | null> {
  const parts: string[] = [];
  let after: number | null = null;
  let name: string;
  let mime: string;
  do {
    const r: Awaited<ReturnType<typeof api.call<'staffAuditExport'>>> = await api.call('staffAuditExport', {
      format,
      filter,
      after,
      limit: 500,
    });
    if (!r.ok) return r.error;
    parts.push(r.value.text);
    name = r.value.fileName;
    mime = r.value.mime;
    onProgress(r.value.done, r.value.total);
    after = r.value.next;
  } while (after !== null);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(parts, { type: mime }));
  a.download = name;
  a.click();
  return null;
}

/** Whether the chain verifies, where the log is, its head and the latest checkpoint. */
function ChainBanner({ lang, view }: { lang: Lang; view: AuditView }) {
  const cp = view.chain.checkpoint;
  return (
    <div
      className={`audit-chain ${view.chain.ok === false ? 'bad' : view.chain.ok ? 'good' : ''}`}
      data-testid="audit-chain"
    >
      <strong>{chainText(lang, view)}</strong>
      <span data-testid="audit-location">
        {t(lang, 'audit.location')}: {view.location.kind === 'sqlite' ? view.location.path : t(lang, 'audit.memory')}
      </span>
      <span>
        {view.chain.head
          ? `${t(lang, 'audit.head')}: #${view.chain.head.seq} ${view.chain.head.hash.slice(0, 16)}…`
          : t(lang, 'audit.empty')}
      </span>
      <span data-testid="audit-checkpoint">
        {cp
          ? `${t(lang, 'audit.checkpoint')}: #${cp.seq} ${cp.hash.slice(0, 16)}… (${cp.createdAt.slice(0, 16).replace('T', ' ')})`
          : `${t(lang, 'audit.checkpoint')}: —`}
      </span>
    </div>
  );
}

const modeName = (lang: Lang, m: string) =>
  ['age-over-20', 'identity', 'entrance'].includes(m) ? modeLabel(lang, m as Mode) : m;

/** Span (with a custom day range), outcome, credential and mode. */
function AuditFilters({ lang, view, f }: { lang: Lang; view: AuditView | null; f: FilterState }) {
  return (
    <div className="audit-filters" data-testid="audit-filters">
      <Segmented<Span>
        testid="f-span"
        value={f.span}
        onChange={f.setSpan}
        options={[
          { value: 'all', label: t(lang, 'audit.all') },
          { value: 'today', label: t(lang, 'dash.today') },
          { value: '7d', label: t(lang, 'dash.7d') },
          { value: 'custom', label: t(lang, 'audit.custom') },
        ]}
      />
      {f.span === 'custom' && (
        <span className="audit-days">
          <DayStepper testid="f-from" day={f.from} onChange={f.setFrom} /> 〜{' '}
          <DayStepper testid="f-to" day={f.to} onChange={f.setTo} />
        </span>
      )}
      <Segmented<OutcomeClass | 'all'>
        testid="f-outcome"
        value={f.outcome}
        onChange={f.setOutcome}
        options={[
          { value: 'all', label: t(lang, 'audit.allOutcomes') },
          ...(['valid', 'invalid', 'unverified', 'cancelled'] as const).map((k) => ({
            value: k,
            label: t(lang, `out.${k}` as TKey),
          })),
        ]}
      />
      <Segmented<string>
        testid="f-credential"
        value={f.credential}
        onChange={f.setCredential}
        options={[
          { value: 'all', label: t(lang, 'audit.allCredentials') },
          ...(view?.credentials ?? []).map((c) => ({ value: c.key, label: lang === 'ja' ? c.ja : c.en })),
        ]}
      />
      <Segmented<string>
        testid="f-mode"
        value={f.mode}
        onChange={f.setMode}
        options={[
          { value: 'all', label: t(lang, 'audit.allModes') },
          ...(view?.modes ?? []).map((m) => ({ value: m, label: modeName(lang, m) })),
        ]}
      />
    </div>
  );
}

/** One page of rows: outcomes and reasons only (the audit log holds no personal data). */
function AuditRows({ lang, view }: { lang: Lang; view: AuditView | null }) {
  return (
    <table className="stable" data-testid="audit-rows">
      <thead>
        <tr>
          <th>#</th>
          <th>{t(lang, 'audit.time')}</th>
          <th>{t(lang, 'audit.mode')}</th>
          <th>{t(lang, 'audit.outcome')}</th>
          <th>{t(lang, 'audit.credential')}</th>
          <th>{t(lang, 'audit.reason')}</th>
          <th>{t(lang, 'audit.ms')}</th>
        </tr>
      </thead>
      <tbody>
        {view?.rows.map((r) => (
          <tr key={r.seq} data-outcome={r.outcomeClass ?? 'unreadable'}>
            <td>{r.seq}</td>
            <td>{r.unreadable ? '—' : new Date(r.time).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB')}</td>
            <td>{r.unreadable ? '' : modeName(lang, r.mode)}</td>
            <td>
              <span className={`pill pill-${r.outcomeClass ?? 'bad'}`}>
                {r.unreadable ? t(lang, 'audit.unreadable') : t(lang, `out.${r.outcomeClass}` as TKey)}
              </span>
              {r.training ? <small className="pill-training"> {t(lang, 'audit.training')}</small> : null}
            </td>
            <td>{view.credentials.find((c) => c.key === r.credential)?.[lang] ?? r.credential}</td>
            <td className="reason">
              {r.reason && <span className="reason-words">{lang === 'ja' ? r.reasonJa : r.reasonEn}</span>}
              <code>{[r.reason, ...r.failedChecks].filter(Boolean).join(' ')}</code>
            </td>
            <td>{r.totalMs === null ? '' : (r.totalMs / 1000).toFixed(1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
