// ISO/IEC 18013-5 Annex B: the DS subject's countryName equals the IACA's countryName (an issuing
// authority signs only for its own country). A missing countryName on either side is a failure.

import type { X509Check } from '../codes.ts';
import { nameAttribute, type Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const COUNTRY_MISMATCH = 'country_mismatch';

// The passing check carries no detail, so one object serves every result (results are read, never edited).
const PASSED: X509Check = pass(COUNTRY_MISMATCH);

export function checkDsCountryMatchesIaca({ ds, iaca }: { ds: Certificate; iaca: Certificate }): X509Check[] {
  const dsC = nameAttribute(ds.subject, 'C');
  const iacaC = nameAttribute(iaca.subject, 'C');
  if (!dsC) return [fail(COUNTRY_MISMATCH, 'DS subject has no countryName')];
  if (!iacaC) return [fail(COUNTRY_MISMATCH, 'IACA subject has no countryName')];
  // ISO 3166-1 alpha-2 codes are upper-case; compare exactly.
  if (dsC !== iacaC) return [fail(COUNTRY_MISMATCH, `DS country ${dsC} differs from IACA country ${iacaC}`)];
  return [PASSED];
}
