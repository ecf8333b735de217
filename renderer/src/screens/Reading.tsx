import type { Lang, Screen } from '../../../api/contract.ts';
import { t } from '../i18n.ts';

const STEPS = ['detected', 'engaged', 'reading', 'verifying'] as const;

export function ReadingScreen({ lang, screen }: { lang: Lang; screen: Extract<Screen, { screen: 'reading' }> }) {
  const idx = STEPS.indexOf(screen.step);
  return (
    <section className="reading" data-testid="reading" data-step={screen.step}>
      <div className="spinner" aria-hidden="true" />
      <h1 className="reading-title">{t(lang, `step.${screen.step}`)}…</h1>
      <p className="reading-keep">
        {t(lang, 'reading.keep')}（{t(lang, screen.reader === 'card' ? 'reading.card' : 'reading.mdoc')}）
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(screen.fraction * 100)}
      >
        <div
          className="progress-fill"
          style={{ width: `${Math.round(Math.max(screen.fraction, (idx + 1) / (STEPS.length + 1)) * 100)}%` }}
        />
      </div>
      <ol className="steps">
        {STEPS.map((s, i) => (
          <li key={s} className={i < idx ? 'done' : i === idx ? 'current' : ''}>
            {t(lang, `step.${s}`)}
          </li>
        ))}
      </ol>
    </section>
  );
}
