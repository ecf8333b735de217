// ISO/IEC 18013-5 Annex B (docs/card-and-mdoc-facts.md "Annex B profile we enforce"): the DS certificate's validity covers the verification time
// AND the MSO's `signed` time (an MSO signed outside the DS validity was made with a key that was not
// valid for signing then, even if the certificate is valid today).

import type { X509Check } from '../codes.ts';
import type { Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const DS_NOT_YET_VALID = 'ds_not_yet_valid';
export const DS_EXPIRED = 'ds_expired';
export const DS_NOT_VALID_AT_SIGNING = 'ds_not_valid_at_signing';

const iso = (d: Date): string => d.toISOString();

export function checkDsValidity({ ds, at, signedAt }: { ds: Certificate; at: Date; signedAt?: Date }): X509Check[] {
  const t = at.getTime();
  if (Number.isNaN(t))
    return [
      fail(DS_NOT_YET_VALID, 'verification time is not a valid date'),
      fail(DS_EXPIRED, 'verification time is not a valid date'),
    ];
  const out: X509Check[] = [
    t < ds.notBefore.getTime()
      ? fail(DS_NOT_YET_VALID, `DS certificate is valid from ${iso(ds.notBefore)}, verification time is ${iso(at)}`)
      : pass(DS_NOT_YET_VALID),
    t > ds.notAfter.getTime()
      ? fail(DS_EXPIRED, `DS certificate expired at ${iso(ds.notAfter)}, verification time is ${iso(at)}`)
      : pass(DS_EXPIRED),
  ];
  if (signedAt) {
    const s = signedAt.getTime();
    out.push(
      Number.isNaN(s) || s < ds.notBefore.getTime() || s > ds.notAfter.getTime()
        ? fail(
            DS_NOT_VALID_AT_SIGNING,
            `MSO signed at ${Number.isNaN(s) ? 'an invalid time' : iso(signedAt)}, outside the DS validity ${iso(ds.notBefore)} .. ${iso(ds.notAfter)}`,
          )
        : pass(DS_NOT_VALID_AT_SIGNING),
    );
  }
  return out;
}
