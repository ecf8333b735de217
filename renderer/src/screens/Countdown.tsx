import { useEffect, useState } from 'react';
import type { Lang } from '../../../api/contract.ts';
import { t } from '../i18n.ts';

export function Countdown({ lang, wipeAt }: { lang: Lang; wipeAt: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, []);
  const n = Math.max(0, Math.ceil((wipeAt - now) / 1000));
  return (
    <span className="countdown" data-testid="countdown">
      {t(lang, 'wipe.in', { n })}
    </span>
  );
}
