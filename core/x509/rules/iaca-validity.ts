// The IACA root must be within its validity at verification time (RFC 5280 §6.1.3 (a)(2) applies to
// every certificate of the path, the trust anchor included when it is a certificate we check).

import type { X509Check } from '../codes.ts';
import type { Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const IACA_NOT_YET_VALID = 'iaca_not_yet_valid';
export const IACA_EXPIRED = 'iaca_expired';

export function checkIacaValidity({ iaca, at }: { iaca: Certificate; at: Date }): X509Check[] {
  const t = at.getTime();
  if (Number.isNaN(t))
    return [
      fail(IACA_NOT_YET_VALID, 'verification time is not a valid date'),
      fail(IACA_EXPIRED, 'verification time is not a valid date'),
    ];
  return [
    t < iaca.notBefore.getTime()
      ? fail(IACA_NOT_YET_VALID, `IACA is valid from ${iaca.notBefore.toISOString()}`)
      : pass(IACA_NOT_YET_VALID),
    t > iaca.notAfter.getTime()
      ? fail(IACA_EXPIRED, `IACA expired at ${iaca.notAfter.toISOString()}`)
      : pass(IACA_EXPIRED),
  ];
}
