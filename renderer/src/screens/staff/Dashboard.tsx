// A day at a glance, the first staff tab: checks per hour today (or per day over 7 / 30 days) as a
// bar chart (uPlot, bundled: no network), outcome shares, the five commonest failure reasons in
// plain words, credential types and the median time from tap to verdict. All from the audit log
// (staffDashboard), which holds no personal data.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Dashboard as Data, Lang } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { msg, t, type TKey } from '../../i18n.ts';
import { Segmented } from './controls.tsx';

type Range = 'today' | '7d' | '30d';
export const OUTCOME_COLORS = {
  valid: '#0b6b2f',
  invalid: '#9b1111',
  unverified: '#b06a00',
  cancelled: '#6b7785',
} as const;
export const OUTCOMES = ['valid', 'invalid', 'unverified', 'cancelled'] as const;

function bucketLabel(d: Data, i: number, lang: Lang): string {
  const local = new Date(Date.parse(d.buckets[i]!.start) + d.utcOffsetMinutes * 60_000);
  if (d.bucket === 'hour') return lang === 'ja' ? `${local.getUTCHours()}時` : `${local.getUTCHours()}:00`;
  return `${local.getUTCMonth() + 1}/${local.getUTCDate()}`;
}

function Chart({ data, lang, started }: { data: Data; lang: Lang; started: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = data.buckets.map((_, i) => i);
    const total = data.buckets.map((b) => b.counts.valid + b.counts.invalid + b.counts.unverified + b.counts.cancelled);
    const valid = data.buckets.map((b) => b.counts.valid);
    const font = `${Math.max(12, Math.round(window.innerHeight * 0.02))}px 'Noto Sans CJK JP', sans-serif`;
    const bars = uPlot.paths.bars!({ size: [0.7, 80] });
    const rect = el.getBoundingClientRect();
    const plot = new uPlot(
      {
        width: Math.max(320, Math.floor(rect.width)),
        height: Math.max(180, Math.floor(rect.height)),
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [-0.6, xs.length - 0.4] },
          y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
        },
        axes: [
          {
            font,
            stroke: '#1d2b3a',
            grid: { show: false },
            ticks: { show: false },
            splits: () => xs.filter((i) => xs.length <= 12 || i % Math.ceil(xs.length / 12) === 0),
            values: (_u, v) => v.map((i) => bucketLabel(data, i, lang)),
          },
          { font, stroke: '#1d2b3a', grid: { stroke: '#dde3ea' }, size: 60 },
        ],
        series: [
          {},
          {
            label: t(lang, 'dash.notValid'),
            fill: OUTCOME_COLORS.invalid,
            stroke: OUTCOME_COLORS.invalid,
            paths: bars,
            points: { show: false },
          },
          {
            label: t(lang, 'out.valid'),
            fill: OUTCOME_COLORS.valid,
            stroke: OUTCOME_COLORS.valid,
            paths: bars,
            points: { show: false },
          },
        ],
        hooks: {
          draw: [
            () => {
              el.dataset.rendered = '1';
              window.__kakuninDashboard = {
                range: data.range,
                ms: Math.round(performance.now() - started),
                rows: data.total,
              };
            },
          ],
        },
      },
      [xs, total, valid],
      el,
    );
    return () => plot.destroy();
  }, [data, lang, started]);
  return (
    <div
      className="dash-chart"
      ref={box}
      data-testid="dash-chart"
      role="img"
      aria-label={t(lang, 'dash.chartLabel', { n: data.total })}
    />
  );
}

