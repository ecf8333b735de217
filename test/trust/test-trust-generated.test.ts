// resources/test-trust is exactly what sim/pki generates (deterministic keys and RFC 6979 signatures):
// a drift here means someone edited the files by hand or changed the generator without regenerating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { derToPem } from '../../core/x509/pem.ts';
import { testIaca, testIacaFile } from '../../sim/pki/test-pki.ts';
import { testVical } from '../../sim/pki/vical-builder.ts';
import { ROOT } from '../x509/support.ts';

const TT = join(ROOT, 'resources', 'test-trust');

test('resources/test-trust matches `npm run gen:test-trust` byte for byte', () => {
  for (const n of ['p256', 'p384', 'p521'] as const) {
    assert.equal(readFileSync(join(TT, 'iaca', testIacaFile(n)), 'utf8'), derToPem(testIaca(n).der), n);
  }
  const v = testVical();
  assert.deepEqual(new Uint8Array(readFileSync(join(TT, 'vical', 'kakunin-test-vical.cbor'))), v.vical);
  assert.equal(
    readFileSync(join(TT, 'vical-signers', 'kakunin-test-vical-signer.pem'), 'utf8'),
    derToPem(v.signerCertificate),
  );
});
