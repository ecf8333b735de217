// Training mode only: buttons that present a simulated card or phone. The host refuses these
// calls when real readers are in use, whatever the screen shows.
import { TRAINING_SCENARIOS, type Lang, type TrainingScenario } from '../../../api/contract.ts';
import type { Connection } from '../api-client.ts';
import { t } from '../i18n.ts';

const LABELS: Record<TrainingScenario, [string, string]> = {
  'card-ok': ['カード（成人）', 'Card (adult)'],
  'card-underage': ['カード（未成年）', 'Card (minor)'],
  'card-tampered': ['カード（改ざん）', 'Card (tampered)'],
  'card-pin': ['カード（暗証番号）', 'Card (PIN)'],
  'card-matching-b': ['カード（照合番号B）', 'Card (number B)'],
  'card-pulled': ['カード（途中で離す）', 'Card (pulled away)'],
  'reader-unplugged': ['リーダー抜去', 'Reader unplugged'],
  'phone-ok': ['スマホ（成人）', 'Phone (adult)'],
  'phone-tampered': ['スマホ（改ざん）', 'Phone (tampered)'],
  'phone-expired': ['スマホ（期限切れ）', 'Phone (expired)'],
  'phone-walked-away': ['スマホ（離れた）', 'Phone (walked away)'],
  'licence-ok': ['運転免許証', 'Driving licence'],
  'licence-unverified': ['運転免許証（署名証明書なし）', 'Licence (no NPA certificate)'],
  'residence-card-gen1': ['在留カード（現行）', 'Residence card (1st gen)'],
  'residence-card-gen2': ['在留カード（第2世代）', 'Residence card (2nd gen)'],
  'passport-ok': ['旅券（日本）', 'Passport (Japan)'],
  'passport-unverified': ['旅券（CSCA未登録の国）', 'Passport (no CSCA installed)'],
  'myna-licence': ['マイナ免許証（免許として読む）', 'マイナ免許証 (read as licence)'],
};

export function TrainingPanel({ lang, api }: { lang: Lang; api: Connection }) {
  return (
    <aside className="training-panel" data-testid="training-panel">
      <span className="training-panel-label">{t(lang, 'trainingPanel')}</span>
      {TRAINING_SCENARIOS.map((s) => (
        <button key={s} data-scenario={s} onClick={() => void api.call('trainingPresent', { scenario: s })}>
          {LABELS[s][lang === 'ja' ? 0 : 1]}
        </button>
      ))}
    </aside>
  );
}
