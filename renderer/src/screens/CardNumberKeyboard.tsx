// On-screen keyboard for the residence card number (2 letters, 8 digits, 2 letters, printed at the
// card's top right). The pattern is checked here as the staff type (each position accepts only its
// kind of character) and again by the host and the card layer before any APDU.
export const CARD_NUMBER_RE = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/;
const LETTERS = 'QWERTYUIOPASDFGHJKLZXCVBNM'.split('');
const DIGITS = '1234567890'.split('');

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
      <div className="cn-row cn-digits">
        {DIGITS.map((d) => (
          <button
            key={d}
            className="key cn-key"
            data-key={d}
            disabled={full || wantsLetter(next)}
            onClick={() => onKey(d)}
          >
            {d}
          </button>
        ))}
      </div>
      {[LETTERS.slice(0, 10), LETTERS.slice(10, 19), LETTERS.slice(19)].map((row, i) => (
        <div key={i} className="cn-row">
          {row.map((l) => (
            <button
              key={l}
              className="key cn-key"
              data-key={l}
              disabled={full || !wantsLetter(next)}
              onClick={() => onKey(l)}
            >
              {l}
            </button>
          ))}
        </div>
      ))}
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
