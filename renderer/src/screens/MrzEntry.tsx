// Passport MRZ entry (staff). Three fields from line 2 of the data page's MRZ, each followed by the
// check digit printed after it: document number, birth date (YYMMDD), expiry (YYMMDD). The screen
// computes each check digit as soon as its field is complete and shows it; a typed digit that does
// not match, or a date that cannot be, stops the entry there (OK stays disabled) with the field
// marked, so a typo is caught before the chip is tried (a BAC chip answers a wrong key only with
// 63 00, the same as a wrong document). A scanner that types MRZ line 2 (or both lines) followed by
// Enter fills every field at once; its check digits are verified the same way.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { t } from '../i18n.ts';
import {
  checkRow,
  EMPTY,
  fromScannedLine,
  mrzInformation,
  SLOT_LENGTH,
  SLOTS,
  type MrzSlot,
  type MrzValues,
  type RowCheck,
} from './mrz-fields.ts';
import { KeyRows } from './KeyRows.tsx';
import type { ScreenProps } from './screen-props.ts';

const ROWS = ['document', 'birth', 'expiry'] as const;

export function MrzEntry({ lang, screen, api, switchButton }: ScreenProps<'input'> & { switchButton: ReactNode }) {
  const [v, setV] = useState<MrzValues>(EMPTY);
  const [slot, setSlot] = useState<MrzSlot>('document');
  const scan = useRef('');
  const checks = Object.fromEntries(ROWS.map((r) => [r, checkRow(r, v)])) as Record<(typeof ROWS)[number], RowCheck>;
  const allOk = ROWS.every((r) => checks[r].state === 'ok');
  const full = v[slot].length >= SLOT_LENGTH[slot];
  const lettersAllowed = slot === 'document';

  const advance = (from: MrzSlot) => {
    const i = SLOTS.indexOf(from);
    if (i < SLOTS.length - 1) setSlot(SLOTS[i + 1]!);
  };
  const type = (c: string) => {
    if (full) return;
    const next = v[slot] + c;
    setV({ ...v, [slot]: next });
    if (next.length === SLOT_LENGTH[slot]) advance(slot);
  };
  const del = () => {
    if (v[slot].length) setV({ ...v, [slot]: v[slot].slice(0, -1) });
    else {
      const i = SLOTS.indexOf(slot);
      if (i > 0) setSlot(SLOTS[i - 1]!);
    }
  };
  const submit = () => {
    void api.call('submitInput', { txId: screen.txId, digits: mrzInformation(v) });
    setV(EMPTY);
    setSlot('document');
  };

  // A keyboard-wedge MRZ scanner types the line(s) then Enter.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter') {
        const got = fromScannedLine(scan.current);
        scan.current = '';
        if (got) {
          setV(got);
          setSlot('expiryCd');
        }
      } else if (e.key.length === 1 && /[A-Za-z0-9<]/.test(e.key))
        scan.current = (scan.current + e.key.toUpperCase()).slice(-88);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const mismatch = ROWS.find((r) => checks[r].state === 'mismatch' || checks[r].state === 'bad-date');
  return (
    <section className="input input-mrz" data-testid="input" data-kind="mrz">
      <div className="input-left">
        <h1 className="input-title">{t(lang, 'input.mrz')}</h1>
        <p className="input-who">{t(lang, 'input.mrzWho')}</p>
        {screen.retry && (
          <p className="input-wrong" data-testid="input-wrong">
            ✕ {t(lang, 'input.mrzWrong')}
          </p>
        )}
        <div className="mrz-fields" data-testid="mrz-entry">
          {ROWS.map((r) => {
            const c = checks[r];
            const cdSlot = `${r}Cd` as MrzSlot;
            return (
              <div key={r} className={`mrz-row mrz-${c.state}`} data-testid={`mrz-field-${r}`} data-state={c.state}>
                <span className="mrz-label">{t(lang, `mrz.${r}`)}</span>
                <button
                  className={`mrz-value${slot === r ? ' active' : ''}`}
                  data-testid={`mrz-value-${r}`}
                  onClick={() => setSlot(r)}
                >
                  {(r === 'document' ? v[r] : v[r].replace(/^(.{0,2})(.{0,2})(.{0,2})$/, '$1 $2 $3').trim()) ||
                    '\u00a0'}
                </button>
                <span className="mrz-cd-label">{t(lang, 'mrz.checkDigit')}</span>
                <button
                  className={`mrz-cd${slot === cdSlot ? ' active' : ''}`}
                  data-testid={`mrz-cd-${r}`}
                  onClick={() => setSlot(cdSlot)}
                >
                  {v[cdSlot] || '\u00a0'}
                </button>
                <span className="mrz-computed" data-testid={`mrz-computed-${r}`}>
                  {c.computed !== null ? t(lang, 'mrz.computed', { n: c.computed }) : ''}
                  {c.state === 'ok' ? ' ✓' : c.state === 'mismatch' || c.state === 'bad-date' ? ' ✕' : ''}
                </span>
              </div>
            );
          })}
        </div>
        {mismatch && (
          <p className="mrz-error" data-testid="mrz-check-error" data-field={mismatch}>
            ✕ {t(lang, 'mrz.field', { field: t(lang, `mrz.${mismatch}`) })}
            {checks[mismatch].state === 'bad-date'
              ? t(lang, 'mrz.badDate')
              : t(lang, 'mrz.mismatch', { n: checks[mismatch].computed ?? '' })}
          </p>
        )}
        <p className="input-warn">{t(lang, 'mrz.scanHint')}</p>
        {switchButton}
      </div>
      <div className="cn-keyboard mrz-keyboard" data-testid="mrz-keyboard">
        <KeyRows digitsDisabled={full} lettersDisabled={full || !lettersAllowed} onKey={type} />
        <div className="cn-row cn-fn">
          <button className="key key-fn" data-key="del" onClick={del}>
            {t(lang, 'key.clear')}
          </button>
          <button
            className="key key-fn"
            data-key="next"
            disabled={slot === 'expiryCd' || v[slot].length === 0}
            onClick={() => advance(slot)}
          >
            {t(lang, 'mrz.next')}
          </button>
          <button
            className="key key-cancel cn-cancel"
            data-key="cancel"
            onClick={() => void api.call('submitInput', { txId: screen.txId, digits: null })}
          >
            {t(lang, 'key.cancel')}
          </button>
          <button className="key key-ok" data-key="ok" disabled={!allOk} onClick={submit}>
            {t(lang, 'key.ok')}
          </button>
        </div>
      </div>
    </section>
  );
}
