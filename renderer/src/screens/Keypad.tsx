// On-screen keypad: the kiosk has no keyboard. Digits stay in this component's state only until
// they are submitted; nothing is echoed for a PIN (dots only).
export function Keypad({
  onDigit,
  onDelete,
  onOk,
  onCancel,
  okEnabled,
  labels,
}: {
  onDigit(d: string): void;
  onDelete(): void;
  onOk(): void;
  onCancel(): void;
  okEnabled: boolean;
  labels: { clear: string; ok: string; cancel: string };
}) {
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
  return (
    <div className="keypad" data-testid="keypad">
      {keys.map((k) => (
        <button key={k} className="key" data-key={k} onClick={() => onDigit(k)}>
          {k}
        </button>
      ))}
      <button className="key key-fn" data-key="del" onClick={onDelete}>
        {labels.clear}
      </button>
      <button className="key" data-key="0" onClick={() => onDigit('0')}>
        0
      </button>
      <button className="key key-ok" data-key="ok" disabled={!okEnabled} onClick={onOk}>
        {labels.ok}
      </button>
      <button className="key key-cancel" data-key="cancel" onClick={onCancel}>
        {labels.cancel}
      </button>
    </div>
  );
}
