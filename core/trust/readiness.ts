// "Ready for ...": what a kiosk can verify with the anchors it has, per credential, in plain words for
// the staff trust view and `kakunin trust list`. Each entry says what is missing when it is not ready.
import { nameToString } from '../x509/certificate.ts';
import { PINNED_CARD_FACE_KEYS, PINNED_ROOTS } from './pinned-roots.ts';
import type { TrustStore } from './trust-store.ts';

export interface Readiness {
  id: 'mynumber-card' | 'mynumber-iphone' | 'jpki' | 'passport';
  labelJa: string;
  labelEn: string;
  ready: boolean;
  /** What is missing or unusable, in English (the staff screen shows labelJa + these). */
  missing: string[];
}

const validAt = (c: { notBefore: Date; notAfter: Date }, at: Date) => at >= c.notBefore && at <= c.notAfter;

export function trustReadiness(store: TrustStore, at: Date): Readiness[] {
  const card: string[] = [];
  for (const p of PINNED_CARD_FACE_KEYS.filter((k) => k.signs !== 'MF level')) {
    if (!store.cardFaceKeys.has(p.keyId)) card.push(`J-LIS ${p.signs} key ${p.label}`);
  }
  const iphone: string[] = [];
  const mdocIaca = PINNED_ROOTS.find((r) => r.kind === 'iaca')!;
  const iaca = store.iacas.find((r) => r.fingerprint === mdocIaca.sha256);
  if (!iaca) iphone.push(`J-LIS mdoc IACA (${mdocIaca.subject})`);
  else if (!validAt(iaca.cert, at))
    iphone.push(`J-LIS mdoc IACA is not valid now (until ${iaca.cert.notAfter.toISOString().slice(0, 10)})`);
  const jpki: string[] = [];
  const auth = store.jpkiRoots.filter((r) => /user authentication/i.test(nameToString(r.cert.subject)));
  if (!auth.length) jpki.push('JPKI root for user authentication');
  else if (!auth.some((r) => validAt(r.cert, at))) jpki.push('every JPKI user-authentication root has expired');
  // Passports: ready for the countries whose CSCA is installed now (others read as unverified).
  const countries = [...new Set(store.cscas.filter((c) => validAt(c.cert, at)).map((c) => c.country))].sort();
  const passport = countries.length
    ? []
    : ['no CSCA valid now (DIR/csca or a master list): every passport reads as unverified, for staff to confirm'];
  return [
    {
      id: 'mynumber-card',
      labelJa: 'マイナンバーカード（カード）',
      labelEn: 'My Number Card (card)',
      ready: card.length === 0,
      missing: card,
    },
    {
      id: 'mynumber-iphone',
      labelJa: 'マイナンバーカード（iPhone）',
      labelEn: 'My Number Card (iPhone)',
      ready: iphone.length === 0,
      missing: iphone,
    },
    { id: 'jpki', labelJa: '公的個人認証（JPKI）', labelEn: 'JPKI', ready: jpki.length === 0, missing: jpki },
    countries.length
      ? {
          id: 'passport',
          labelJa: `IC旅券（${countries.length}か国：${countries.join(', ')}）`,
          labelEn: `Passports (${countries.length} countries: ${countries.join(', ')})`,
          ready: true,
          missing: [],
        }
      : { id: 'passport', labelJa: 'IC旅券', labelEn: 'Passports', ready: false, missing: passport },
  ];
}
