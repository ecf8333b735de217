// ISO/IEC 18013-5 Annex B (IACA root certificate): BasicConstraints critical, cA TRUE, pathLenConstraint 0
// (the chain is IACA -> DS, no intermediates).

import type { X509Check } from '../codes.ts';
import { OID } from '../oids.ts';
import type { Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const IACA_PROFILE_INVALID = 'iaca_profile_invalid';

export function checkIacaBasicConstraints({ iaca }: { iaca: Certificate }): X509Check[] {
  const ext = iaca.extensions.find((e) => e.oid === OID.basicConstraints);
  const bc = iaca.basicConstraints;
  if (!ext || !bc) return [fail(IACA_PROFILE_INVALID, 'IACA has no BasicConstraints extension')];
  if (!ext.critical) return [fail(IACA_PROFILE_INVALID, 'IACA BasicConstraints is not marked critical')];
  if (!bc.cA) return [fail(IACA_PROFILE_INVALID, 'IACA BasicConstraints cA is not TRUE')];
  if (bc.pathLen !== 0)
    return [
      fail(IACA_PROFILE_INVALID, `IACA BasicConstraints pathLenConstraint must be 0, found ${bc.pathLen ?? 'absent'}`),
    ];
  return [pass(IACA_PROFILE_INVALID, 'BasicConstraints: cA, pathLen 0')];
}
