// Known-answer tests of every signed My Number Card record, built here byte by byte from the card
// facts (docs/card-and-mdoc-facts.md), with none of our encoders or of the virtual card's signer:
// a local TLV writer, raw RSA with a test key, and the signed ranges written out as the facts say.
//
//   card-face EF 0002  DF28 = type-1 block over DigestInfo(SHA-256 OID, H1‖H2‖H3), 115 bytes, where
//                      H1 = H(DF22‖DF23‖DF24), H2 = H(DF25‖DF26), H3 = H(DF27) over the TLVs as stored;
//                      DF21, DF29 and DF2A are not covered
//   card-face EF 0001  DF13 = RSASSA-PKCS1-v1_5-SHA256 over DF11‖DF12
//   text AP EF 0002/3  DF32 = SHA-256(EF 0002 from DF22 to the end of FF20); DF33 = RSASSA over DF31‖DF32
//   text AP EF 0007    DF52 = RSASSA over DF51
//   EF 0004 CVC        5F37 = RSASSA over the 297-byte 5F4E body
// For each record every byte inside the covered range is flipped once: the check fails (or the file is
// refused as malformed); bytes outside it do not change the signature check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, privateEncrypt, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBirthDateRecord } from '../../core/card/card-face-ap-birth-date.ts';
import { parseCardFace } from '../../core/card/card-face-ap-face.ts';
import { CardError } from '../../core/card/codes.ts';
import { parseCvc } from '../../core/card/cvc.ts';
import { parseBasicAttributes } from '../../core/card/text-ap-basic-attributes.ts';
import { parseChipKeyRecord } from '../../core/card/text-ap-chip-key.ts';
import { parseIntegrityRecord } from '../../core/card/text-ap-integrity.ts';
import {
  verifyBirthDateRecord,
  verifyCardFace,
  verifyCvc,
  verifyTextAttributes,
  verifyTextChipKey,
} from '../../core/card/verify.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import type { CryptoProvider, RsaPublicKey } from '../../core/crypto/provider.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { ROOT } from './support.ts';

// ---- bytes from the facts, written out here ----
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'utf8');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
/** BER length: short form below 128, else 81 / 82 long form. */
const len = (n: number) =>
  n < 0x80 ? Buffer.of(n) : n < 0x100 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff);
const tlv = (tag: string, value: Uint8Array) => Buffer.concat([hex(tag), len(value.length), value]);
const u16 = (n: number) => Buffer.of(n >> 8, n & 0xff);

/** FF20 { DF21 offsets of the following objects from the first byte of the file, ...objects }. */
function withOffsetTable(outer: string, kids: Buffer[]): Buffer {
  const tableLen = 3 + 2 * kids.length; // DF21 + one length byte + table
  const bodyLen = tableLen + kids.reduce((n, k) => n + k.length, 0);
  let at = hex(outer).length + len(bodyLen).length + tableLen;
  const offsets: Buffer[] = [];
  for (const k of kids) {
    offsets.push(u16(at));
    at += k.length;
  }
  return tlv(outer, Buffer.concat([tlv('DF21', Buffer.concat(offsets)), ...kids]));
}

function rsaKey(): { priv: KeyObject; pub: RsaPublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { priv: privateKey, pub: { n: Buffer.from(jwk.n, 'base64url'), e: Buffer.from(jwk.e, 'base64url') } };
}
/** The card's key encoding: 90 exponent, 91 modulus. */
const keyObjects = (k: RsaPublicKey) => Buffer.concat([tlv('90', k.e), tlv('91', k.n)]);
/** Raw RSA with the private key over a 256-byte block we built ourselves. */
const rawSign = (k: KeyObject, block: Buffer) => privateEncrypt({ key: k, padding: constants.RSA_NO_PADDING }, block);
/** RFC 8017 §9.2 EMSA-PKCS1-v1_5 block for a given T: 00 01 FF..FF 00 T (k = 256). */
const type1 = (t: Buffer) =>
  Buffer.concat([Buffer.of(0x00, 0x01), Buffer.alloc(256 - 3 - t.length, 0xff), Buffer.of(0x00), t]);
const rsassa = (k: KeyObject, data: Buffer) => sign('sha256', data, k);

const CVC_KEY = rsaKey();
const CHIP_KEY = rsaKey();
const JLIS_KEY = rsaKey();
const PHOTO = readFileSync(join(ROOT, 'sim', 'card', 'fixtures', 'face.jp2'));
const PNG = (label: string) => Buffer.concat([hex('89504e470d0a1a0a'), ascii(`image ${label}`)]);
const BACKENDS: CryptoProvider[] = [nodeCrypto, nobleCrypto];

