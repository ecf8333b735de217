// PACE (ICAO Doc 9303-11 §4.4; APDUs §4.4.4; worked examples App. G and H): the password key Kπ,
// MSE:Set AT, the chain of GENERAL AUTHENTICATE commands, mapping (generic or integrated, on the
// Table 12 curves), key agreement, session keys and the authentication tokens. PACE with Chip
// Authentication Mapping runs as generic mapping (its mapping phase is identical, §4.4.3.3.3); the
// encrypted chip authentication data it adds is not used (clone detection comes from DG14 / DG15).
// DH groups are not supported: such a chip is read with BAC when it offers it.
import { CURVE_PARAMS, curvePoint } from '../crypto/curves.ts';
import type { CryptoProvider, Curve } from '../crypto/provider.ts';
import { concat, encodeTlv, parseChildren, parseTlv } from '../card/ber-tlv.ts';
import { encodeOidContent } from '../x509/der.ts';
import { decryptZeroIv, kdf, mac, type CipherSuite, type SymCrypto } from './cipher-suite.ts';
import { PassportError } from './codes.ts';
import {
  decodePoint,
  encodePoint,
  genericMapping,
  integratedMapping,
  scalarFromRandom,
  scalarRandomBytes,
  type EcPointObj,
} from './pace-mapping.ts';
import { SecureMessaging, type CommandApdu, type ResponseApdu } from './secure-messaging.ts';
import type { PaceInfo } from './security-infos.ts';
import { errorText } from '../errors.ts';

export type PacePassword = { kind: 'mrz'; information: string } | { kind: 'can'; can: string };

/** §9.7.3 Table 14: K = SHA-1(MRZ_information) or the CAN as ISO 8859-1; Kπ = KDF(K, 3). */
export function paceKeyPi(crypto: SymCrypto, suite: CipherSuite, password: PacePassword): Uint8Array {
  const k =
    password.kind === 'mrz'
      ? crypto.digest('SHA-1', new TextEncoder().encode(password.information))
      : new TextEncoder().encode(password.can);
  return kdf(crypto, suite, k, 3);
}

/** §4.4.4.1: 00 22 C1 A4 {80 OID value} {83 01|02 password} [{84 parameter id}]. */
export function mseSetAtPace(oid: string, password: PacePassword['kind'], parameterId?: number): CommandApdu {
  const data = concat(
    encodeTlv(0x80, encodeOidContent(oid)),
    encodeTlv(0x83, Uint8Array.of(password === 'mrz' ? 1 : 2)),
    parameterId !== undefined ? encodeTlv(0x84, Uint8Array.of(parameterId)) : new Uint8Array(0),
  );
  return { cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data };
}

/** §4.4.4.2-3: GENERAL AUTHENTICATE, chained (CLA 10) for every step but the last. */
export function generalAuthenticate(last: boolean, inner: Uint8Array): CommandApdu {
  return { cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0x00, p2: 0x00, data: encodeTlv(0x7c, inner), le: 256 };
}

/** The data objects inside the response's 7C template, by tag. */
export function dynamicAuthenticationData(data: Uint8Array, what: string): Map<number, Uint8Array> {
  try {
    const outer = parseTlv(data, 0);
    if (outer.tag !== 0x7c || outer.end !== data.length) throw new Error('not a 7C template');
    const m = new Map<number, Uint8Array>();
    for (const c of parseChildren(outer.value)) {
      if (m.has(c.tag)) throw new Error(`tag ${c.tag.toString(16)} twice`);
      m.set(c.tag, c.value);
    }
    return m;
  } catch (e) {
    throw new PassportError('secure_messaging', `${what}: ${errorText(e)}`);
  }
}

/** §4.4.3.4: the input of the token, 7F49 {06 OID} {86 ephemeral point} (§9.4.4 public key data object). */
export function authTokenInput(oid: string, point: Uint8Array): Uint8Array {
  return encodeTlv(0x7f49, concat(encodeTlv(0x06, encodeOidContent(oid)), encodeTlv(0x86, point)));
}

export function authToken(
  crypto: SymCrypto,
  suite: CipherSuite,
  ksMac: Uint8Array,
  oid: string,
  point: Uint8Array,
): Uint8Array {
  return mac(crypto, suite, ksMac, authTokenInput(oid, point));
}

