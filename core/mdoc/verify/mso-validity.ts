// Stage 4, MSO validity (item 4 of "What the verifier checks", docs/card-and-mdoc-facts.md):
// validFrom <= now <= validUntil, with an allowance for kiosk clocks that drift.
import type { MobileSecurityObject } from '../mobile-security-object.ts';
import { fail, pass, type MdocCheck } from './check-list.ts';

export function msoValidity(validity: MobileSecurityObject['validityInfo'], now: Date, skewMs: number): MdocCheck[] {
  const t = now.getTime();
  if (Number.isNaN(t))
    return [
      fail('mso_not_yet_valid', 'verification time is not a valid date'),
      fail('mso_expired', 'verification time is not a valid date'),
    ];
  const from = validity.validFrom.toISOString();
  const until = validity.validUntil.toISOString();
  return [
    t + skewMs < validity.validFrom.getTime()
      ? fail('mso_not_yet_valid', `valid from ${from}, now is ${now.toISOString()}`)
      : pass('mso_not_yet_valid', `valid from ${from}`),
    t - skewMs > validity.validUntil.getTime()
      ? fail('mso_expired', `valid until ${until}, now is ${now.toISOString()}`)
      : pass('mso_expired', `valid until ${until}`),
  ];
}
