// The verdict, readable from two metres: a full-height band whose COLOUR and SHAPE both carry the
// answer (green circle with a tick vs red octagon with a cross), plus one or two huge words, so
// staff with red-green colour blindness read the shape and the word, not the hue.
import { useState } from 'react';
import type { Lang, Mode, Screen } from '../../../main/api/contract.ts';
import type { Connection } from '../api-client.ts';
import { t, msg } from '../i18n.ts';
import { Countdown } from './Countdown.tsx';

export function ValidMark() {
  return (
    <svg viewBox="0 0 200 200" className="mark mark-valid" data-testid="mark-valid" role="img" aria-label="OK">
      <circle cx="100" cy="100" r="90" fill="#fff" stroke="#0b6b2f" strokeWidth="14" />
      <path d="M52 104 L86 138 L150 66" fill="none" stroke="#0b6b2f" strokeWidth="22" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function InvalidMark() {
  // An octagon (stop sign) with a cross: a different outline from the valid circle.
  return (
    <svg viewBox="0 0 200 200" className="mark mark-invalid" data-testid="mark-invalid" role="img" aria-label="NG">
      <polygon points="62,8 138,8 192,62 192,138 138,192 62,192 8,138 8,62" fill="#fff" stroke="#9b1111" strokeWidth="14" />
      <path d="M60 60 L140 140 M140 60 L60 140" stroke="#9b1111" strokeWidth="24" strokeLinecap="round" />
    </svg>
  );
}

function headline(lang: Lang, mode: Mode, s: Extract<Screen, { screen: 'verdict' }>): { main: string; sub?: string } {
  const valid = s.verdict === 'valid';
  if (mode === 'age-over-20') {
    if (valid) return { main: t(lang, 'verdict.over20'), sub: t(lang, 'verdict.valid') };
    if (s.attributes.age_over_20 === false) return { main: t(lang, 'verdict.under20'), sub: t(lang, 'verdict.noSale') };
    return { main: t(lang, 'verdict.invalid') };
  }
  if (mode === 'entrance') return { main: t(lang, valid ? 'verdict.entranceOk' : 'verdict.entranceNg') };
  return { main: t(lang, valid ? 'verdict.valid' : 'verdict.invalid') };
}

const ATTR_ORDER = ['name', 'birth_date', 'sex', 'address'] as const;

/** The face photo; if the image does not decode, staff are told so instead of seeing an empty frame. */
function Photo({ lang, src }: { lang: Lang; src: string }) {
  const [broken, setBroken] = useState(false);
  return (
    <figure className="photo">
      {broken ? (
        <div className="photo-broken" data-testid="photo-broken" role="img" aria-label={t(lang, 'verdict.photoBroken')}>?</div>
      ) : (
        <img src={src} alt="" data-testid="photo" onError={() => setBroken(true)} />
      )}
      <figcaption>{t(lang, broken ? 'verdict.photoBroken' : 'verdict.photoHint')}</figcaption>
    </figure>
  );
}

export function VerdictScreen({ lang, mode, screen, api }: { lang: Lang; mode: Mode; screen: Extract<Screen, { screen: 'verdict' }>; api: Connection }) {
  const valid = screen.verdict === 'valid';
  const h = headline(lang, mode, screen);
  const attrs = ATTR_ORDER.filter((k) => screen.attributes[k] !== undefined);
  return (
    <section className={`verdict ${valid ? 'verdict-valid' : 'verdict-invalid'}`} data-testid="verdict" data-verdict={screen.verdict}>
      <div className="verdict-band">
        {valid ? <ValidMark /> : <InvalidMark />}
        <div className="verdict-words">
          <div className="verdict-main" data-testid="verdict-main">{h.main}</div>
          {h.sub && <div className="verdict-sub">{h.sub}</div>}
          {!valid && screen.reason && screen.reason.code !== 'age_over_20_false' && <div className="verdict-reason" data-testid="verdict-reason">{msg(lang, screen.reason)}</div>}
        </div>
      </div>
      {valid && screen.holderHint === 'printed-photo' && (
        <p className="verdict-hint" data-testid="printed-photo-hint">{t(lang, 'verdict.printedPhotoHint')}</p>
      )}
      {(attrs.length > 0 || screen.photo) && (
        <div className="verdict-details">
          {screen.photo && <Photo lang={lang} src={screen.photo} />}
          {attrs.length > 0 && (
            <dl className="attributes" data-testid="attributes">
              {attrs.map((k) => (
                <div key={k} className="attr" data-attr={k}>
                  <dt>{t(lang, `attr.${k}`)}</dt>
                  <dd>{String(screen.attributes[k])}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      )}
      <footer className="verdict-footer">
        <Countdown lang={lang} wipeAt={screen.wipeAt} />
        <button className="next-button" data-testid="next" onClick={() => void api.call('dismiss', {})}>{t(lang, 'next')}</button>
      </footer>
    </section>
  );
}
