// Builds the files of the virtual My Number card from holder data and the TEST keys, exactly in the
// layouts of docs/card-and-mdoc-facts.md "My Number Card", then applies the requested faults AFTER signing (so a tampered
// attribute still carries the genuine issuer signature). TEST ONLY.
import {
  createPrivateKey,
  createPublicKey,
  createHash,
  privateEncrypt,
  sign as nodeSign,
  constants,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concat, encodeTlv } from '../../core/card/ber-tlv.ts';
import { encodeOffsetTable } from '../../core/card/offset-table.ts';
import { encodeRsaKeyObjects } from '../../core/card/rsa-public-key.ts';
import { parseIsoDate } from '../../core/card/check-number-b.ts';
import { FIXTURES, TEST_KEY_IDS, type KeyLabel } from './generate-test-keys.ts';
import type { Holder } from './holder.ts';

export const CARD_FAULTS = [
  'tampered',
  'wrong-signature',
  'wrong-cvc',
  'unknown-signer',
  'blocked-pin',
  'one-try-left',
  'pulled',
  'clone',
] as const;
export type CardFault = (typeof CARD_FAULTS)[number];

const keyCache = new Map<string, KeyObject>();
export function testKey(label: KeyLabel): KeyObject {
  let k = keyCache.get(label);
  if (!k) {
    k = createPrivateKey(readFileSync(join(FIXTURES, `${label}.key.pem`), 'utf8').replace(/^#.*\n/, ''));
    keyCache.set(label, k);
  }
  return k;
}
export function rsaPublic(k: KeyObject): { n: Uint8Array; e: Uint8Array } {
  const jwk = createPublicKey(k).export({ format: 'jwk' }) as { n: string; e: string };
  return { n: new Uint8Array(Buffer.from(jwk.n, 'base64url')), e: new Uint8Array(Buffer.from(jwk.e, 'base64url')) };
}
const rsaSign = (k: KeyObject, data: Uint8Array) => new Uint8Array(nodeSign('sha256', data, k));
/** SEQUENCE { SEQUENCE { OID sha256, NULL }, OCTET STRING (96 bytes) }, written out from the card facts. */
const FACE_DIGEST_INFO_PREFIX = Uint8Array.from(Buffer.from('3071300d0609608648016503040201050004' + '60', 'hex'));
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const utf8 = (s: string) => new TextEncoder().encode(s);
/** The chip's signing primitive: PKCS#1 v1.5 type-1 padding over the DigestInfo it was given. */
export function chipSign(k: KeyObject, digestInfo: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key: k, padding: constants.RSA_PKCS1_PADDING }, digestInfo));
}

/** 7F21 { 5F4E signer id || subject id || key, 5F37 signature } (docs/card-and-mdoc-facts.md "CVC"). */
function cvc(signerId: Uint8Array, signerKey: KeyObject, subjectId: Uint8Array, subjectKey: KeyObject): Uint8Array {
  const body = concat(signerId, subjectId, encodeRsaKeyObjects(rsaPublic(subjectKey)));
  if (body.length !== 297) throw new Error(`CVC body ${body.length}`);
  return encodeTlv(0x7f21, concat(encodeTlv(0x5f4e, body), encodeTlv(0x5f37, rsaSign(signerKey, body))));
}

/** An outer object whose first child is a DF21 offset table over the following children. */
function withOffsets(outerTag: number, kids: Uint8Array[]): Uint8Array {
  // Offsets are from the first byte of the file; the outer header length depends on the total,
  // so compute with the final header size.
  const tableLen = 3 + kids.length * 2; // DF21 + 1-byte length + table (tables here are < 128 bytes)
  const total = tableLen + kids.reduce((n, k) => n + k.length, 0);
  const header = 2 + (total < 0x80 ? 1 : total < 0x100 ? 2 : 3);
  const offsets: number[] = [];
  let o = header + tableLen;
  for (const k of kids) {
    offsets.push(o);
    o += k.length;
  }
  const file = encodeTlv(outerTag, concat(encodeTlv(0xdf21, encodeOffsetTable(offsets)), ...kids));
  if (file.length !== header + total) throw new Error('offset table header size');
  return file;
}

