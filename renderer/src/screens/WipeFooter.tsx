// The footer of the verdict and error screens: the countdown to the wipe and the Next button that
// ends the transaction now.
import type { Lang } from '../../../api/contract.ts';
import type { Connection } from '../api-client.ts';
import { t } from '../i18n.ts';
import { Countdown } from './Countdown.tsx';

export function WipeFooter({ lang, wipeAt, api }: { lang: Lang; wipeAt: number; api: Connection }) {
  return (
    <footer className="verdict-footer">
      <Countdown lang={lang} wipeAt={wipeAt} />
      <button className="next-button" data-testid="next" onClick={() => void api.call('dismiss', {})}>
        {t(lang, 'next')}
      </button>
    </footer>
  );
}
