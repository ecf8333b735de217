// Shared helpers for the passport tests: the TEST trust directory, an in-memory transport to the
// virtual passport (for unit tests that need no pcscd), and the fixed clock of the tests.
import type { ApduTransport } from '../../core/card/apdu.ts';
import { CardError } from '../../core/card/codes.ts';
import { PassportChannel } from '../../core/passport/channel.ts';
import { mrzKeyFromFields } from '../../core/passport/mrz.ts';
import { readPassport, type PassportAccessKey } from '../../core/passport/read-passport.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { CardPulled } from '../../sim/card/virtual-card.ts';
import { TEST_HOLDER, type PassportHolder } from '../../sim/passport/holder.ts';
import { VirtualPassport, type VirtualPassportOptions } from '../../sim/passport/virtual-passport.ts';
import { AT, testTrust } from '../card/support.ts';

export { AT, testTrust };

export function mrzAccess(h: Partial<PassportHolder> = {}): PassportAccessKey {
  const holder = { ...TEST_HOLDER, ...h };
  const k = mrzKeyFromFields({
    documentNumber: holder.documentNumber,
    birthDate: holder.birthDate,
    expiryDate: holder.expiryDate,
  });
  if (!k.ok) throw new Error('test holder MRZ invalid');
  return { kind: 'mrz', key: k.key };
}

export function memoryTransport(chip: VirtualPassport): ApduTransport & { log: Uint8Array[] } {
  const log: Uint8Array[] = [];
  return {
    log,
    async transmit(c) {
      log.push(c);
      try {
        return chip.process(c);
      } catch (e) {
        if (e instanceof CardPulled) throw new CardError('card_removed', 'virtual passport pulled');
        throw e;
      }
    },
  };
}

export async function readInMemory(
  opts: VirtualPassportOptions = {},
  extra: { policy?: PolicyName; access?: PassportAccessKey; crypto?: CryptoProvider; at?: Date } = {},
) {
  const chip = new VirtualPassport(opts);
  const transport = memoryTransport(chip);
  const channel = new PassportChannel(transport);
  const result = await readPassport({
    channel,
    policy: extra.policy ?? 'identity',
    access: extra.access ?? mrzAccess(opts.holder),
    trust: testTrust(),
    crypto: extra.crypto ?? nodeCrypto,
    at: extra.at ?? AT,
    now: () => performance.now(),
  });
  return { chip, result, transport };
}

export function failed(checks: ReadonlyArray<{ code: string; ok: boolean }>): string[] {
  return checks.filter((c) => !c.ok).map((c) => c.code);
}
