// The 2nd-generation card-number authentication and secure messaging against the official test
// vector of the 第２世代在留カード等仕様書 (Appendix 2), byte for byte, plus the card side (E.ICC / M.ICC
// in the vector are the card's bytes, so checking our MAC and decryption of them checks the reader
// against the card, not against itself). AES-CMAC against RFC 4493 §4; the 1st generation against
// the hand-computed cross-check values (not official: no 1st-generation vector is published).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cmac } from '../../core/crypto/cmac.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import {
  authMac,
  cardNumberKey,
  mutualAuthenticateCommand,
  openMutualAuthenticateResponse,
  openSmResponse,
  sealSmResponse,
  sessionKey,
  smReadCommand,
  verifyCardNumberCommand,
} from '../../core/residence-card/secure-messaging.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

// Appendix 2 (second generation), as printed.
const V = {
  cardNumber: 'AA12345678BB',
  k: '6522B4E171195BB218223A976C040111',
  rndIfd: '1122334455667788',
  kIfd: '404142434445464748494A4B4C4D4E4F',
  rndIcc: '921CE277323DA057',
  eIfd: '4AD3C7B6BB484A52771977DED618B41D F841FA0476A05FBE041DEAD6109E773B',
  mIfd: 'AC854617634F5397',
  eIcc: '289A96B1DA6AE3DA87770419BFD14F0B DAD15F36432B5A946C188C7221759A62',
  mIcc: 'FA942EC51E62FF5F',
  kIcc: '2CC6AF9B8B607C662FDCAD27B401D08B',
  ksEnc: 'C19CF13D3D7FBEE9EA293D834C88952F',
  verify: '08 20 00 86 13 86 11 01 EE0B31EF877F68D071C56D58C72E6748',
  smRead: '08 B0 84 00 00 00 04 96 02 00 00 00 00',
};

for (const crypto of [nodeCrypto, nobleCrypto]) {
  test(`2nd generation Appendix 2 vector, byte for byte (${crypto.name})`, () => {
    const k = cardNumberKey(V.cardNumber, crypto);
    assert.equal(toHex(k), V.k);
    const cmd = mutualAuthenticateCommand(2, k, hex(V.rndIcc), hex(V.rndIfd), hex(V.kIfd), crypto);
    assert.equal(toHex(cmd), toHex(hex(`00 82 00 00 28 ${V.eIfd} ${V.mIfd} 00`)));
    // The card's answer from the vector: our MAC check and decryption must accept it and yield K.ICC.
    const kIcc = openMutualAuthenticateResponse(2, k, hex(V.eIcc + V.mIcc), hex(V.rndIcc), hex(V.rndIfd), crypto);
    assert.equal(toHex(kIcc), V.kIcc);
    const ks = sessionKey(hex(V.kIfd), kIcc, crypto);
    assert.equal(toHex(ks), V.ksEnc);
    assert.equal(toHex(verifyCardNumberCommand(2, ks, V.cardNumber, crypto)), toHex(hex(V.verify)));
    assert.equal(toHex(smReadCommand(0x84)), toHex(hex(V.smRead)));
  });
}

test('a flipped bit in M.ICC or in E.ICC is refused (card_authentication_failed)', () => {
  const k = hex(V.k);
  const bad1 = hex(V.eIcc + V.mIcc);
  bad1[39]! ^= 1;
  assert.throws(
    () => openMutualAuthenticateResponse(2, k, bad1, hex(V.rndIcc), hex(V.rndIfd), nodeCrypto),
    /card_authentication_failed/,
  );
  const bad2 = hex(V.eIcc + V.mIcc);
  bad2[3]! ^= 1;
  assert.throws(
    () => openMutualAuthenticateResponse(2, k, bad2, hex(V.rndIcc), hex(V.rndIfd), nodeCrypto),
    /card_authentication_failed/,
  );
  // Right MAC, wrong nonce inside (a replayed answer to another challenge).
  assert.throws(
    () =>
      openMutualAuthenticateResponse(2, k, hex(V.eIcc + V.mIcc), hex('0000000000000000'), hex(V.rndIfd), nodeCrypto),
    /card_authentication_failed/,
  );
});

test('AES-CMAC: RFC 4493 §4 examples 1-4', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const m = hex(
    '6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710',
  );
  const want = [
    'bb1d6929e95937287fa37d129b756746',
    '070a16b46b4d4144f79bdd9dd04a287c',
    'dfa66747de9ae63030ca32611497c827',
    '51f0bebf7e3b9d92fc49741779363cfe',
  ];
  for (const c of [nodeCrypto, nobleCrypto]) {
    [0, 16, 40, 64].forEach((n, i) =>
      assert.equal(toHex(cmac(c, key, m.subarray(0, n))).toLowerCase(), want[i], `${c.name} len ${n}`),
    );
  }
});

test('1st generation (3DES + retail MAC) cross-check values (self-computed by the spec author, not official)', () => {
  const k = cardNumberKey(V.cardNumber, nodeCrypto);
  const cmd = mutualAuthenticateCommand(1, k, hex(V.rndIcc), hex(V.rndIfd), hex(V.kIfd), nodeCrypto);
  assert.equal(toHex(cmd.subarray(5, 37)), '937745C20883A1BA9177E9C2567B13544CA99D9C5E60880BE93A36E58B43B0B5');
  assert.equal(toHex(cmd.subarray(37, 45)), '9F1FC140E78FE2E5');
  const eIcc = hex('EF303A943DBC6EDD9DB47A31EF1B721190388B958AEE74CB987719AC99BB5DD2');
  assert.equal(toHex(authMac(1, k, eIcc, nobleCrypto)), 'CEB690C94F6065C7');
  const kIcc = openMutualAuthenticateResponse(
    1,
    k,
    new Uint8Array([...eIcc, ...hex('CEB690C94F6065C7')]),
    hex(V.rndIcc),
    hex(V.rndIfd),
    nobleCrypto,
  );
  assert.equal(toHex(kIcc), V.kIcc);
  const ks = sessionKey(hex(V.kIfd), kIcc, nodeCrypto);
  assert.equal(
    toHex(verifyCardNumberCommand(1, ks, V.cardNumber, nodeCrypto)),
    '0820008613861101' + '0E862D464F58087002FE1D2CC67EBE6F',
  );
});

test('SM response framing: seal/open round trip for both generations; wrong key or framing is malformed_response', () => {
  const ks = hex(V.ksEnc);
  for (const g of [1, 2] as const) {
    for (const n of [0, 1, 15, 16, 300, 5520]) {
      const plain = new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
      const sealed = sealSmResponse(g, ks, plain, nodeCrypto);
      assert.deepEqual(openSmResponse(g, ks, sealed, nobleCrypto, 't'), plain);
    }
  }
  const sealed = sealSmResponse(2, ks, new Uint8Array(40), nodeCrypto);
  assert.throws(() => openSmResponse(2, hex('00'.repeat(16)), sealed, nodeCrypto, 't'), /malformed_response/);
  assert.throws(
    () => openSmResponse(2, ks, sealed.subarray(0, sealed.length - 1), nodeCrypto, 't'),
    /malformed_response/,
  );
});
