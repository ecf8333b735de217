// The verdict, readable from two metres: a full-height band whose COLOUR and SHAPE both carry the
// answer (green circle with a tick vs red octagon with a cross), plus one or two huge words, so
// staff with red-green colour blindness read the shape and the word, not the hue.
import { useState } from 'react';
import type { Lang, Mode, Screen } from '../../../api/contract.ts';
import { t, msg, type TKey } from '../i18n.ts';
import type { ScreenProps } from './screen-props.ts';
import { WipeFooter } from './WipeFooter.tsx';

export function ValidMark() {
  return (
    <svg viewBox="0 0 200 200" className="mark mark-valid" data-testid="mark-valid" role="img" aria-label="OK">
      <circle cx="100" cy="100" r="90" fill="#fff" stroke="#0b6b2f" strokeWidth="14" />
      <path
        d="M52 104 L86 138 L150 66"
        fill="none"
        stroke="#0b6b2f"
        strokeWidth="22"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function InvalidMark() {
  // An octagon (stop sign) with a cross: a different outline from the valid circle.
  return (
    <svg viewBox="0 0 200 200" className="mark mark-invalid" data-testid="mark-invalid" role="img" aria-label="NG">
      <polygon
        points="62,8 138,8 192,62 192,138 138,192 62,192 8,138 8,62"
        fill="#fff"
        stroke="#9b1111"
        strokeWidth="14"
      />
      <path d="M60 60 L140 140 M140 60 L60 140" stroke="#9b1111" strokeWidth="24" strokeLinecap="round" />
    </svg>
  );
}

/** Amber: a triangle with "!" (neither the green circle nor the red octagon): staff must look. */
export function UnverifiedMark() {
  return (
    <svg
      viewBox="0 0 200 200"
      className="mark mark-unverified"
      data-testid="mark-unverified"
      role="img"
      aria-label="CHECK"
    >
      <polygon points="100,12 192,180 8,180" fill="#fff" stroke="#6b4300" strokeWidth="14" strokeLinejoin="round" />
      <rect x="89" y="66" width="22" height="66" rx="6" fill="#6b4300" />
      <circle cx="100" cy="156" r="13" fill="#6b4300" />
    </svg>
  );
}

function headline(lang: Lang, mode: Mode, s: Extract<Screen, { screen: 'verdict' }>): { main: string; sub?: string } {
  if (s.verdict === 'unverified') return { main: t(lang, 'verdict.unverified'), sub: t(lang, 'verdict.unverifiedSub') };
  const valid = s.verdict === 'valid';
  if (mode === 'age-over-20') {
    if (valid) return { main: t(lang, 'verdict.over20'), sub: t(lang, 'verdict.valid') };
    if (s.attributes.age_over_20 === false) return { main: t(lang, 'verdict.under20'), sub: t(lang, 'verdict.noSale') };
    return { main: t(lang, 'verdict.invalid') };
  }
  if (mode === 'entrance') return { main: t(lang, valid ? 'verdict.entranceOk' : 'verdict.entranceNg') };
  return { main: t(lang, valid ? 'verdict.valid' : 'verdict.invalid') };
}

const ATTR_ORDER = [
  'name',
  'birth_date',
  'sex',
  'address',
  'address_changes',
  'nationality',
  'status_of_residence',
  'period_of_stay',
  'work_restriction',
  'document_number',
  'expiry_date',
  'undecoded',
] as const;
const REASONS = new Set([
  'front_image_facts',
  'age_in_front_image',
  'licence_pin1_only',
  'licence_signer_not_installed',
  'licence_signature_off',
  'myna_licence_unsigned',
  'myna_licence_no_pin',
  'stay_expired_application_pending',
  'stay_period_ended',
  'csca_not_installed',
]);

/** The staff's answer to an 'unverified' verdict; the host writes it to the audit log. */
function StaffConfirm({ lang, screen, api }: ScreenProps<'verdict'>) {
  const sc = screen.staffConfirm;
  if (!sc) return null;
  return (
    <div className="staff-confirm" data-testid="staff-confirm" data-state={sc.state}>
      <ul className="staff-reasons">
        {sc.reasons.map((r) => (
          <li key={r} data-reason={r}>
            {REASONS.has(r) ? t(lang, `reason.${r}` as TKey) : r}
          </li>
        ))}
      </ul>
      {sc.state === 'pending' ? (
        <div className="staff-confirm-buttons">
          <button
            className="staff-confirm-yes"
            data-testid="staff-confirm-yes"
            onClick={() => void api.call('confirmUnverified', { txId: screen.txId, confirmed: true })}
          >
            ✓ {t(lang, 'verdict.staffConfirm')}
          </button>
          <button
            className="staff-confirm-no"
            data-testid="staff-confirm-no"
            onClick={() => void api.call('confirmUnverified', { txId: screen.txId, confirmed: false })}
          >
            ✕ {t(lang, 'verdict.staffDecline')}
          </button>
        </div>
      ) : (
        <div className="staff-confirm-done" data-testid="staff-confirm-done">
          {t(lang, sc.state === 'confirmed' ? 'verdict.staffConfirmed' : 'verdict.staffDeclined')}
        </div>
      )}
    </div>
  );
}

/** The face photo; if the image does not decode, staff are told so instead of seeing an empty frame. */
function Photo({ lang, src }: { lang: Lang; src: string }) {
  const [broken, setBroken] = useState(false);
  return (
    <figure className="photo">
      {broken ? (
        <div className="photo-broken" data-testid="photo-broken" role="img" aria-label={t(lang, 'verdict.photoBroken')}>
          ?
        </div>
      ) : (
        <img src={src} alt="" data-testid="photo" onError={() => setBroken(true)} />
      )}
      <figcaption>{t(lang, broken ? 'verdict.photoBroken' : 'verdict.photoHint')}</figcaption>
    </figure>
  );
}

/** A field the card gives as a signed image (the residence card's name or address), shown as that image. */
function ImageAttr({ attr, label, src, testid }: { attr: string; label: string; src: string; testid: string }) {
  return (
    <div className="attr attr-image" data-attr={attr}>
      <dt>{label}</dt>
      <dd>
        <img src={src} alt="" data-testid={testid} />
      </dd>
    </div>
  );
}

export function VerdictScreen({ lang, mode, screen, api }: ScreenProps<'verdict'> & { mode: Mode }) {
  const valid = screen.verdict === 'valid';
  const unverified = screen.verdict === 'unverified';
  const h = headline(lang, mode, screen);
  const attrs = ATTR_ORDER.filter((k) => screen.attributes[k] !== undefined);
  const img = screen.images;
  return (
    <section
      className={`verdict verdict-${screen.verdict}${attrs.length >= 6 ? ' verdict-long' : ''}`}
      data-testid="verdict"
      data-verdict={screen.verdict}
      data-document={screen.document ?? ''}
    >
      <div className="verdict-band">
        {valid ? <ValidMark /> : unverified ? <UnverifiedMark /> : <InvalidMark />}
        <div className="verdict-words">
          <div className="verdict-main" data-testid="verdict-main">
            {h.main}
          </div>
          {h.sub && <div className="verdict-sub">{h.sub}</div>}
          {!valid && !unverified && screen.reason && screen.reason.code !== 'age_over_20_false' && (
            <div className="verdict-reason" data-testid="verdict-reason">
              {msg(lang, screen.reason)}
            </div>
          )}
        </div>
      </div>
      {valid && screen.holderHint === 'printed-photo' && (
        <p className="verdict-hint" data-testid="printed-photo-hint">
          {t(lang, 'verdict.printedPhotoHint')}
        </p>
      )}
      {unverified && <StaffConfirm lang={lang} screen={screen} api={api} />}
      {(attrs.length > 0 || screen.photo || img) && (
        <div className="verdict-details">
          {screen.photo && <Photo lang={lang} src={screen.photo} />}
          {img?.front && (
            <figure className="front-image" data-testid="front-image">
              <img src={img.front} alt="" />
              <figcaption>{t(lang, 'verdict.frontImage')}</figcaption>
            </figure>
          )}
          {(attrs.length > 0 || img?.name || img?.address) && (
            <dl className="attributes" data-testid="attributes">
              {img?.name && (
                <ImageAttr attr="name_image" label={t(lang, 'verdict.nameImage')} src={img.name} testid="name-image" />
              )}
              {attrs.map((k) => (
                <div key={k} className="attr" data-attr={k}>
                  <dt>{t(lang, `attr.${k}`)}</dt>
                  <dd>{String(screen.attributes[k])}</dd>
                </div>
              ))}
              {img?.address && (
                <ImageAttr
                  attr="address_image"
                  label={t(lang, 'verdict.addressImage')}
                  src={img.address}
                  testid="address-image"
                />
              )}
              {screen.attributes.gaiji && (
                <p className="gaiji-note" data-testid="gaiji-note">
                  {t(lang, 'verdict.gaiji')}
                </p>
              )}
              {screen.document === 'passport' && mode === 'identity' && (
                <p className="passport-note" data-testid="passport-note">
                  {t(lang, 'verdict.passportNote')}
                </p>
              )}
            </dl>
          )}
        </div>
      )}
      <WipeFooter lang={lang} wipeAt={screen.wipeAt} api={api} />
    </section>
  );
}
