import type { PolicyName } from '../../core/policy/policy.ts';
import { readDrivingLicence, type LicenceSecrets } from '../../core/licence/read-licence.ts';
import { CardError } from '../../core/card/codes.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { loadDocumentTrust } from '../../main/trust/document-trust.ts';
import { LicencePulled, VirtualLicence, type VirtualLicenceOptions } from '../../sim/licence/virtual-licence.ts';
import { AT, TEST_TRUST_DIR } from '../residence-card/support.ts';

export const PINS: LicenceSecrets = { pin1: '1234', pin2: '5678' };

export async function readLicence(
  policy: PolicyName,
  secrets: LicenceSecrets = PINS,
  opts: VirtualLicenceOptions = {},
  o: { signature?: boolean; trustDir?: string } = {},
) {
  const card = new VirtualLicence(opts);
  const transport = {
    async transmit(c: Uint8Array) {
      try {
        return card.process(c);
      } catch (e) {
        if (e instanceof LicencePulled) throw new CardError('card_removed', 'pulled');
        throw e;
      }
    },
  };
  const result = await readDrivingLicence({
    transport,
    policy,
    secrets,
    signature: o.signature ?? true,
    trust: loadDocumentTrust(o.trustDir ?? TEST_TRUST_DIR, nodeCrypto),
    crypto: nodeCrypto,
    at: AT,
    now: () => performance.now(),
  });
  return { card, result };
}
