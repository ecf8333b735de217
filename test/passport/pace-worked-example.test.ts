// ICAO Doc 9303-11 Appendix G.1 (PACE, ECDH generic mapping, AES-128, brainpoolP256r1) and H.1
// (integrated mapping) reproduced byte for byte on both crypto backends: password key, every
// command APDU, the mapped generator, the keys of both sides, the shared secret, the session keys and
// both authentication tokens. G.1 is also replayed against runPace as a scripted chip, so the
// orchestration (not only the step functions) produces the appendix's APDUs and keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { curvePoint } from '../../core/crypto/curves.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import {
  authToken,
  authTokenInput,
  generalAuthenticate,
  mseSetAtPace,
  paceKeyPi,
  runPace,
} from '../../core/passport/pace.ts';
import { genericMapping, integratedMapping, pointEncoding } from '../../core/passport/pace-mapping.ts';
import { decryptZeroIv, kdf, SUITE_AES128 } from '../../core/passport/cipher-suite.ts';
import { encodeCommand } from '../../core/passport/secure-messaging.ts';
import { parseSecurityInfos } from '../../core/passport/security-infos.ts';
import { encodeTlv } from '../../core/card/ber-tlv.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/[\s,]+/g, ''), 'hex'));
const H = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();
const big = (s: string) => BigInt('0x' + s.replace(/\s+/g, ''));
const P = curvePoint('brainpoolP256r1');
const pt = (x: string, y: string) => P.fromAffine({ x: big(x), y: big(y) });

