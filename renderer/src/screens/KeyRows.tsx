// The letter-and-digit key rows both on-screen keyboards use (residence card number, passport MRZ):
// a digit row, then the letters in three QWERTY rows. Each keyboard decides which kind is enabled.
const LETTERS = 'QWERTYUIOPASDFGHJKLZXCVBNM'.split('');
const DIGITS = '1234567890'.split('');

export function KeyRows({
  digitsDisabled,
  lettersDisabled,
  onKey,
}: {
  digitsDisabled: boolean;
  lettersDisabled: boolean;
  onKey(c: string): void;
}) {
  return (
    <>
      <div className="cn-row cn-digits">
        {DIGITS.map((d) => (
          <button key={d} className="key cn-key" data-key={d} disabled={digitsDisabled} onClick={() => onKey(d)}>
            {d}
          </button>
        ))}
      </div>
      {[LETTERS.slice(0, 10), LETTERS.slice(10, 19), LETTERS.slice(19)].map((row, i) => (
        <div key={i} className="cn-row">
          {row.map((l) => (
            <button key={l} className="key cn-key" data-key={l} disabled={lettersDisabled} onClick={() => onKey(l)}>
              {l}
            </button>
          ))}
        </div>
      ))}
    </>
  );
}
