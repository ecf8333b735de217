// The offline signature checks of the My Number Card (docs/card-and-mdoc-facts.md "Verification
// order" and "Proving the chip is genuine"). Each function returns Checks (core/check.ts);
// a read is valid only when every check ran and passed. A key is used only after the signature that
// vouches for it verified: J-LIS key (trust dir, by signer key id) -> EF 0004 CVC key -> DF33 / DF52
// / DF28 -> chip key (DF51 / DF24) -> internal authentication over our fresh nonce.
import type { CryptoProvider, RsaPublicKey } from '../crypto/provider.ts';
import type { BirthDateRecord } from './card-face-ap-birth-date.ts';
import type { CardFace } from './card-face-ap-face.ts';
import { keyIdHex, keyIdLabel, type Cvc } from './cvc.ts';
import type { BasicAttributes } from './text-ap-basic-attributes.ts';
import type { ChipKeyRecord } from './text-ap-chip-key.ts';
import type { IntegrityRecord } from './text-ap-integrity.ts';
import { concat, equal } from '../bytes.ts';
import { failCheck, passCheck, type CardCheck } from './codes.ts';
import { cardFaceDigestInfo, pkcs1Type1Block } from './digest-info.ts';

/** The crypto the card layer needs (a full CryptoProvider satisfies it). */
export type CardCrypto = Pick<CryptoProvider, 'digest' | 'randomBytes' | 'rsaPkcs1Verify' | 'rsaPublicOp'>;

/**
 * The trust the card layer needs. core/trust/trust-store.ts TrustStore satisfies it: card-face keys
 * by lower-case hex of the 16-byte signer key id (DIR/card-face/<32 hex>.pem), JPKI roots (DIR/jpki/).
 */
export interface CardTrust {
  readonly cardFaceKeys: ReadonlyMap<string, { key: RsaPublicKey }>;
}

const ok = passCheck;
const bad = failCheck;

/** EF 0004: pick the J-LIS key by the full 16-byte signer key id, verify the 297-byte body. */
export function verifyCvc(
  prefix: 'text_ap' | 'card_face',
  cvc: Cvc,
  trust: CardTrust,
  crypto: CardCrypto,
): { checks: CardCheck[]; key: RsaPublicKey | null } {
  const id = keyIdHex(cvc.signerKeyId);
  const jlis = trust.cardFaceKeys.get(id);
  if (!jlis) {
    return {
      checks: [
        bad(
          `${prefix}.cvc_signer_known`,
          `signer key id ${keyIdLabel(cvc.signerKeyId)} (${id}) is not in the trust directory's card-face/`,
        ),
        bad(`${prefix}.cvc_signature`, 'not checked: no trusted key for the signer key id'),
      ],
      key: null,
    };
  }
  const sigOk = crypto.rsaPkcs1Verify('SHA-256', jlis.key, cvc.body, cvc.signature);
  return {
    checks: [
      ok(`${prefix}.cvc_signer_known`, `signer key id ${keyIdLabel(cvc.signerKeyId)}`),
      sigOk
        ? ok(`${prefix}.cvc_signature`)
        : bad(`${prefix}.cvc_signature`, 'EF 0004 CVC signature does not verify with the J-LIS key'),
    ],
    key: sigOk ? cvc.subjectKey : null,
  };
}

/** Text AP: DF32 = SHA-256(EF 0002 from DF22), DF33 over DF31||DF32 with the CVC key. */
export function verifyTextAttributes(
  attrs: BasicAttributes,
  integrity: IntegrityRecord,
  cvcKey: RsaPublicKey | null,
  crypto: CardCrypto,
): CardCheck[] {
  const h = crypto.digest('SHA-256', attrs.hashedRange);
  const out: CardCheck[] = [
    equal(h, integrity.attributesHash)
      ? ok('text_ap.attributes_hash')
      : bad('text_ap.attributes_hash', 'SHA-256 of EF 0002 from DF22 does not equal DF32: the attributes were altered'),
  ];
  if (!cvcKey) out.push(bad('text_ap.integrity_signature', 'not checked: the EF 0004 key is not trusted'));
  else
    out.push(
      crypto.rsaPkcs1Verify('SHA-256', cvcKey, integrity.signedBytes, integrity.signature)
        ? ok('text_ap.integrity_signature')
        : bad('text_ap.integrity_signature', 'DF33 does not verify over DF31||DF32'),
    );
  return out;
}