// ---- card-face AP EF 0002 ----
const FACE = {
  df22: tlv('DF22', ascii('19800217')),
  df23: tlv('DF23', ascii('2')),
  df24: tlv('DF24', keyObjects(CHIP_KEY.pub)),
  df25: tlv('DF25', PNG('name')),
  df26: tlv('DF26', PNG('address')),
  df27: tlv('DF27', PHOTO),
};
const H123 = Buffer.concat([
  sha256(Buffer.concat([FACE.df22, FACE.df23, FACE.df24])),
  sha256(Buffer.concat([FACE.df25, FACE.df26])),
  sha256(FACE.df27),
]);
/** The spec's 115-byte DigestInfo: SHA-256 AlgorithmIdentifier, OCTET STRING of 96 bytes. */
const FACE_DIGEST_INFO = Buffer.concat([hex('30 71 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 60'), H123]);

function faceFile(df28: Buffer, df29 = '20350217', df2a = PNG('security code')): Buffer {
  return withOffsetTable('FF20', [
    FACE.df22,
    FACE.df23,
    FACE.df24,
    FACE.df25,
    FACE.df26,
    FACE.df27,
    tlv('DF28', df28),
    tlv('DF29', ascii(df29)),
    tlv('DF2A', df2a),
  ]);
}
function faceVerdict(file: Uint8Array, crypto: CryptoProvider = nodeCrypto): 'valid' | 'bad-signature' | 'malformed' {
  try {
    return verifyCardFace(parseCardFace(file), CVC_KEY.pub, crypto).check.ok ? 'valid' : 'bad-signature';
  } catch (e) {
    if (e instanceof CardError && e.code === 'malformed_tlv') return 'malformed';
    throw e;
  }
}
const GENUINE_DF28 = rawSign(CVC_KEY.priv, type1(FACE_DIGEST_INFO));

test('DF28 known answer: the type-1 block over the 115-byte DigestInfo holding H1‖H2‖H3 verifies (both backends)', () => {
  assert.equal(FACE_DIGEST_INFO.length, 115);
  for (const c of BACKENDS) assert.equal(faceVerdict(faceFile(GENUINE_DF28), c), 'valid', c.name);
});

test('DF28: a standard RSASSA-PKCS1-v1_5-SHA256 signature over the same 96 bytes is REJECTED', () => {
  // What a verifier that hashes the three hashes again expects: WebCrypto / crypto.verify('sha256').
  for (const c of BACKENDS) assert.equal(faceVerdict(faceFile(rsassa(CVC_KEY.priv, H123)), c), 'bad-signature', c.name);
});

test('DF28: blocks with the 51-byte standard DigestInfo are REJECTED (over SHA-256(H1‖H2‖H3), and over H1 alone)', () => {
  const std = (h: Buffer) => Buffer.concat([hex('3031300d060960864801650304020105000420'), h]);
  for (const t of [std(sha256(H123)), std(H123.subarray(0, 32)), std(H123.subarray(64))]) {
    assert.equal(t.length, 51);
    for (const c of BACKENDS) assert.equal(faceVerdict(faceFile(rawSign(CVC_KEY.priv, type1(t))), c), 'bad-signature');
  }
});

test('DF28: other near misses are REJECTED (type-2 padding, hashes over values not TLVs, hashes reordered, another key)', () => {
  const t2 = Buffer.concat([
    Buffer.of(0x00, 0x02),
    Buffer.alloc(256 - 3 - 115, 0xa5),
    Buffer.of(0x00),
    FACE_DIGEST_INFO,
  ]);
  const valuesOnly = Buffer.concat([
    hex('3071300d0609608648016503040201050004 60'),
    sha256(Buffer.concat([ascii('19800217'), ascii('2'), keyObjects(CHIP_KEY.pub)])),
    sha256(Buffer.concat([PNG('name'), PNG('address')])),
    sha256(PHOTO),
  ]);
  const reordered = Buffer.concat([
    FACE_DIGEST_INFO.subarray(0, 19),
    H123.subarray(64),
    H123.subarray(32, 64),
    H123.subarray(0, 32),
  ]);
  for (const block of [t2, type1(valuesOnly), type1(reordered)])
    assert.equal(faceVerdict(faceFile(rawSign(CVC_KEY.priv, block))), 'bad-signature');
  assert.equal(faceVerdict(faceFile(rawSign(JLIS_KEY.priv, type1(FACE_DIGEST_INFO)))), 'bad-signature');
  // The signature integer itself must be below n and exactly 256 bytes: all-FF is neither a valid RSAVP1 input.
  assert.equal(faceVerdict(faceFile(Buffer.alloc(256, 0xff))), 'bad-signature');
});

