import { useState } from 'react';
import type { Lang, Screen } from '../../../main/api/contract.ts';
import type { Connection } from '../api-client.ts';
import { t } from '../i18n.ts';
import { Keypad } from './Keypad.tsx';

export function InputScreen({ lang, screen, api }: { lang: Lang; screen: Extract<Screen, { screen: 'input' }>; api: Connection }) {
  const [digits, setDigits] = useState('');
  const pin = screen.kind === 'pin';
  const shown = pin
    ? '●'.repeat(digits.length) + '○'.repeat(screen.digits - digits.length)
    : (digits + '_'.repeat(screen.digits - digits.length)).replace(/^(.{6})(.{4})(.{4})$/, '$1 $2 $3');
  return (
    <section className="input" data-testid="input" data-kind={screen.kind}>
      <div className="input-left">
        <h1 className="input-title">{t(lang, pin ? 'input.pin' : 'input.matching-b')}</h1>
        <p className="input-who">{t(lang, pin ? 'input.pinWho' : 'input.matching-bWho')}</p>
        {screen.retry && <p className="input-wrong" data-testid="input-wrong">✕ {t(lang, 'input.wrong')}</p>}
        {screen.triesLeft !== undefined && (
          <p className={`tries-left${screen.triesLeft <= 2 ? ' low' : ''}`} data-testid="tries-left">{t(lang, 'input.triesLeft', { n: screen.triesLeft })}</p>
        )}
        {pin && <p className="input-warn">{t(lang, 'input.lastWarn')}</p>}
        <div className={`digits${pin ? ' masked' : ''}`} data-testid="digits" aria-label={`${digits.length}/${screen.digits}`}>{shown}</div>
      </div>
      <Keypad
        labels={{ clear: t(lang, 'key.clear'), ok: t(lang, 'key.ok'), cancel: t(lang, 'key.cancel') }}
        okEnabled={digits.length === screen.digits}
        onDigit={(d) => setDigits((x) => (x.length < screen.digits ? x + d : x))}
        onDelete={() => setDigits((x) => x.slice(0, -1))}
        onOk={() => { void api.call('submitInput', { txId: screen.txId, digits }); setDigits(''); }}
        onCancel={() => { void api.call('submitInput', { txId: screen.txId, digits: null }); setDigits(''); }}
      />
    </section>
  );
}
