// Settings: how long a verdict stays, audit retention, language, which readers this counter uses,
// how a マイナ免許証 is read, and the staff PIN (changing it needs the current one).
import { useEffect, useState } from 'react';
import type { Lang, MynaLicenceReading, SettingsView } from '../../../../api/contract.ts';
import type { Connection } from '../../api-client.ts';
import { msg, t, type TKey } from '../../i18n.ts';
import { Button, Field, Segmented, Stepper, Toggle } from './controls.tsx';
import { PinSteps } from './PinSteps.tsx';

export const RETENTION_CHOICES = [90, 180, 365, 730, 1825] as const;

export function retentionOptions(lang: Lang, current: number): { value: number; label: string }[] {
  const set = new Set<number>([...RETENTION_CHOICES, current]);
  return [...set]
    .sort((a, b) => a - b)
    .map((d) => ({
      value: d,
      label: d % 365 === 0 ? t(lang, 'set.years', { n: d / 365 }) : t(lang, 'set.days', { n: d }),
    }));
}

export function Settings({ lang, api }: { lang: Lang; api: Connection }) {
  const [s, setS] = useState<SettingsView | null>(null);
  const [note, setNote] = useState('');
  const [changing, setChanging] = useState(false);
  useEffect(() => {
    void api.call('staffGetSettings', {}).then((r) => r.ok && setS(r.value));
  }, [api]);
  if (!s) return null;
  if (changing) {
    return (
      <div className="settings" data-testid="change-pin">
        <PinSteps
          lang={lang}
          steps={[
            { id: 'current', title: t(lang, 'staff.currentPin'), min: 6, max: 12 },
            { id: 'pin', title: t(lang, 'setup.newPin'), hint: t(lang, 'setup.pinRule'), min: 6, max: 12 },
            { id: 'again', title: t(lang, 'setup.again'), min: 6, max: 12 },
          ]}
          submit={async (v) => {
            if (v.pin !== v.again) return t(lang, 'setup.mismatch');
            const r = await api.call('staffChangePin', { currentPin: v.current!, newPin: v.pin! });
            if (!r.ok) return msg(lang, r.error);
            setChanging(false);
            setNote(t(lang, 'staff.pinChanged'));
            return null;
          }}
          onCancel={() => setChanging(false)}
        />
      </div>
    );
  }
  const save = async () => {
    const r = await api.call('staffUpdateSettings', {
      wipeSeconds: s.wipeSeconds,
      retentionDays: s.retentionDays,
      lang: s.lang,
      readers: s.readers,
      mynaLicence: s.mynaLicence,
    });
    setNote(r.ok ? t(lang, 'staff.saved') : msg(lang, r.error));
    if (r.ok) setS(r.value);
  };
  return (
    <div className="settings" data-testid="settings-tab">
      <Field label={t(lang, 'staff.wipeSeconds')}>
        <Stepper
          testid="wipe-seconds"
          value={s.wipeSeconds}
          min={3}
          max={120}
          onChange={(v) => setS({ ...s, wipeSeconds: v })}
          unit={t(lang, 'set.seconds')}
        />
      </Field>
      <Field label={t(lang, 'staff.retentionDays')}>
        <Segmented<number>
          testid="retention"
          value={s.retentionDays}
          onChange={(v) => setS({ ...s, retentionDays: v })}
          options={retentionOptions(lang, s.retentionDays)}
        />
      </Field>
      <Field label={t(lang, 'staff.language')}>
        <Segmented<Lang>
          testid="settings-lang"
          value={s.lang}
          onChange={(v) => setS({ ...s, lang: v })}
          options={[
            { value: 'ja', label: '日本語' },
            { value: 'en', label: 'English' },
          ]}
        />
      </Field>
      <Field label={t(lang, 'set.readers')}>
        <Toggle
          testid="reader-card"
          on={s.readers.card}
          onChange={(v) => setS({ ...s, readers: { ...s.readers, card: v } })}
          label={t(lang, 'set.readCards')}
        />
        <Toggle
          testid="reader-mdoc"
          on={s.readers.mdoc}
          onChange={(v) => setS({ ...s, readers: { ...s.readers, mdoc: v } })}
          label={t(lang, 'set.readPhones')}
        />
      </Field>
      <Field label={t(lang, 'set.mynaLicence')} hint={t(lang, 'set.mynaLicenceHint')}>
        <Segmented<MynaLicenceReading>
          testid="myna-licence"
          value={s.mynaLicence}
          onChange={(v) => setS({ ...s, mynaLicence: v })}
          options={(['mynumber-card', 'driving-licence'] as const).map((v) => ({
            value: v,
            label: t(lang, `set.mynaLicence.${v}` as TKey),
          }))}
        />
      </Field>
      <div className="settings-actions">
        <Button kind="primary" testid="settings-save" onClick={() => void save()}>
          {t(lang, 'staff.save')}
        </Button>
        <Button
          testid="change-pin-open"
          onClick={() => {
            setNote('');
            setChanging(true);
          }}
        >
          {t(lang, 'staff.changePin')}
        </Button>
      </div>
      {note && (
        <p className="note" data-testid="settings-note">
          {note}
        </p>
      )}
    </div>
  );
}