export function Dashboard({ lang, api }: { lang: Lang; api: Connection }) {
  const [range, setRange] = useState<Range>('today');
  const [data, setData] = useState<Data | null>(null);
  const [started, setStarted] = useState(0);
  const [err, setErr] = useState('');
  useEffect(() => {
    const t0 = performance.now();
    setStarted(t0);
    void api.call('staffDashboard', { range }).then((r) => (r.ok ? setData(r.value) : setErr(msg(lang, r.error))));
  }, [api, range, lang]);
  const pct = (n: number) => (data && data.total ? `${Math.round((n / data.total) * 100)}%` : '—');
  const width = (n: number) => (data && data.total ? `${(n / data.total) * 100}%` : '0%');
  return (
    <div className="dashboard" data-testid="dashboard" data-range={range}>
      <div className="dash-head">
        <Segmented<Range>
          testid="dash-range"
          value={range}
          onChange={setRange}
          options={[
            { value: 'today', label: t(lang, 'dash.today') },
            { value: '7d', label: t(lang, 'dash.7d') },
            { value: '30d', label: t(lang, 'dash.30d') },
          ]}
        />
        {data && (
          <p className="dash-total" data-testid="dash-total">
            <strong>{data.total}</strong> {t(lang, 'dash.checks')}
          </p>
        )}
        {data && (
          <p className="dash-median" data-testid="dash-median">
            {t(lang, 'dash.median')}:{' '}
            <strong>{data.medianMs === null ? '—' : `${(data.medianMs / 1000).toFixed(1)} s`}</strong>
          </p>
        )}
      </div>
      {err && <p className="staff-warn">{err}</p>}
      {data && (
        <>
          <div className="dash-grid">
            <section className="dash-card dash-chart-card">
              <h3>{t(lang, data.bucket === 'hour' ? 'dash.perHour' : 'dash.perDay')}</h3>
              <Chart data={data} lang={lang} started={started} />
              <p className="dash-legend">
                <i style={{ background: OUTCOME_COLORS.valid }} />
                {t(lang, 'out.valid')} <i style={{ background: OUTCOME_COLORS.invalid }} />
                {t(lang, 'dash.notValid')}
              </p>
            </section>
            <div className="dash-side">
              <section className="dash-card" data-testid="dash-outcomes">
                <h3>{t(lang, 'dash.outcomes')}</h3>
                {OUTCOMES.map((k) => (
                  <div key={k} className="share" data-outcome={k}>
                    <span className="share-label">{t(lang, `out.${k}` as TKey)}</span>
                    <span className="share-bar">
                      <span style={{ width: width(data.outcomes[k]), background: OUTCOME_COLORS[k] }} />
                    </span>
                    <span className="share-num">
                      {data.outcomes[k]} <small>({pct(data.outcomes[k])})</small>
                    </span>
                  </div>
                ))}
              </section>
              <section className="dash-card" data-testid="dash-failures">
                <h3>{t(lang, 'dash.failures')}</h3>
                {data.topFailures.length === 0 && <p className="dash-empty">{t(lang, 'dash.noFailures')}</p>}
                <ol className="dash-list">
                  {data.topFailures.map((f) => (
                    <li key={f.code} data-code={f.code}>
                      <span>{lang === 'ja' ? f.ja : f.en}</span>
                      <strong>{f.count}</strong>
                    </li>
                  ))}
                </ol>
              </section>
              <section className="dash-card" data-testid="dash-credentials">
                <h3>{t(lang, 'dash.credentials')}</h3>
                {data.credentials.map((c) => (
                  <div key={c.key} className="share" data-credential={c.key}>
                    <span className="share-label">{lang === 'ja' ? c.ja : c.en}</span>
                    <span className="share-bar">
                      <span style={{ width: width(c.count), background: '#1d5fa8' }} />
                    </span>
                    <span className="share-num">
                      {c.count} <small>({pct(c.count)})</small>
                    </span>
                  </div>
                ))}
                {data.credentials.length === 0 && <p className="dash-empty">{t(lang, 'dash.none')}</p>}
              </section>
            </div>
          </div>
          {data.trainingExcluded > 0 && (
            <p className="dash-note">{t(lang, 'dash.trainingExcluded', { n: data.trainingExcluded })}</p>
          )}
        </>
      )}
    </div>
  );
}
