// ISO/IEC 18013-5 Annex B (IACA root certificate): KeyUsage critical with keyCertSign and cRLSign,
// and nothing else (an IACA key signs certificates and CRLs, never documents).

import type { X509Check } from '../codes.ts';
import { OID } from '../oids.ts';
import type { Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';
import { IACA_PROFILE_INVALID } from './iaca-basic-constraints.ts';

export function checkIacaKeyUsage({ iaca }: { iaca: Certificate }): X509Check[] {
  const ext = iaca.extensions.find((e) => e.oid === OID.keyUsage);
  const ku = iaca.keyUsage;
  if (!ext || !ku) return [fail(IACA_PROFILE_INVALID, 'IACA has no KeyUsage extension')];
  if (!ext.critical) return [fail(IACA_PROFILE_INVALID, 'IACA KeyUsage is not marked critical')];
  const usages = [...ku].sort();
  if (usages.length !== 2 || !ku.has('keyCertSign') || !ku.has('cRLSign')) {
    return [
      fail(
        IACA_PROFILE_INVALID,
        `IACA KeyUsage must be keyCertSign + cRLSign, found: ${usages.join(', ') || '(none)'}`,
      ),
    ];
  }
  return [pass(IACA_PROFILE_INVALID, 'KeyUsage: keyCertSign, cRLSign')];
}
