// Digits typed on the on-screen keypad, one step after another (setup code, new PIN, the same PIN
// again). Nothing is shown in clear: dots only. The host checks everything; a step's `submit`
// answers with an error message (shown, and the steps start again) or null.
import { useEffect, useRef, useState } from 'react';
import type { Lang } from '../../../../api/contract.ts';
import { t } from '../../i18n.ts';
import { Keypad } from '../Keypad.tsx';

export interface PinStep {
  id: string;
  title: string;
  hint?: string;
  min: number;
  max: number;
}

export function PinSteps({
  lang,
  steps,
  submit,
  onCancel,
  note,
  testid,
}: {
  lang: Lang;
  steps: PinStep[];
  /** All steps' digits by id; resolves to an error message or null. */
  submit(values: Record<string, string>): Promise<string | null>;
  onCancel(): void;
  /** A message from outside (e.g. the lockout), shown above the digits. */
  note?: string | null;
  testid?: string;
}) {
  const [i, setI] = useState(0);
  const [values, setValues] = useState<Record<string, string>>({});
  const [digits, setDigits] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const step = steps[i]!;
  // A keyboard works as well as the keypad: digits, Backspace, Enter, Escape.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (/^[0-9]$/.test(e.key)) setDigits((x) => (x.length < step.max ? x + e.key : x));
    else if (e.key === 'Backspace') setDigits((x) => x.slice(0, -1));
    else if (e.key === 'Enter' && !busy && digits.length >= step.min) void next();
    else if (e.key === 'Escape') onCancel();
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);
  const next = async () => {
    const v = { ...values, [step.id]: digits };
    setDigits('');
    if (i + 1 < steps.length) {
      setValues(v);
      setI(i + 1);
      setErr(null);
      return;
    }
    setBusy(true);
    const e = await submit(v);
    setBusy(false);
    setValues({});
    setI(0);
    setErr(e);
  };
  return (
    <div className="pin-steps" data-testid={testid ?? 'pin-steps'} data-step={step.id}>
      <div className="pin-steps-text">
        {steps.length > 1 && (
          <ol className="pin-steps-progress" aria-hidden="true">
            {steps.map((s, k) => (
              <li key={s.id} className={k < i ? 'done' : k === i ? 'current' : ''} />
            ))}
          </ol>
        )}
        <h2 className="pin-steps-title">{step.title}</h2>
        {step.hint && <p className="pin-steps-hint">{step.hint}</p>}
        {note && (
          <p className="staff-warn" data-testid="staff-note">
            {note}
          </p>
        )}
        <div className="digits masked" data-testid="staff-digits" aria-label={`${digits.length}`}>
          {'●'.repeat(digits.length) || '\u00a0'}
        </div>
        {err && (
          <p className="input-wrong" data-testid="staff-error" role="alert">
            {err}
          </p>
        )}
      </div>
      <Keypad
        labels={{ clear: t(lang, 'key.clear'), ok: t(lang, 'key.ok'), cancel: t(lang, 'key.cancel') }}
        okEnabled={!busy && digits.length >= step.min}
        onDigit={(d) => setDigits((x) => (x.length < step.max ? x + d : x))}
        onDelete={() => setDigits((x) => x.slice(0, -1))}
        onOk={() => void next()}
        onCancel={onCancel}
      />
    </div>
  );
}
