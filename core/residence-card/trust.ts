// Trust anchors of the residence card: the Immigration Services Agency's self-signed roots
// ("ZairyuCard CA" RSA-2048 for the 1st generation, "ZairyuCard CA2" EC P-384 for the 2nd), loaded
// from DIR/residence-card/*.pem. The real roots are published by the ISA; their SHA-256
// fingerprints are pinned here, and a root whose subject claims to be the ISA's but whose
// fingerprint is not one of these is refused (the same rule as the J-LIS roots,
// core/trust/pinned-roots.ts). The ISA's test root for sample cards is listed so that it is named
// when refused: it must never be trusted in production.
import type { Certificate } from '../x509/certificate.ts';

export interface IsaPinnedRoot {
  name: string;
  sha256: string;
  validFrom: string;
  validUntil: string;
  production: boolean;
}

export const ISA_PINNED_ROOTS: readonly IsaPinnedRoot[] = [
  {
    name: 'ZairyuCard CA (930001756)',
    sha256: '97f37c5967af5f3cd84e6ed694b09539abb7f8e7e76b6f7496a060008982983d',
    validFrom: '2015-06-06',
    validUntil: '2025-09-06',
    production: true,
  },
  {
    name: 'ZairyuCard CA (930001757)',
    sha256: 'ff02323cea7b8c3dfc0dc2de79d46e78514af587368523086b188e9690aec861',
    validFrom: '2018-04-07',
    validUntil: '2028-07-07',
    production: true,
  },
  {
    name: 'ZairyuCard CA (001353372)',
    sha256: '6f50161aa80f7ff7c630505faf472906f7b101d5083e327a6182c82cd7985e67',
    validFrom: '2021-05-27',
    validUntil: '2031-08-27',
    production: true,
  },
  {
    name: 'ZairyuCard CA (001421582)',
    sha256: 'bf854466ed9abf61f559c39bf8790546f8acdab99b51fd2330563669ce4a71b2',
    validFrom: '2024-05-08',
    validUntil: '2034-08-08',
    production: true,
  },
  {
    name: 'ZairyuCard CA2 (001462221)',
    sha256: '11e6ad8b8e64f0cdb1d8ba9e3689926c80e8479a2f098616f674a23582bec13b',
    validFrom: '2026-04-20',
    validUntil: '2039-07-20',
    production: true,
  },
  {
    name: 'ISA test root for sample cards (001460788)',
    sha256: '1846b815d31f04fe93d57450a6d8a8c351eac3d8c444a2375d95734df7dd1057',
    validFrom: '2026-03-19',
    validUntil: '2039-06-19',
    production: false,
  },
];

/** Subjects that claim to be the ISA's card CA (O=Japanese Government, OU=The Ministry of Justice). */
export function claimsIsa(subject: string): boolean {
  return (
    /ZairyuCard CA/i.test(subject) || (/Japanese Government/i.test(subject) && /Ministry of Justice/i.test(subject))
  );
}

export interface ResidenceCardRoot {
  cert: Certificate;
  /** Lower-case hex SHA-256 of the DER. */
  fingerprint: string;
  origin: string;
  pinned?: IsaPinnedRoot;
}

export interface ResidenceCardTrust {
  residenceCardRoots: readonly ResidenceCardRoot[];
}

/** Is a root file acceptable? An ISA-looking subject must match a pinned production fingerprint. */
export function checkIsaRoot(
  subject: string,
  fingerprint: string,
): { ok: true; pinned?: IsaPinnedRoot } | { ok: false; reason: string } {
  const pin = ISA_PINNED_ROOTS.find((p) => p.sha256 === fingerprint);
  if (pin && !pin.production)
    return { ok: false, reason: `${pin.name} is the ISA's TEST root: never trusted in production` };
  if (pin) return { ok: true, pinned: pin };
  if (claimsIsa(subject))
    return { ok: false, reason: 'subject claims to be the ISA card CA but the fingerprint is not a published one' };
  return { ok: true };
}