/** Text AP EF 0007: DF52 over DF51 with the CVC key; returns the chip key only when it verified. */
export function verifyTextChipKey(
  rec: ChipKeyRecord,
  cvcKey: RsaPublicKey | null,
  crypto: CardCrypto,
): { check: CardCheck; chipKey: RsaPublicKey | null } {
  if (!cvcKey)
    return { check: bad('text_ap.chip_key_signature', 'not checked: the EF 0004 key is not trusted'), chipKey: null };
  const v = crypto.rsaPkcs1Verify('SHA-256', cvcKey, rec.signedBytes, rec.signature);
  return {
    check: v ? ok('text_ap.chip_key_signature') : bad('text_ap.chip_key_signature', 'DF52 does not verify over DF51'),
    chipKey: v ? rec.chipKey : null,
  };
}

/**
 * Card-face EF 0002: DF28 is the PKCS#1 v1.5 type-1 block over the 115-byte DigestInfo that holds
 * H(DF22||DF23||DF24) || H(DF25||DF26) || H(DF27) directly (digest-info.ts). RSA public operation,
 * then the whole block compared in constant time with the one correct encoding.
 */
export function verifyCardFace(
  face: CardFace,
  cvcKey: RsaPublicKey | null,
  crypto: CardCrypto,
): { check: CardCheck; chipKey: RsaPublicKey | null } {
  if (!cvcKey)
    return { check: bad('card_face.face_signature', 'not checked: the EF 0004 key is not trusted'), chipKey: null };
  const hashes = concat(...face.signedRanges.map((r) => crypto.digest('SHA-256', r)));
  const block = crypto.rsaPublicOp(cvcKey, face.signature);
  const expected = block ? pkcs1Type1Block(block.length, cardFaceDigestInfo(hashes)) : null;
  // Constant time: the block is a signature (core/bytes.ts equal).
  const v = !!block && !!expected && equal(block, expected);
  return {
    check: v
      ? ok('card_face.face_signature', 'covers birth date, sex, chip key, name and address images, face photo')
      : bad('card_face.face_signature', 'DF28 does not verify: the card face (photo included) was altered'),
    chipKey: v ? face.chipKey : null,
  };
}

/** Card-face EF 0001: DF13 over DF11||DF12 with the CVC key; returns the chip key (DF12) only when it verified. */
export function verifyBirthDateRecord(
  rec: BirthDateRecord,
  cvcKey: RsaPublicKey | null,
  crypto: CardCrypto,
): { check: CardCheck; chipKey: RsaPublicKey | null } {
  if (!cvcKey)
    return {
      check: bad('card_face.birth_date_signature', 'not checked: the EF 0004 key is not trusted'),
      chipKey: null,
    };
  const v = crypto.rsaPkcs1Verify('SHA-256', cvcKey, rec.signedBytes, rec.signature);
  return {
    check: v
      ? ok('card_face.birth_date_signature', 'covers the birth date and the chip key')
      : bad(
          'card_face.birth_date_signature',
          'DF13 does not verify over DF11||DF12: the birth-date record was altered',
        ),
    chipKey: v ? rec.chipKey : null,
  };
}

/** Internal authentication: the chip signed SHA-256(our fresh nonce) with the key the issuer vouched for. */
export function verifyChipAuthentication(
  prefix: 'text_ap' | 'card_face',
  chipKey: RsaPublicKey | null,
  nonce: Uint8Array,
  signature: Uint8Array | null,
  crypto: CardCrypto,
): CardCheck {
  const code = `${prefix}.chip_authentication` as const;
  if (!signature) return bad(code, 'the card gave no internal-authentication answer');
  if (!chipKey) return bad(code, 'not checked: the chip public key is not vouched for by a verified signature');
  return crypto.rsaPkcs1Verify('SHA-256', chipKey, nonce, signature)
    ? ok(code, 'fresh nonce signed by the chip')
    : bad(code, 'the chip did not prove possession of the signed key: a copy of the files, not the genuine chip');
}
