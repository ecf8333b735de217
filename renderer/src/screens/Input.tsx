import { useState } from 'react';
import type { InputKind } from '../../../api/contract.ts';
import { t, type TKey } from '../i18n.ts';
import { Keypad } from './Keypad.tsx';
import { CardNumberKeyboard, wantsLetter } from './CardNumberKeyboard.tsx';
import { MrzEntry } from './MrzEntry.tsx';
import type { ScreenProps } from './screen-props.ts';

/** How the typed digits are shown: PINs masked, 照合番号B grouped 6-4-4, a birth date YY MM DD. */
function shownDigits(kind: InputKind, digits: string, want: number): string {
  if (kind === 'card-number')
    return (digits + '_'.repeat(want - digits.length)).replace(/^(.{2})(.{8})(.{2})$/, '$1 $2 $3');
  if (isPin(kind)) return '●'.repeat(digits.length) + '○'.repeat(want - digits.length);
  const padded = digits + '_'.repeat(want - digits.length);
  return kind === 'birth-date'
    ? padded.replace(/^(.{2})(.{2})(.{2})$/, '$1 $2 $3')
    : padded.replace(/^(.{6})(.{4})(.{4})$/, '$1 $2 $3');
}

/** PINs are masked: the My Number Card PIN, the licence's PIN 1 / PIN 2, the マイナ免許証 PIN. */
const isPin = (k: InputKind) => k === 'pin' || k === 'licence-pin1' || k === 'licence-pin2' || k === 'myna-licence-pin';

export function InputScreen({ lang, screen, api }: ScreenProps<'input'>) {
  const [digits, setDigits] = useState('');
  // The screen may offer a second entry that answers the same check (the age check's birth date).
  const [useAlt, setUseAlt] = useState(false);
  const alt = screen.alternative;
  const kind: InputKind = useAlt && alt ? alt.kind : screen.kind;
  const want = useAlt && alt ? alt.digits : screen.digits;
  const pin = isPin(kind);
  const cardNumber = kind === 'card-number';
  const other = alt ? (useAlt ? screen.kind : alt.kind) : null;
  const switchButton = other && (
    <button
      className="input-switch"
      data-testid="input-switch"
      data-to={other}
      onClick={() => {
        setUseAlt((u) => !u);
        setDigits('');
      }}
    >
      {t(lang, `input.use-${other}` as TKey)}
    </button>
  );
  const labels = { clear: t(lang, 'key.clear'), ok: t(lang, 'key.ok'), cancel: t(lang, 'key.cancel') };
  // OK sends what was typed, Cancel sends null; either way the field starts empty again.
  const submit = (value: string | null) => {
    void api.call('submitInput', { txId: screen.txId, digits: value });
    setDigits('');
  };
  // A passport's MRZ has its own screen: three fields with their check digits, letters and digits.
  if (kind === 'mrz') return <MrzEntry lang={lang} screen={screen} api={api} switchButton={switchButton} />;
  return (
    <section className={`input${cardNumber ? ' input-card-number' : ''}`} data-testid="input" data-kind={kind}>
      <div className="input-left">
        <h1 className="input-title">{t(lang, `input.${kind}`)}</h1>
        <p className="input-who">{t(lang, `input.${kind}Who`)}</p>
        {screen.retry && !useAlt && (
          <p className="input-wrong" data-testid="input-wrong">
            ✕ {t(lang, 'input.wrong')}
          </p>
        )}
        {screen.triesLeft !== undefined && !useAlt && (
          <p className={`tries-left${screen.triesLeft <= 2 ? ' low' : ''}`} data-testid="tries-left">
            {t(lang, 'input.triesLeft', { n: screen.triesLeft })}
          </p>
        )}
        {kind === 'pin' && <p className="input-warn">{t(lang, 'input.lastWarn')}</p>}
        {(kind === 'licence-pin1' || kind === 'licence-pin2') && (
          <p className="input-warn">{t(lang, 'input.licenceWarn')}</p>
        )}
        {kind === 'myna-licence-pin' && <p className="input-warn">{t(lang, 'input.mynaLicenceWarn')}</p>}
        {cardNumber && <p className="input-warn">{t(lang, 'input.cardNumberHint')}</p>}
        <div className={`digits${pin ? ' masked' : ''}`} data-testid="digits" aria-label={`${digits.length}/${want}`}>
          {shownDigits(kind, digits, want)}
        </div>
        {switchButton}
      </div>
      {cardNumber ? (
        <CardNumberKeyboard
          value={digits}
          labels={labels}
          onKey={(c) => setDigits((x) => (x.length < 12 && /[A-Z]/.test(c) === wantsLetter(x.length) ? x + c : x))}
          onDelete={() => setDigits((x) => x.slice(0, -1))}
          onOk={() => submit(digits)}
          onCancel={() => submit(null)}
        />
      ) : (
        <Keypad
          labels={labels}
          okEnabled={digits.length === want}
          onDigit={(d) => setDigits((x) => (x.length < want ? x + d : x))}
          onDelete={() => setDigits((x) => x.slice(0, -1))}
          onOk={() => submit(digits)}
          onCancel={() => submit(null)}
        />
      )}
    </section>
  );
}
