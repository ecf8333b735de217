// On-screen keyboard for the residence card number (2 letters, 8 digits, 2 letters, printed at the
// card's top right). The pattern is checked here as the staff type (each position accepts only its
// kind of character) and again by the host and the card layer before any APDU.
import { KeyRows } from './KeyRows.tsx';

export const CARD_NUMBER_RE = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/;

/** Which kind of character position `i` takes: letters at 0-1 and 10-11, digits at 2-9. */
export const wantsLetter = (i: number) => i < 2 || i >= 10;

export function CardNumberKeyboard({
  value,
  onKey,
  onDelete,
  onOk,
  onCancel,
  labels,
}: {
  value: string;
  onKey(c: string): void;
  onDelete(): void;
  onOk(): void;
  onCancel(): void;
  labels: { clear: string; ok: string; cancel: string };
}) {
  const next = value.length;
  const full = next >= 12;
  return (
    <div className="cn-keyboard" data-testid="card-number-keyboard">
      <KeyRows digitsDisabled={full || wantsLetter(next)} lettersDisabled={full || !wantsLetter(next)} onKey={onKey} />
      <div className="cn-row cn-fn">
        <button className="key key-fn" data-key="del" onClick={onDelete}>
          {labels.clear}
        </button>
        <button className="key key-cancel cn-cancel" data-key="cancel" onClick={onCancel}>
          {labels.cancel}
        </button>
        <button className="key key-ok" data-key="ok" disabled={!CARD_NUMBER_RE.test(value)} onClick={onOk}>
          {labels.ok}
        </button>
      </div>
    </div>
  );
}
