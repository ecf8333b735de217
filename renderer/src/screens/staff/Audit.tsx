// The audit log for staff: filters (date range, outcome, credential, mode), pages of rows newest
// first, the chain status with the latest checkpoint, export of the filtered range (CSV / JSON) in
// chunks with a progress bar, and the printable daily summary.
import { useEffect, useState } from 'react';
import type { AuditFilter, AuditView, Lang, Mode, OutcomeClass } from '../../../../api/contract.ts';
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
  const [span, setSpan] = useState<Span>('all');
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [outcome, setOutcome] = useState<OutcomeClass | 'all'>('all');
  const [credential, setCredential] = useState<string>('all');
  const [mode, setMode] = useState<string>('all');
  const [page, setPage] = useState(0);
  const [view, setView] = useState<AuditView | null>(null);
  const [err, setErr] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number; format: string } | null>(null);
  const [summaryDay, setSummaryDay] = useState<string | null>(null);

  const filter: AuditFilter = {
    ...spanFilter(span, from, to),
    ...(outcome !== 'all' ? { outcome } : {}),
    ...(credential !== 'all' ? { credential } : {}),
    ...(mode !== 'all' ? { mode } : {}),
  };
  const key = JSON.stringify(filter);
  useEffect(() => {
    void api
      .call('staffAuditView', { filter, page, pageSize: PAGE })
      .then((r) => (r.ok ? (setView(r.value), setErr('')) : setErr(msg(lang, r.error))));
  }, [api, key, page]);
  useEffect(() => setPage(0), [key]);

  const exportAs = async (format: 'csv' | 'json') => {
    const parts: string[] = [];
    let after: number | null = null;
    let name: string;
    let mime: string;
    setProgress({ done: 0, total: view?.total ?? 0, format });
    do {
      const r: Awaited<ReturnType<typeof api.call<'staffAuditExport'>>> = await api.call('staffAuditExport', {
        format,
        filter,
        after,
        limit: 500,
      });
      if (!r.ok) {
        setErr(msg(lang, r.error));
        setProgress(null);
        return;
      }
      parts.push(r.value.text);
      name = r.value.fileName;
      mime = r.value.mime;
      setProgress({ done: r.value.done, total: r.value.total, format });
      after = r.value.next;
    } while (after !== null);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob(parts, { type: mime }));
    a.download = name;
    a.click();
  };

  if (summaryDay) return <DailySummary lang={lang} api={api} day={summaryDay} onClose={() => setSummaryDay(null)} />;
  const pages = view ? Math.max(1, Math.ceil(view.total / PAGE)) : 1;
  return (
    <div className="audit" data-testid="audit-tab">
      {view && (
        <div
          className={`audit-chain ${view.chain.ok === false ? 'bad' : view.chain.ok ? 'good' : ''}`}
          data-testid="audit-chain"
        >
          <strong>{chainText(lang, view)}</strong>
          <span data-testid="audit-location">
            {t(lang, 'audit.location')}:{' '}
            {view.location.kind === 'sqlite' ? view.location.path : t(lang, 'audit.memory')}
          </span>
          <span>
            {view.chain.head
              ? `${t(lang, 'audit.head')}: #${view.chain.head.seq} ${view.chain.head.hash.slice(0, 16)}…`
              : t(lang, 'audit.empty')}
          </span>
          <span data-testid="audit-checkpoint">
            {view.chain.checkpoint
              ? `${t(lang, 'audit.checkpoint')}: #${view.chain.checkpoint.seq} ${view.chain.checkpoint.hash.slice(0, 16)}… (${view.chain.checkpoint.createdAt.slice(0, 16).replace('T', ' ')})`
              : `${t(lang, 'audit.checkpoint')}: —`}
          </span>
        </div>
      )}
      <div className="audit-filters" data-testid="audit-filters">
        <Segmented<Span>
          testid="f-span"
          value={span}
          onChange={setSpan}
          options={[
            { value: 'all', label: t(lang, 'audit.all') },
            { value: 'today', label: t(lang, 'dash.today') },
            { value: '7d', label: t(lang, 'dash.7d') },
            { value: 'custom', label: t(lang, 'audit.custom') },
          ]}
        />
        {span === 'custom' && (
          <span className="audit-days">
            <DayStepper
              testid="f-from"
              day={from}
              onChange={(d) => {
                setFrom(d);
                if (d > to) setTo(d);
              }}
            />{' '}
            〜{' '}
            <DayStepper
              testid="f-to"
              day={to}
              onChange={(d) => {
                setTo(d);
                if (d < from) setFrom(d);
              }}
            />
          </span>
        )}
        <Segmented<OutcomeClass | 'all'>
          testid="f-outcome"
          value={outcome}
          onChange={setOutcome}
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
          value={credential}
          onChange={setCredential}
          options={[
            { value: 'all', label: t(lang, 'audit.allCredentials') },
            ...(view?.credentials ?? []).map((c) => ({ value: c.key, label: lang === 'ja' ? c.ja : c.en })),
          ]}
        />
        <Segmented<string>
          testid="f-mode"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'all', label: t(lang, 'audit.allModes') },
            ...(view?.modes ?? []).map((m) => ({
              value: m,
              label: ['age-over-20', 'identity', 'entrance'].includes(m) ? modeLabel(lang, m as Mode) : m,
            })),
          ]}
        />
      </div>
      <div className="audit-actions">
        <span className="audit-count" data-testid="audit-count">
          {t(lang, 'audit.count', { n: view?.total ?? 0 })}
        </span>
        <Button
          testid="export-csv"
          disabled={!!progress && progress.done < progress.total}
          onClick={() => void exportAs('csv')}
        >
          CSV {t(lang, 'staff.export')}
        </Button>
        <Button
          testid="export-json"
          disabled={!!progress && progress.done < progress.total}
          onClick={() => void exportAs('json')}
        >
          JSON {t(lang, 'staff.export')}
        </Button>
        <Button testid="print-summary" onClick={() => setSummaryDay(span === 'custom' ? from : today)}>
          {t(lang, 'audit.daily')}
        </Button>
      </div>
      {progress && <ProgressBar testid="export-progress" done={progress.done} total={progress.total} />}
      {err && (
        <p className="staff-warn" role="alert">
          {err}
        </p>
      )}
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
              <td>
                {r.unreadable
                  ? ''
                  : ['age-over-20', 'identity', 'entrance'].includes(r.mode)
                    ? modeLabel(lang, r.mode as Mode)
                    : r.mode}
              </td>
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