const GM_OID = '0.4.0.127.0.7.2.2.4.2.2';
const IM_OID = '0.4.0.127.0.7.2.2.4.4.2';
const G1 = {
  mrz: 'T22000129364081251010318',
  k: '7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD',
  kpi: '89DED1B26624EC1E634C1989302849DD',
  paceInfo: '3012060A04007F0007020204020202010202010D',
  s: '3F00C4D39D153F2B2A214A078D899B22',
  z: '95A3A016522EE98D01E76CB6B98B42C3',
  skMapIfd: '7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99',
  pkMapIfd: [
    '7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E',
    '544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D',
  ],
  skMapIc: '498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560',
  pkMapIc: [
    '824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57',
    '30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54',
  ],
  h: [
    '60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5',
    '0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181',
  ],
  g: [
    '8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2',
    '8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522',
  ],
  skIfd: 'A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595',
  pkIfd: [
    '2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C',
    '3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462',
  ],
  skIc: '107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A',
  pkIc: [
    '9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB',
    '7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  ],
  shared: '28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925',
  ksEnc: 'F5F0E35C0D7161EE6724EE513A0D9A7F',
  ksMac: 'FE251C7858B356B24514B3BD5F4297D1',
  tIfdInput:
    '7F494F060A04007F000702020402028641049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  tIfd: 'C2B0BD78D94BA866',
  tIc: '3ABB9674BCE93C08',
};

for (const crypto of [nobleCrypto, nodeCrypto]) {
  test(`G.1 (${crypto.name}): PACEInfo, Kπ, every APDU, H, Ĝ, both key pairs, shared secret, session keys and tokens`, () => {
    const infos = parseSecurityInfos(hex('3114' + G1.paceInfo), 'EF.CardAccess');
    assert.equal(infos.pace.length, 1);
    const info = infos.pace[0]!;
    assert.deepEqual(
      [info.oid, info.version, info.parameterId, info.mapping, info.curve, info.suite.cipher, info.suite.keyLength],
      [GM_OID, 2, 13, 'GM', 'brainpoolP256r1', 'AES', 16],
    );
    assert.equal(H(crypto.digest('SHA-1', new TextEncoder().encode(G1.mrz))), G1.k);
    assert.equal(H(paceKeyPi(crypto, SUITE_AES128, { kind: 'mrz', information: G1.mrz })), G1.kpi);
    assert.equal(H(encodeCommand(mseSetAtPace(GM_OID, 'mrz'))), '0022C1A40F800A04007F00070202040202830101');
    assert.equal(H(encodeCommand(generalAuthenticate(false, new Uint8Array(0)))), '108600000' + '27C0000');
    assert.equal(H(decryptZeroIv(crypto, SUITE_AES128, hex(G1.kpi), hex(G1.z))), G1.s);
    const pkMapIfd = P.BASE.multiply(big(G1.skMapIfd));
    assert.ok(pkMapIfd.equals(pt(G1.pkMapIfd[0]!, G1.pkMapIfd[1]!)));
    assert.equal(
      H(encodeCommand(generalAuthenticate(false, encodeTlv(0x81, pkMapIfd.toBytes(false))))),
      '1086000045' + '7C438141' + '04' + G1.pkMapIfd.join('') + '00',
    );
    assert.ok(P.BASE.multiply(big(G1.skMapIc)).equals(pt(G1.pkMapIc[0]!, G1.pkMapIc[1]!)), 'chip mapping key');
    const m = genericMapping('brainpoolP256r1', hex(G1.s), big(G1.skMapIfd), pt(G1.pkMapIc[0]!, G1.pkMapIc[1]!));
    assert.ok(m.h.equals(pt(G1.h[0]!, G1.h[1]!)), 'H');
    assert.ok(m.g.equals(pt(G1.g[0]!, G1.g[1]!)), 'mapped generator');
    const pkIfd = m.g.multiply(big(G1.skIfd));
    assert.ok(pkIfd.equals(pt(G1.pkIfd[0]!, G1.pkIfd[1]!)));
    assert.equal(
      H(encodeCommand(generalAuthenticate(false, encodeTlv(0x83, pkIfd.toBytes(false))))),
      '1086000045' + '7C438341' + '04' + G1.pkIfd.join('') + '00',
    );
    assert.ok(m.g.multiply(big(G1.skIc)).equals(pt(G1.pkIc[0]!, G1.pkIc[1]!)), 'chip key');
    const shared = pt(G1.pkIc[0]!, G1.pkIc[1]!).multiply(big(G1.skIfd)).toBytes(false).subarray(1, 33);
    assert.equal(H(shared), G1.shared);
    assert.equal(H(kdf(crypto, SUITE_AES128, shared, 1)), G1.ksEnc);
    assert.equal(H(kdf(crypto, SUITE_AES128, shared, 2)), G1.ksMac);
    assert.equal(H(authTokenInput(GM_OID, hex('04' + G1.pkIc.join('')))), G1.tIfdInput);
    const tIfd = authToken(crypto, SUITE_AES128, hex(G1.ksMac), GM_OID, hex('04' + G1.pkIc.join('')));
    assert.equal(H(tIfd), G1.tIfd);
    assert.equal(
      H(encodeCommand(generalAuthenticate(true, encodeTlv(0x85, tIfd)))),
      '008600000C7C0A8508' + G1.tIfd + '00',
    );
    assert.equal(H(authToken(crypto, SUITE_AES128, hex(G1.ksMac), GM_OID, hex('04' + G1.pkIfd.join('')))), G1.tIc);
  });

  test(`G.1 replayed (${crypto.name}): runPace sends the appendix's APDUs and derives its session keys; a wrong chip token is access_denied`, async () => {
    const info = parseSecurityInfos(hex('3114' + G1.paceInfo), 'EF.CardAccess').pace[0]!;
    // The terminal's random choices are the appendix's private keys (scalar = value mod (n-1) + 1).
    const queue = [big(G1.skMapIfd) - 1n, big(G1.skIfd) - 1n];
    const rigged: CryptoProvider = Object.create(crypto, {
      randomBytes: {
        value: (n: number) =>
          hex(
            queue
              .shift()!
              .toString(16)
              .padStart(2 * n, '0'),
          ),
      },
    });
    const script = (tIc: string) => [
      ['0022C1A40F800A04007F00070202040202830101', '9000'],
      ['10860000027C0000', '7C128010' + G1.z + '9000'],
      ['10860000457C438141' + '04' + G1.pkMapIfd.join('') + '00', '7C438241' + '04' + G1.pkMapIc.join('') + '9000'],
      ['10860000457C438341' + '04' + G1.pkIfd.join('') + '00', '7C438441' + '04' + G1.pkIc.join('') + '9000'],
      ['008600000C7C0A8508' + G1.tIfd + '00', '7C0A8608' + tIc + '9000'],
    ];
    const chip = (steps: string[][]) => async (c: Parameters<Parameters<typeof runPace>[0]>[0]) => {
      const [want, answer] = steps.shift()!;
      assert.equal(H(encodeCommand(c)), want);
      const r = hex(answer!);
      return { data: r.subarray(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! };
    };
    const r = await runPace(chip(script(G1.tIc)), info, { kind: 'mrz', information: G1.mrz }, rigged);
    assert.equal(H(r.sm.ksEnc), G1.ksEnc);
    assert.equal(H(r.sm.ksMac), G1.ksMac);
    assert.equal(H(r.sm.ssc), '00'.repeat(16));
    queue.push(big(G1.skMapIfd) - 1n, big(G1.skIfd) - 1n);
    await assert.rejects(
      runPace(chip(script('3ABB9674BCE93C09')), info, { kind: 'mrz', information: G1.mrz }, rigged),
      { name: 'PassportError', code: 'access_denied' },
    );
  });

  test(`H.1 (${crypto.name}): integrated mapping: s, R(s,t), R_p(s,t), Ĝ, keys, shared secret, session keys, tokens`, () => {
    const s = decryptZeroIv(
      crypto,
      SUITE_AES128,
      hex('591468CDA83D65219CCCB8560233600F'),
      hex('143DC40C08C8E891FBED7DEDB92B64AD'),
    );
    assert.equal(H(s), '2923BE84E16CD6AE529049F1F1BBE9EB');
    const m = integratedMapping(crypto, SUITE_AES128, 'brainpoolP256r1', s, hex('5DD4CBFC96F5453B130D890A1CDBAE32'));
    assert.equal(
      H(m.r.octets),
      'E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C97254189800C517BAA8DA0FF397ED8C445D3E421E4FEB57322',
    );
    assert.equal(
      m.r.value.toString(16).toUpperCase().padStart(64, '0'),
      'A2F8FF2DF50E52C6599F386ADCB595D229F6A167ADE2BE5F2C3296ADD5B7430E',
    );
    assert.ok(
      m.g.equals(
        pt(
          '8E82D31559ED0FDE92A4D0498ADD3C23BABA94FB77691E31E90AEA77FB17D427',
          '4C1AE14BD0C3DBAC0C871B7F36081693 64437CA30AC243A089D3F266C1E60FAD'.replace(' ', ''),
        ),
      ),
      'Ĝ',
    );
    const skIc = big('107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A');
    const skIfd = big('A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595');
    const pkIc = m.g.multiply(skIc);
    const pkIfd = m.g.multiply(skIfd);
    assert.equal(
      H(pkIc.toBytes(false)),
      '04' +
        '67F78E5F7F7686082B293E8D087E056916D0F74BC01A5F8957D0DE45691E51E8932B69A962B52A0985AD2C0A271EE6A13A8ADDDCD1A3A994B9DED257F4D22753',
    );
    assert.equal(
      H(pkIfd.toBytes(false)),
      '04' +
        '89CBA23FFE96AA18D824627C3E934E54A9FD0B87A95D1471DC1C0ABFDCD640D46755DE9B7B778280B6BEBD57439ADFEB0E21FD4ED6DF42578C13418A59B34C37',
    );
    const shared = pkIc.multiply(skIfd).toBytes(false).subarray(1, 33);
    assert.equal(H(shared), '4F150FDE1D4F0E38E95017B891BAE17133A0DF45B0D3E18B60BA7BEAFDC2C713');
    assert.equal(H(kdf(crypto, SUITE_AES128, shared, 1)), '0D3FEB33251A6370893D62AE8DAAF51B');
    const ksMac = kdf(crypto, SUITE_AES128, shared, 2);
    assert.equal(H(ksMac), 'B01E89E3D9E8719E586B50B4A7506E0B');
    assert.equal(H(authTokenInput(IM_OID, pkIfd.toBytes(false))).slice(0, 30), '7F494F060A04007F00070202040402');
    assert.equal(H(authToken(crypto, SUITE_AES128, ksMac, IM_OID, pkIfd.toBytes(false))), '75D4D96E8D5B0308'); // T_IC
    assert.equal(H(authToken(crypto, SUITE_AES128, ksMac, IM_OID, pkIc.toBytes(false))), '450F02B86F6A0909'); // T_IFD
  });
}

test('point encoding refuses P-224 (p ≡ 1 mod 4: Table 12 note) and a value outside (0, p)', () => {
  assert.throws(() => pointEncoding('P-224', 5n), { code: 'access_unsupported' });
  assert.throws(() => pointEncoding('brainpoolP256r1', 0n), { code: 'secure_messaging' });
});