test('card-face EF 0002: every byte of DF22..DF27 (tags, lengths, values) and DF28 is covered; DF29 and DF2A are not; DF21 is checked as a table', () => {
  const file = faceFile(GENUINE_DF28);
  const start = (tag: string) => file.indexOf(hex(tag)); // each tag occurs once before its value
  const covered = [start('DF22'), start('DF28') + 3 + 256]; // DF22 ... end of DF28 (82 0100 length)
  const df21 = [start('DF21'), start('DF22')];
  let checked = 0;
  for (let i = covered[0]!; i < covered[1]!; i++) {
    const f = Buffer.from(file);
    f[i]! ^= 0x01;
    assert.notEqual(faceVerdict(f), 'valid', `byte ${i} changed and the record still verifies`);
    checked++;
  }
  assert.ok(checked > PHOTO.length, 'the whole photo is inside the covered range');
  for (let i = df21[0]!; i < df21[1]!; i++) {
    const f = Buffer.from(file);
    f[i]! ^= 0x01;
    assert.equal(faceVerdict(f), 'malformed', `DF21 byte ${i}: the offset table must agree with the objects`);
  }
  // Outside the signature: another expiry date and another security-code image keep DF28 valid.
  assert.equal(faceVerdict(faceFile(GENUINE_DF28, '20360217')), 'valid');
  assert.equal(faceVerdict(faceFile(GENUINE_DF28, '20350217', PNG('another security code'))), 'valid');
});

// ---- card-face AP EF 0001 (birth-date record) ----
test('card-face EF 0001: DF13 is RSASSA-PKCS1-v1_5-SHA256 over DF11‖DF12; each covered byte matters', () => {
  const df11 = tlv('DF11', ascii('19800217'));
  const df12 = tlv('DF12', keyObjects(CHIP_KEY.pub));
  const file = (sig: Buffer) => tlv('FF10', Buffer.concat([df11, df12, tlv('DF13', sig)]));
  const verdict = (f: Uint8Array) => {
    try {
      return verifyBirthDateRecord(parseBirthDateRecord(f), CVC_KEY.pub, nodeCrypto).check.ok
        ? 'valid'
        : 'bad-signature';
    } catch (e) {
      if (e instanceof CardError) return 'malformed';
      throw e;
    }
  };
  const good = file(rsassa(CVC_KEY.priv, Buffer.concat([df11, df12])));
  for (const c of BACKENDS)
    assert.equal(verifyBirthDateRecord(parseBirthDateRecord(good), CVC_KEY.pub, c).check.ok, true, c.name);
  assert.deepEqual(parseBirthDateRecord(good).birthDate, { year: 1980, month: 2, day: 17 });
  assert.equal(
    verdict(file(rsassa(CVC_KEY.priv, Buffer.concat([ascii('19800217'), keyObjects(CHIP_KEY.pub)])))),
    'bad-signature',
    'over values, not TLVs',
  );
  assert.equal(
    verdict(
      file(rawSign(CVC_KEY.priv, type1(Buffer.concat([hex('3031300d060960864801650304020105000420'), sha256(df11)])))),
    ),
    'bad-signature',
    'DF11 alone',
  );
  const from = good.indexOf(hex('DF11'));
  for (let i = from; i < good.length; i++) {
    const f = Buffer.from(good);
    f[i]! ^= 0x01;
    assert.notEqual(verdict(f), 'valid', `byte ${i}`);
  }
});

