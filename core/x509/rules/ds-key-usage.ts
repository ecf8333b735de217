// ISO/IEC 18013-5 Annex B (Document Signer certificate): KeyUsage is critical and asserts
// digitalSignature only. A DS key that may also sign certificates could mint its own DS certs.

import type { X509Check } from '../codes.ts';
import { OID } from '../oids.ts';
import { findExtension, type Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const DS_KEY_USAGE_INVALID = 'ds_key_usage_invalid';

// The passing check carries no detail, so one object serves every result (results are read, never edited).
const PASSED: X509Check = pass(DS_KEY_USAGE_INVALID);

export function checkDsKeyUsage({ ds }: { ds: Certificate }): X509Check[] {
  const ext = findExtension(ds, OID.keyUsage);
  if (!ext || !ds.keyUsage) return [fail(DS_KEY_USAGE_INVALID, 'DS certificate has no KeyUsage extension')];
  if (!ext.critical) return [fail(DS_KEY_USAGE_INVALID, 'DS KeyUsage extension is not marked critical')];
  if (ds.keyUsage.size !== 1 || !ds.keyUsage.has('digitalSignature')) {
    return [
      fail(
        DS_KEY_USAGE_INVALID,
        `DS KeyUsage must be digitalSignature only, found: ${[...ds.keyUsage].join(', ') || '(none)'}`,
      ),
    ];
  }
  return [PASSED];
}
