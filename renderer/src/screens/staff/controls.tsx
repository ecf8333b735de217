// The staff area's controls, drawn in the customer screens' style (type scale, colours, large touch
// targets): no browser-default select, checkbox or number box. Each is a button or a group of
// buttons, so they work by touch and by keyboard (Tab, Enter, Space) alike.
import type { ReactNode } from 'react';

export function Segmented<T extends string | number>({
  value,
  options,
  onChange,
  testid,
  label,
}: {
  value: T | null;
  options: { value: T; label: string }[];
  onChange(v: T): void;
  testid?: string;
  label?: string;
}) {
  return (
    <div className="seg" role="radiogroup" aria-label={label} data-testid={testid}>
      {options.map((o) => (
        <button
          key={String(o.value)}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          className={o.value === value ? 'on' : ''}
          data-value={String(o.value)}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

export function Toggle({
  on,
  onChange,
  label,
  testid,
}: {
  on: boolean;
  onChange(v: boolean): void;
  label: string;
  testid?: string;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      className={`toggle${on ? ' on' : ''}`}
      data-testid={testid}
      onClick={() => onChange(!on)}
    >
      <span className="toggle-track" aria-hidden="true">
        <span className="toggle-knob" />
      </span>
      <span className="toggle-label">{label}</span>
    </button>
  );
}

export function Stepper({
  value,
  min,
  max,
  step = 1,
  onChange,
  unit,
  testid,
}: {
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange(v: number): void;
  unit?: string;
  testid?: string;
}) {
  const set = (v: number) => onChange(Math.min(max, Math.max(min, v)));
  return (
    <div className="stepper" data-testid={testid}>
      <button type="button" aria-label="−" disabled={value <= min} onClick={() => set(value - step)}>
        −
      </button>
      <output aria-live="polite">
        {value}
        {unit ? <small> {unit}</small> : null}
      </output>
      <button type="button" aria-label="+" disabled={value >= max} onClick={() => set(value + step)}>
        ＋
      </button>
    </div>
  );
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <div className="field-label">
        {label}
        {hint && <small>{hint}</small>}
      </div>
      <div className="field-control">{children}</div>
    </div>
  );
}

export function Button({
  children,
  onClick,
  kind = 'normal',
  disabled,
  testid,
}: {
  children: ReactNode;
  onClick(): void;
  kind?: 'normal' | 'primary' | 'danger' | 'quiet';
  disabled?: boolean;
  testid?: string;
}) {
  return (
    <button type="button" className={`sbtn sbtn-${kind}`} disabled={disabled} data-testid={testid} onClick={onClick}>
      {children}
    </button>
  );
}

export function ProgressBar({ done, total, testid }: { done: number; total: number; testid?: string }) {
  const pct = total > 0 ? Math.round((done / total) * 100) : 100;
  return (
    <div
      className="sprogress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-testid={testid}
    >
      <div className="sprogress-fill" style={{ width: `${pct}%` }} />
      <span>
        {done} / {total}
      </span>
    </div>
  );
}

/** A day picker without the browser's date box: ‹ YYYY-MM-DD ›, one day a tap. */
export function DayStepper({ day, onChange, testid }: { day: string; onChange(d: string): void; testid?: string }) {
  const shift = (n: number) => {
    const t = new Date(`${day}T00:00:00Z`).getTime() + n * 86_400_000;
    onChange(new Date(t).toISOString().slice(0, 10));
  };
  return (
    <div className="stepper day" data-testid={testid}>
      <button type="button" aria-label="previous day" onClick={() => shift(-1)}>
        ‹
      </button>
      <output>{day}</output>
      <button type="button" aria-label="next day" onClick={() => shift(1)}>
        ›
      </button>
    </div>
  );
}

/** Local calendar day (the kiosk's own clock) of a Date, YYYY-MM-DD. */
export function localDay(d: Date): string {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** Local midnight of a YYYY-MM-DD day as an ISO instant. */
export function localMidnight(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toISOString();
}