// ---- text AP EF 0002 + EF 0003 ----
test('text AP: DF32 = SHA-256(EF 0002 from DF22 to the end of FF20, filler excluded); DF33 = RSASSA over DF31‖DF32', () => {
  const kids = [
    tlv('DF22', ascii('番号　花子')),
    tlv('DF23', ascii('東京都千代田区霞が関二丁目一番二号')),
    tlv('DF24', ascii('19800217')),
    tlv('DF25', ascii('2')),
  ];
  const ef0002 = withOffsetTable('FF20', kids);
  const withFiller = Buffer.concat([ef0002, Buffer.alloc(16, 0xff)]);
  const df31 = tlv('DF31', sha256(ascii('not the My Number: any 32 bytes')));
  const df32 = tlv('DF32', sha256(Buffer.concat(kids)));
  const ef0003 = (sig: Buffer) =>
    Buffer.concat([tlv('FF30', Buffer.concat([df31, df32, tlv('DF33', sig)])), Buffer.alloc(8, 0xff)]);
  const good3 = ef0003(rsassa(CVC_KEY.priv, Buffer.concat([df31, df32])));
  const checks = (f2: Uint8Array, f3: Uint8Array, c: CryptoProvider = nodeCrypto) => {
    try {
      return verifyTextAttributes(parseBasicAttributes(f2), parseIntegrityRecord(f3), CVC_KEY.pub, c).every((x) => x.ok)
        ? 'valid'
        : 'bad';
    } catch (e) {
      if (e instanceof CardError) return 'malformed';
      throw e;
    }
  };
  for (const c of BACKENDS) assert.equal(checks(withFiller, good3, c), 'valid', c.name);
  const d22 = ef0002.indexOf(hex('DF22'));
  for (let i = d22; i < ef0002.length; i++) {
    const f = Buffer.from(withFiller);
    f[i]! ^= 0x01;
    assert.notEqual(checks(f, good3), 'valid', `EF 0002 byte ${i}`);
  }
  for (let i = ef0002.length; i < withFiller.length; i++) {
    const f = Buffer.from(withFiller);
    f[i] = 0x00;
    assert.equal(checks(f, good3), 'valid', `filler byte ${i} is not covered`);
  }
  const sigEnd = good3.indexOf(hex('DF33'));
  for (let i = 0; i < sigEnd + 3 + 256; i++) {
    const f = Buffer.from(good3);
    f[i]! ^= 0x01;
    assert.notEqual(checks(withFiller, f), 'valid', `EF 0003 byte ${i}`);
  }
  assert.equal(
    checks(
      withFiller,
      ef0003(
        rawSign(
          CVC_KEY.priv,
          type1(Buffer.concat([hex('3071300d0609608648016503040201050004 40'), df31.subarray(3), df32.subarray(3)])),
        ),
      ),
    ),
    'bad',
    "the DF28 scheme is not DF33's",
  );
});

// ---- text AP EF 0007 and the EF 0004 CVC ----
test('text AP EF 0007: DF52 = RSASSA over the DF51 TLV; the EF 0004 CVC = RSASSA over its 297-byte body', () => {
  const df51 = tlv('DF51', keyObjects(CHIP_KEY.pub));
  const ef0007 = tlv('FF50', Buffer.concat([df51, tlv('DF52', rsassa(CVC_KEY.priv, df51))]));
  for (const c of BACKENDS) assert.ok(verifyTextChipKey(parseChipKeyRecord(ef0007), CVC_KEY.pub, c).chipKey, c.name);
  for (let i = 0; i < ef0007.length; i++) {
    const f = Buffer.from(ef0007);
    f[i]! ^= 0x01;
    let ok = false;
    try {
      ok = verifyTextChipKey(parseChipKeyRecord(f), CVC_KEY.pub, nodeCrypto).check.ok;
    } catch (e) {
      if (!(e instanceof CardError)) throw e;
    }
    assert.equal(ok, false, `EF 0007 byte ${i}`);
  }

  const signerId = Buffer.concat([ascii('6000033'), hex('0805'), ascii('001'), hex('00000000')]);
  const subjectId = Buffer.concat([ascii('6000034'), hex('0805'), ascii('001'), hex('00000000')]);
  const body = Buffer.concat([signerId, subjectId, keyObjects(CVC_KEY.pub)]);
  assert.equal(body.length, 297);
  const cvc = tlv('7F21', Buffer.concat([tlv('5F4E', body), tlv('5F37', rsassa(JLIS_KEY.priv, body))]));
  const trust = { cardFaceKeys: new Map([[signerId.toString('hex'), { key: JLIS_KEY.pub }]]) };
  for (const c of BACKENDS) {
    const r = verifyCvc('text_ap', parseCvc(cvc, 'test'), trust, c);
    assert.deepEqual(
      r.checks.map((x) => x.ok),
      [true, true],
      c.name,
    );
    assert.deepEqual(r.key, { n: CVC_KEY.pub.n, e: CVC_KEY.pub.e });
  }
  for (let i = 0; i < cvc.length; i++) {
    // A changed signer key id names an unknown J-LIS key; any other changed byte breaks the signature.
    const f = Buffer.from(cvc);
    f[i]! ^= 0x01;
    let ok = false;
    try {
      ok = verifyCvc('text_ap', parseCvc(f, 'test'), trust, nodeCrypto).checks.every((x) => x.ok);
    } catch (e) {
      if (!(e instanceof CardError)) throw e;
    }
    assert.equal(ok, false, `CVC byte ${i}`);
  }
});
