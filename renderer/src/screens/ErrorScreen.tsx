import { t } from '../i18n.ts';
import type { ScreenProps } from './screen-props.ts';
import { WipeFooter } from './WipeFooter.tsx';

function WarnMark() {
  return (
    <svg viewBox="0 0 200 180" className="mark mark-error" role="img" aria-label="!">
      <polygon points="100,8 192,172 8,172" fill="#fff" stroke="#7a4d00" strokeWidth="14" strokeLinejoin="round" />
      <rect x="90" y="58" width="20" height="66" rx="6" fill="#7a4d00" />
      <circle cx="100" cy="148" r="12" fill="#7a4d00" />
    </svg>
  );
}

export function ErrorScreen({ lang, screen, api }: ScreenProps<'error'>) {
  const e = screen.error;
  return (
    <section className="error" data-testid="error" data-code={e.code}>
      <div className="error-band">
        <WarnMark />
        <div>
          <div className="error-title">{t(lang, 'error.title')}</div>
          <div className="error-message" data-testid="error-message">
            {lang === 'ja' ? e.messageJa : e.messageEn}
          </div>
        </div>
      </div>
      <div className="error-next">
        <div className="error-next-label">{t(lang, 'error.next')}</div>
        <div className="error-next-text" data-testid="error-next">
          {lang === 'ja' ? e.nextJa : e.nextEn}
        </div>
        <div className="error-code">code: {e.code}</div>
      </div>
      <WipeFooter lang={lang} wipeAt={screen.wipeAt} api={api} />
    </section>
  );
}
