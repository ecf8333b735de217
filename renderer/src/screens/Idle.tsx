import type { Snapshot } from '../../../api/contract.ts';
import { t } from '../i18n.ts';
import { CameraScanner } from '../camera/CameraScanner.tsx';

function CardIcon() {
  return (
    <svg viewBox="0 0 120 80" className="idle-icon" aria-hidden="true">
      <rect x="4" y="4" width="112" height="72" rx="8" fill="#fff" stroke="currentColor" strokeWidth="5" />
      <rect x="14" y="20" width="24" height="18" rx="3" fill="currentColor" />
      <path d="M84 14 q12 26 0 52 M96 8 q16 32 0 64" fill="none" stroke="currentColor" strokeWidth="5" />
    </svg>
  );
}

function PhoneIcon() {
  return (
    <svg viewBox="0 0 80 120" className="idle-icon" aria-hidden="true">
      <rect x="10" y="4" width="60" height="112" rx="10" fill="#fff" stroke="currentColor" strokeWidth="5" />
      <rect x="22" y="26" width="36" height="36" fill="none" stroke="currentColor" strokeWidth="4" />
      <rect x="28" y="32" width="10" height="10" fill="currentColor" />
      <rect x="42" y="46" width="10" height="10" fill="currentColor" />
    </svg>
  );
}

/** `onQr`: set while a phone read is armed and the camera may run (no staff overlay). */
export function IdleScreen({ snap, onQr }: { snap: Snapshot; onQr?: (text: string) => void }) {
  const lang = snap.lang;
  const card = snap.readers.find((r) => r.kind === 'card');
  const phone = snap.readers.find((r) => r.kind === 'mdoc');
  const cardOn = card && card.state !== 'unavailable';
  const phoneOn = phone && phone.state !== 'unavailable';
  // The camera runs only while the phone reader is armed: enabled here, ready (not mid-transaction).
  const cameraOn = !!onQr && phoneOn && phone.enabled !== false && phone.state === 'ready';
  // Staff must look when the card reader (the counter's main device) is unplugged or its service is
  // down, or when nothing at all can be read; a phone reader without radios just hides its column.
  const usable = cardOn || phoneOn;
  const trouble =
    !usable ||
    snap.readers.some(
      (r) => r.enabled !== false && (r.state === 'unplugged' || (r.kind === 'card' && r.state === 'unavailable')),
    );
  const notice = snap.screen.screen === 'idle' ? snap.screen.notice : undefined;
  return (
    <section className="idle" data-testid="idle">
      {notice && (
        <div className="idle-notice" data-testid="idle-notice" data-code={notice.code} role="alert">
          <p className="idle-notice-title">{lang === 'ja' ? notice.messageJa : notice.messageEn}</p>
          <p className="idle-notice-next">{lang === 'ja' ? notice.nextJa : notice.nextEn}</p>
        </div>
      )}
      {snap.mode === 'entrance' && <p className="idle-lead">{t(lang, 'idle.entrance')}</p>}
      <div className="idle-columns">
        {cardOn && (
          <div className="idle-col" data-testid="idle-card">
            <CardIcon />
            <h1 className="idle-title">{t(lang, 'idle.card')}</h1>
            <p className="idle-sub">{t(lang, 'idle.cardSub')}</p>
          </div>
        )}
        {phoneOn && (
          <div className="idle-col" data-testid="idle-phone">
            <PhoneIcon />
            <h2 className="idle-title small">{t(lang, 'idle.phone')}</h2>
            <p className="idle-line">{t(lang, 'idle.qr')}</p>
            <p className="idle-line">{t(lang, 'idle.nfc')}</p>
            <p className="idle-apple" data-testid="idle-apple">
              {t(lang, 'idle.apple')}
            </p>
            {cameraOn && <CameraScanner onText={onQr!} label={t(lang, 'idle.camera')} />}
          </div>
        )}
      </div>
      {!usable && (
        <div className="idle-col idle-none" data-testid="idle-none">
          <h1 className="idle-title">{t(lang, 'idle.none')}</h1>
          <p className="idle-sub">{t(lang, 'idle.noneSub')}</p>
        </div>
      )}
      {trouble && (
        <p className="reader-trouble" data-testid="reader-trouble">
          ⚠ {t(lang, 'idle.readerProblem')}
        </p>
      )}
    </section>
  );
}
