// ISO/IEC 18013-5 Annex B (Document Signer certificate): KeyUsage is critical and asserts
// digitalSignature only. A DS key that may also sign certificates could mint its own DS certs.

import type { Check } from '../../check.ts';
import { OID } from '../oids.ts';
import type { Certificate } from '../certificate.ts';
import { fail, pass } from './context.ts';

export const DS_KEY_USAGE_INVALID = 'ds_key_usage_invalid';

export function checkDsKeyUsage({ ds }: { ds: Certificate }): Check[] {
  const ext = ds.extensions.find((e) => e.oid === OID.keyUsage);
  if (!ext || !ds.keyUsage) return [fail(DS_KEY_USAGE_INVALID, 'DS certificate has no KeyUsage extension')];
  if (!ext.critical) return [fail(DS_KEY_USAGE_INVALID, 'DS KeyUsage extension is not marked critical')];
  const usages = [...ds.keyUsage];
  if (usages.length !== 1 || usages[0] !== 'digitalSignature') {
    return [fail(DS_KEY_USAGE_INVALID, `DS KeyUsage must be digitalSignature only, found: ${usages.join(', ') || '(none)'}`)];
  }
  return [pass(DS_KEY_USAGE_INVALID)];
}
