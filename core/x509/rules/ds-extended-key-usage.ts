// ISO/IEC 18013-5 Annex B (Document Signer certificate): ExtendedKeyUsage is critical and holds the
// mdoc DS purpose 1.0.18013.5.1.2. Without it any certificate under the IACA (a reader-auth or
// VICAL signer cert, say) could sign MSOs.

import type { X509Check } from '../codes.ts';
import { OID } from '../oids.ts';
import { findExtension, type Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const DS_EKU_INVALID = 'ds_eku_invalid';

// The passing check carries no detail, so one object serves every result (results are read, never edited).
const PASSED: X509Check = pass(DS_EKU_INVALID);

export function checkDsExtendedKeyUsage({ ds }: { ds: Certificate }): X509Check[] {
  const ext = findExtension(ds, OID.extendedKeyUsage);
  if (!ext || !ds.extendedKeyUsage) return [fail(DS_EKU_INVALID, 'DS certificate has no ExtendedKeyUsage extension')];
  if (!ds.extendedKeyUsage.includes(OID.mdlDocumentSigner)) {
    return [
      fail(
        DS_EKU_INVALID,
        `DS ExtendedKeyUsage lacks ${OID.mdlDocumentSigner} (found ${ds.extendedKeyUsage.join(', ')})`,
      ),
    ];
  }
  if (!ext.critical) return [fail(DS_EKU_INVALID, 'DS ExtendedKeyUsage extension is not marked critical')];
  return [PASSED];
}