function filler(b: Uint8Array, to: number, byte = 0xff): Uint8Array {
  const out = new Uint8Array(Math.max(to, b.length)).fill(byte);
  out.set(b);
  return out;
}

export interface ApFiles {
  files: Map<number, Uint8Array>;
  /** Private key used to answer `80 2A 00 00` (internal authentication). */
  authKey?: KeyObject;
}

export interface CardImage {
  textAp: ApFiles;
  cardFaceAp: ApFiles;
  jpkiAp: ApFiles;
  photo: Uint8Array;
}

export function loadTestPhoto(): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, 'face.jp2')));
}

function pngStub(label: string): Uint8Array {
  // The name / address / security-code images are 1-bit PNGs on a real card; the kiosk never decodes
  // them. A PNG signature plus a label keeps the layout honest without a PNG encoder.
  return concat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), utf8(`TEST ONLY ${label} image`));
}

export function buildCardImage(h: Holder, faults: ReadonlySet<CardFault>, photo = loadTestPhoto()): CardImage {
  const ymd = h.birthDate.replace(/-/g, '');
  const expiry = h.expiry.replace(/-/g, '');
  const unknown = faults.has('unknown-signer');
  const textSigner = unknown ? testKey('jlis-unknown-signer') : testKey('jlis-text-ap-signer');
  const faceSigner = unknown ? testKey('jlis-unknown-signer') : testKey('jlis-card-face-signer');
  const textSignerId = unknown ? TEST_KEY_IDS.unknownSigner : TEST_KEY_IDS.textApSigner;
  const faceSignerId = unknown ? TEST_KEY_IDS.unknownSigner : TEST_KEY_IDS.cardFaceSigner;

  // ---- 券面事項入力補助AP ----
  const ef0001 = filler(encodeTlv(0xff10, utf8(h.myNumber)), 17, 0x00); // `FF10 0C` + 12 ASCII digits, 17 bytes with filler (observed on real cards)
  const attrKids = [
    encodeTlv(0xdf22, utf8(h.name)),
    encodeTlv(0xdf23, utf8(h.address)),
    encodeTlv(0xdf24, utf8(ymd)),
    encodeTlv(0xdf25, utf8(h.sex)),
  ];
  let ef0002 = withOffsets(0xff20, attrKids);
  const df22Start = ef0002.length - attrKids.reduce((n, k) => n + k.length, 0);
  const df31 = encodeTlv(0xdf31, sha256(ef0001));
  const df32 = encodeTlv(0xdf32, sha256(ef0002.subarray(df22Start)));
  const textCvcKey = testKey('text-ap-cvc');
  let df33: Uint8Array = rsaSign(textCvcKey, concat(df31, df32));
  if (faults.has('wrong-signature')) df33 = flipLast(df33);
  const ef0003 = encodeTlv(0xff30, concat(df31, df32, encodeTlv(0xdf33, df33)));
  let textCvc = cvc(textSignerId, textSigner, TEST_KEY_IDS.textApCvcSubject, textCvcKey);
  if (faults.has('wrong-cvc')) textCvc = flipLast(textCvc);
  const textChip = testKey('text-ap-chip');
  const df51 = encodeTlv(0xdf51, encodeRsaKeyObjects(rsaPublic(textChip)));
  const ef0007 = encodeTlv(0xff50, concat(df51, encodeTlv(0xdf52, rsaSign(textCvcKey, df51))));
  if (faults.has('tampered')) ef0002 = tamperUtf8(ef0002, df22Start + 3); // first character of the name, after signing

  // ---- 券面AP ----
  const faceChip = testKey('card-face-chip');
  const faceCvcKey = testKey('card-face-cvc');
  const b = parseIsoDate(h.birthDate)!;
  const faceKids = [
    encodeTlv(0xdf22, utf8(ymd)),
    encodeTlv(0xdf23, utf8(h.sex)),
    encodeTlv(0xdf24, encodeRsaKeyObjects(rsaPublic(faceChip))),
    encodeTlv(0xdf25, pngStub('name')),
    encodeTlv(0xdf26, pngStub('address')),
    encodeTlv(0xdf27, photo),
  ];
  // DF28: the three hashes go straight into a SHA-256-named DigestInfo (30 71 ... 04 60 || H1 || H2 || H3)
  // and the issuer's key signs its PKCS#1 v1.5 type-1 block: the same primitive as the chip's own
  // signing command (padding over a DigestInfo it is given), not sign('sha256', ...).
  const hashes = concat(
    sha256(concat(faceKids[0]!, faceKids[1]!, faceKids[2]!)),
    sha256(concat(faceKids[3]!, faceKids[4]!)),
    sha256(faceKids[5]!),
  );
  let df28: Uint8Array = chipSign(faceCvcKey, concat(FACE_DIGEST_INFO_PREFIX, hashes));
  if (faults.has('wrong-signature')) df28 = flipLast(df28);
  faceKids.push(encodeTlv(0xdf28, df28), encodeTlv(0xdf29, utf8(expiry)), encodeTlv(0xdf2a, pngStub('security code')));
  if (faults.has('tampered')) {
    // Make the holder look older on the card-face AP after signing: birth year - 10.
    faceKids[0] = encodeTlv(0xdf22, utf8(String(b.year - 10) + ymd.slice(4)));
  }
  const faceEf0002 = withOffsets(0xff20, faceKids);
  let faceCvc = cvc(faceSignerId, faceSigner, TEST_KEY_IDS.cardFaceCvcSubject, faceCvcKey);
  if (faults.has('wrong-cvc')) faceCvc = flipLast(faceCvc);
  let df11 = encodeTlv(0xdf11, utf8(ymd));
  const df12 = encodeTlv(0xdf12, encodeRsaKeyObjects(rsaPublic(faceChip)));
  let df13: Uint8Array = rsaSign(faceCvcKey, concat(df11, df12));
  if (faults.has('wrong-signature')) df13 = flipLast(df13);
  // Older on the birth-date record too, after signing (same length, so the layout stays).
  if (faults.has('tampered')) df11 = encodeTlv(0xdf11, utf8(String(b.year - 10) + ymd.slice(4)));
  const faceEf0001 = encodeTlv(0xff10, concat(df11, df12, encodeTlv(0xdf13, df13)));
  const faceEf0005 = encodeTlv(0xff40, encodeTlv(0xdf41, pngStub('my number')));

  // ---- JPKI-AP ----
  const userCertPem = readFileSync(join(FIXTURES, 'jpki-auth-user.crt.pem'), 'utf8');
  const userCert = new Uint8Array(Buffer.from(userCertPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

  const clone = faults.has('clone');
  return {
    textAp: {
      files: new Map([
        [0x0001, ef0001],
        [0x0002, filler(ef0002, ef0002.length + 16)],
        [0x0003, filler(ef0003, ef0003.length + 8)],
        [0x0004, textCvc],
        [0x0007, ef0007],
      ]),
      authKey: clone ? testKey('clone-chip') : textChip,
    },
    cardFaceAp: {
      files: new Map([
        [0x0001, faceEf0001],
        [0x0002, filler(faceEf0002, faceEf0002.length + 32, 0x00)],
        [0x0004, faceCvc],
        [0x0005, faceEf0005],
      ]),
      authKey: clone ? testKey('clone-chip') : faceChip,
    },
    jpkiAp: {
      files: new Map([
        [0x000a, filler(userCert, userCert.length + 64, 0x00)],
        [0x0006, utf8('JPKIAPICCTOKEN2')],
      ]),
      authKey: testKey('jpki-auth-user'),
    },
    photo,
  };
}

function flipLast(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c[c.length - 1]! ^= 0x01;
  return c;
}

/** Replace one 3-byte UTF-8 character at `at` with another of the same length (so layout and offsets stay). */
function tamperUtf8(b: Uint8Array, at: number): Uint8Array {
  const c = b.slice();
  c.set(utf8('偽'), at);
  if (c.every((x, i) => x === b[i])) c.set(utf8('改'), at);
  return c;
}
