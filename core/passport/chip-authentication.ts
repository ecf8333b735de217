// Chip Authentication v1 (ICAO Doc 9303-11 §6.2): an ephemeral-static ECDH with the chip's key from
// DG14, after which secure messaging restarts under the derived keys (SSC zero, §9.8.2). A chip that
// does not hold the private key cannot answer the next command under the new keys: its MAC fails.
// 3DES suites use MSE:Set KAT (§6.2.4.1); AES suites MSE:Set AT + GENERAL AUTHENTICATE (§6.2.4.2).
import type { CryptoProvider } from '../crypto/provider.ts';
import { concat, encodeTlv } from '../card/ber-tlv.ts';
import { encodeOidContent } from '../x509/der.ts';
import { kdf } from './cipher-suite.ts';
import type { PassportChannel } from './channel.ts';
import { PassportError } from './codes.ts';
import { SecureMessaging } from './secure-messaging.ts';
import type { ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, SecurityInfos } from './security-infos.ts';

export interface ChipAuthenticationPlan {
  info: ChipAuthenticationInfo;
  key: ChipAuthenticationPublicKeyInfo & {
    curve: NonNullable<ChipAuthenticationPublicKeyInfo['curve']>;
    point: Uint8Array;
  };
  /** keyId must be sent when the chip has more than one key (§6.2.4). */
  sendKeyId: boolean;
}

/** The Chip Authentication to run from DG14: ECDH on a known curve, AES preferred (§8.5). Null: not offered. */
export function planChipAuthentication(dg14: SecurityInfos): ChipAuthenticationPlan | null {
  const keys = dg14.chipAuthenticationKeys.filter(
    (k): k is ChipAuthenticationPlan['key'] => k.keyAgreement === 'ECDH' && !!k.curve && !!k.point,
  );
  const infos = dg14.chipAuthentication
    .filter((i) => i.keyAgreement === 'ECDH' && i.version === 1)
    .sort((a, b) => (a.suite.cipher === 'AES' ? 0 : 1) - (b.suite.cipher === 'AES' ? 0 : 1));
  for (const info of infos) {
    const key = keys.find((k) => info.keyId === undefined || k.keyId === undefined || k.keyId === info.keyId);
    if (key) return { info, key, sendKeyId: dg14.chipAuthenticationKeys.length > 1 && key.keyId !== undefined };
  }
  return null;
}

/**
 * Run Chip Authentication over the current secure channel and switch the channel to the new keys.
 * Throws PassportError when the chip refuses the commands (the caller reports chip authenticity as
 * failed); success of the key agreement itself shows only when the next response verifies.
 */
export async function performChipAuthentication(
  ch: PassportChannel,
  plan: ChipAuthenticationPlan,
  crypto: Pick<CryptoProvider, 'generateEcKey' | 'ecdh' | 'digest' | 'cbc'>,
): Promise<void> {
  const { info, key } = plan;
  const eph = crypto.generateEcKey(key.curve);
  const keyRef = plan.sendKeyId ? encodeTlv(0x84, Uint8Array.of(key.keyId!)) : new Uint8Array(0);
  if (info.suite.cipher === '3DES') {
    const r = await ch.send({
      cla: 0x00,
      ins: 0x22,
      p1: 0x41,
      p2: 0xa6,
      data: concat(encodeTlv(0x91, eph.publicKey), keyRef),
    });
    if (r.sw !== 0x9000) throw new PassportError('secure_messaging', `MSE:Set KAT answered ${r.sw.toString(16)}`);
  } else {
    const r1 = await ch.send({
      cla: 0x00,
      ins: 0x22,
      p1: 0x41,
      p2: 0xa4,
      data: concat(encodeTlv(0x80, encodeOidContent(info.oid)), keyRef),
    });
    if (r1.sw !== 0x9000) throw new PassportError('secure_messaging', `MSE:Set AT (CA) answered ${r1.sw.toString(16)}`);
    const r2 = await ch.send({
      cla: 0x00,
      ins: 0x86,
      p1: 0x00,
      p2: 0x00,
      data: encodeTlv(0x7c, encodeTlv(0x80, eph.publicKey)),
      le: 256,
    });
    if (r2.sw !== 0x9000)
      throw new PassportError('secure_messaging', `GENERAL AUTHENTICATE (CA) answered ${r2.sw.toString(16)}`);
  }
  // The shared secret with the chip's static key: the chip derives the same only with its private key.
  const x = crypto.ecdh(key.curve, eph.privateKey, key.point);
  const suite = info.suite;
  ch.startSecureMessaging(
    new SecureMessaging(
      suite,
      kdf(crypto, suite, x, 1),
      kdf(crypto, suite, x, 2),
      new Uint8Array(suite.cipher === 'AES' ? 16 : 8),
      crypto,
    ),
  );
}