/** The supported PACEInfo entries, best first: ECDH on a known curve; AES before 3DES; GM before IM (both required). */
export function choosePace(infos: readonly PaceInfo[]): PaceInfo | null {
  const usable = infos.filter(
    (p) =>
      p.version === 2 &&
      p.keyAgreement === 'ECDH' &&
      p.curve !== undefined &&
      !(p.mapping === 'IM' && p.curve === 'P-224'),
  );
  const rank = (p: PaceInfo) =>
    (p.suite.cipher === 'AES' ? 0 : 10) + (p.mapping === 'IM' ? 1 : 0) + (32 - p.suite.keyLength) / 64;
  return usable.sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

export type PlainSend = (c: CommandApdu) => Promise<ResponseApdu>;

export interface PaceResult {
  sm: SecureMessaging;
  info: PaceInfo;
  curve: Curve;
}

/**
 * Run PACE over plain APDUs. A wrong password shows as a failed token check (the chip answers 63 00
 * or an error to the last command, or its token does not verify): PassportError('access_denied').
 */
export async function runPace(
  send: PlainSend,
  info: PaceInfo,
  password: PacePassword,
  crypto: Pick<CryptoProvider, 'digest' | 'cbc' | 'randomBytes' | 'ecdh'>,
  /** More than one set of domain parameters is offered: name ours in DO'84' (§4.4.4.1, "REQUIRED ... if ambiguous"). */
  ambiguous = false,
): Promise<PaceResult> {
  const curve = info.curve;
  if (info.keyAgreement !== 'ECDH' || !curve)
    throw new PassportError(
      'access_unsupported',
      `PACE ${info.oid} with parameter id ${info.parameterId ?? '(none)'} is not supported`,
    );
  const suite = info.suite;
  const ok = async (c: CommandApdu, what: string, accessStep = false): Promise<Uint8Array> => {
    const r = await send(c);
    if (r.sw !== 0x9000) {
      // 63 00 / 63 Cx / 69 82 / 69 84 at a later step: the password was not accepted (§4.4.4.2).
      if (accessStep) throw new PassportError('access_denied', `${what}: status ${r.sw.toString(16).padStart(4, '0')}`);
      throw new PassportError('access_unsupported', `${what}: status ${r.sw.toString(16).padStart(4, '0')}`);
    }
    return r.data;
  };
  await ok(mseSetAtPace(info.oid, password.kind, ambiguous ? info.parameterId : undefined), 'MSE:Set AT');
  // 1. encrypted nonce
  const z = dynamicAuthenticationData(
    await ok(generalAuthenticate(false, new Uint8Array(0)), 'GENERAL AUTHENTICATE (nonce)', true),
    'nonce',
  ).get(0x80);
  if (!z || z.length === 0 || z.length % (suite.cipher === 'AES' ? 16 : 8) !== 0)
    throw new PassportError('secure_messaging', 'PACE: no encrypted nonce');
  const s = decryptZeroIv(crypto, suite, paceKeyPi(crypto, suite, password), z);
  // 2. mapping
  let g: EcPointObj;
  if (info.mapping === 'IM') {
    const t = crypto.randomBytes(suite.keyLength);
    const r = await ok(generalAuthenticate(false, encodeTlv(0x81, t)), 'GENERAL AUTHENTICATE (mapping)', true);
    dynamicAuthenticationData(r, 'mapping');
    g = integratedMapping(crypto, suite, curve, s, t).g;
  } else {
    const skMap = scalarFromRandom(curve, crypto.randomBytes(scalarRandomBytes(curve)));
    const pkMap = curvePoint(curve).BASE.multiply(skMap);
    const r = dynamicAuthenticationData(
      await ok(generalAuthenticate(false, encodeTlv(0x81, encodePoint(pkMap))), 'GENERAL AUTHENTICATE (mapping)', true),
      'mapping',
    );
    const pkMapIc = decodePoint(curve, r.get(0x82) ?? new Uint8Array(0), 'chip mapping key');
    if (pkMapIc.equals(pkMap))
      throw new PassportError('secure_messaging', 'PACE: the chip returned our own mapping key');
    g = genericMapping(curve, s, skMap, pkMapIc).g;
  }
  // 3. key agreement on the mapped generator
  const sk = scalarFromRandom(curve, crypto.randomBytes(scalarRandomBytes(curve)));
  const pkIfd = encodePoint(g.multiply(sk));
  const r3 = dynamicAuthenticationData(
    await ok(generalAuthenticate(false, encodeTlv(0x83, pkIfd)), 'GENERAL AUTHENTICATE (key agreement)', true),
    'key agreement',
  );
  const pkIcBytes = r3.get(0x84) ?? new Uint8Array(0);
  const pkIc = decodePoint(curve, pkIcBytes, 'chip ephemeral key');
  // §4.4.1 3 d): the two public keys must differ.
  if (encodePoint(pkIc).every((b, i) => b === pkIfd[i]))
    throw new PassportError('secure_messaging', 'PACE: the chip returned our own ephemeral key');
  // K = x(SK_IFD · PK_IC): an ordinary ECDH on the curve (PK_IC lies on it), so the provider (OpenSSL in
  // the host) computes it; only the mapping needs arithmetic on a generator of our own.
  const n = CURVE_PARAMS[curve].bytes;
  const skBytes = new Uint8Array(n);
  for (let i = n - 1, v = sk; i >= 0; i--, v >>= 8n) skBytes[i] = Number(v & 0xffn);
  let x: Uint8Array;
  try {
    x = crypto.ecdh(curve, skBytes, pkIcBytes);
  } catch {
    throw new PassportError('secure_messaging', 'PACE: key agreement with the chip key failed');
  }
  const ksEnc = kdf(crypto, suite, x, 1);
  const ksMac = kdf(crypto, suite, x, 2);
  // 4. tokens: ours over the chip's key, the chip's over ours.
  const tIfd = authToken(crypto, suite, ksMac, info.oid, encodePoint(pkIc));
  const r4 = dynamicAuthenticationData(
    await ok(generalAuthenticate(true, encodeTlv(0x85, tIfd)), 'GENERAL AUTHENTICATE (tokens)', true),
    'tokens',
  );
  const tIc = r4.get(0x86);
  const want = authToken(crypto, suite, ksMac, info.oid, pkIfd);
  if (!tIc || tIc.length !== want.length || tIc.some((b, i) => b !== want[i]))
    throw new PassportError('access_denied', "PACE: the chip's authentication token does not verify");
  const bs = suite.cipher === 'AES' ? 16 : 8;
  return { sm: new SecureMessaging(suite, ksEnc, ksMac, new Uint8Array(bs), crypto), info, curve };
}
