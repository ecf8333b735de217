// A virtual ICAO 9303 passport chip (TEST ONLY), written from the spec facts (spec epassport.md;
// Doc 9303-11 §4.2-4.4, §6, §9.8): EF.CardAccess in the master file, the eMRTD application with its
// files, BAC (GET CHALLENGE / EXTERNAL AUTHENTICATE, 63 00 on a wrong key, no lock-out: attempts are
// only counted), PACE (MSE:Set AT + chained GENERAL AUTHENTICATE, generic or integrated mapping),
// secure messaging (a plain APDU or an SM error ends it, §9.8.3), Chip Authentication (MSE:Set KAT
// for 3DES, MSE:Set AT + GENERAL AUTHENTICATE for AES, SM restarted with SSC 0) and Active
// Authentication (ISO/IEC 9796-2 RSA, or plain ECDSA). Unauthenticated reads of protected files
// answer 69 82 (§4.3.2, §4.4.2).
import { privateEncrypt, constants, createHash } from 'node:crypto';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { CURVE_PARAMS, curvePoint } from '../../core/crypto/curves.ts';
import type { Curve } from '../../core/crypto/provider.ts';
import { bacKeys } from '../../core/passport/bac.ts';
import {
  decryptZeroIv,
  encryptZeroIv,
  kdf,
  mac,
  SUITE_3DES,
  type CipherSuite,
} from '../../core/passport/cipher-suite.ts';
import { paceKeyPi, authTokenInput } from '../../core/passport/pace.ts';
import { integratedMapping, toBig } from '../../core/passport/pace-mapping.ts';
import { CardPulled } from '../card/virtual-card.ts';
import { encodeOidContent } from '../../core/x509/der.ts';
import type { DsVariant } from '../pki/icao-pki.ts';
import { ChipSecureMessaging, type PlainCommand } from './chip-secure-messaging.ts';
import { mrzInformation, TEST_HOLDER, type PassportHolder } from './holder.ts';
import { concat, equal, toHex } from '../../core/bytes.ts';
import {
  berTlv,
  buildDg1,
  buildDg14,
  buildDg15,
  buildDg2,
  buildEfCom,
  buildSod,
  chipKeys,
  paceInfo,
  paceOid,
  type ChipAuthSpec,
  type ChipKeys,
  type FaceSpec,
  type PaceSpec,
} from './passport-files.ts';

const c = nodeCrypto;
const AID = 'a0000002471001';

export const PASSPORT_FAULTS = [
  'wrong-mrz',
  'tampered-dg1',
  'dg2-mismatch',
  'foreign-ds',
  'expired-ds',
  'clone',
  'country-mismatch',
  'pulled',
] as const;
export type PassportFault = (typeof PASSPORT_FAULTS)[number];

export interface VirtualPassportOptions {
  holder?: Partial<PassportHolder>;
  /** BAC offered (a PACE-only chip answers 6D00 to GET CHALLENGE). Default true. */
  bac?: boolean;
  /** PACE offered in EF.CardAccess. Default: none (BAC only). */
  pace?: PaceSpec | null;
  /** CAN printed on the document (PACE with password reference 02). */
  can?: string;
  chipAuthentication?: ChipAuthSpec;
  face?: FaceSpec;
  faults?: readonly PassportFault[];
}

type Files = Map<number, Uint8Array>;

interface PaceState {
  spec: PaceSpec;
  suite: CipherSuite;
  kpi: Uint8Array;
  step: number;
  s?: Uint8Array;
  g?: ReturnType<ReturnType<typeof curvePoint>['fromBytes']>;
  sk?: bigint;
  pkIc?: Uint8Array;
  pkIfd?: Uint8Array;
  ksEnc?: Uint8Array;
  ksMac?: Uint8Array;
}

export class VirtualPassport {
  readonly holder: PassportHolder;
  readonly faults: ReadonlySet<PassportFault>;
  readonly files: Files = new Map();
  readonly cardAccess: Uint8Array | null;
  readonly keys: ChipKeys;
  /** The chip's own keys when it is a clone: it answers with these, not with the ones in DG14/DG15. */
  readonly #actingKeys: ChipKeys;
  readonly #bac: boolean;
  readonly #pace: PaceSpec | null;
  readonly #can: string | undefined;
  /** Wrong access keys seen (a real BAC chip does not lock; the kiosk rate-limits). */
  failedAccess = 0;
  commands = 0;

  #selected: 'mf' | 'app' = 'mf';
  #ef: number | null = null;
  #rndIc: Uint8Array | null = null;
  #authenticated = false;
  #sm: ChipSecureMessaging | null = null;
  #paceState: PaceState | null = null;
  #ca: { pending: boolean } = { pending: false };

  constructor(o: VirtualPassportOptions = {}) {
    this.holder = { ...TEST_HOLDER, ...o.holder };
    this.faults = new Set(o.faults ?? []);
    this.#bac = o.bac ?? true;
    this.#pace = o.pace ?? null;
    this.#can = o.can;
    const chipAuth = o.chipAuthentication ?? 'aa-rsa';
    this.keys = chipKeys(chipAuth, 'brainpoolP256r1');
    this.#actingKeys = this.faults.has('clone') ? chipKeys(chipAuth, 'brainpoolP256r1') : this.keys;
    const dg1 = buildDg1(this.holder);
    const dg2 = buildDg2(o.face ?? 'jpeg');
    const dg14 = buildDg14(this.keys, this.#pace);
    const dg15 = buildDg15(this.keys);
    const signed = new Map<number, Uint8Array>([
      [1, dg1],
      [2, dg2],
    ]);
    if (dg14) signed.set(14, dg14);
    if (dg15) signed.set(15, dg15);
    const dsVariant: DsVariant = this.faults.has('foreign-ds')
      ? 'foreign'
      : this.faults.has('expired-ds')
        ? 'expired-at-signing'
        : this.faults.has('country-mismatch')
          ? 'other-country'
          : 'good';
    const sod = buildSod(signed, this.holder.cscaState, dsVariant);
    // Faults after signing: the SOD still holds the original hashes.
    let dg1Stored = dg1;
    if (this.faults.has('tampered-dg1')) {
      dg1Stored = dg1.slice();
      const at = 5 + 5; // first letter of the surname in line 1 (after 61 5B 5F1F 58 and "P<JPN")
      dg1Stored[at] = dg1Stored[at] === 0x5a ? 0x41 : dg1Stored[at]! + 1;
    }
    let dg2Stored = dg2;
    if (this.faults.has('dg2-mismatch')) {
      dg2Stored = dg2.slice();
      dg2Stored[dg2Stored.length - 40] ^= 0x01; // inside the image data: a different picture
    }
    this.files.set(0x0101, dg1Stored);
    this.files.set(0x0102, dg2Stored);
    if (dg14) this.files.set(0x010e, dg14);
    if (dg15) this.files.set(0x010f, dg15);
    this.files.set(0x011d, sod);
    this.files.set(0x011e, buildEfCom([0x61, 0x75, ...(dg14 ? [0x6e] : []), ...(dg15 ? [0x6f] : [])]));
    this.cardAccess = this.#pace ? berTlv(0x31, paceInfo(this.#pace)) : null;
  }

  /** The access key the chip accepts (wrong-mrz: a document number the staff did not type). */
  get #mrzInfo(): string {
    return mrzInformation(
      this.faults.has('wrong-mrz')
        ? { ...this.holder, documentNumber: this.holder.documentNumber.slice(0, -1) + '9' }
        : this.holder,
    );
  }

  reset(): void {
    this.#selected = 'mf';
    this.#ef = null;
    this.#rndIc = null;
    this.#authenticated = false;
    this.#sm = null;
    this.#paceState = null;
  }

  process(apdu: Uint8Array): Uint8Array {
    this.commands++;
    if (this.faults.has('pulled') && this.commands === 12)
      throw new CardPulled('passport:pulled fault: the passport left the field mid-read');
    const cla = apdu[0]!;
    if ((cla & 0x0c) === 0x0c) {
      const sm = this.#sm;
      if (!sm) return sw(0x6988);
      const cmd = sm.unwrap(apdu);
      if (!cmd) {
        this.#endSm();
        return sw(0x6988);
      }
      const r = this.#dispatch(cmd, true);
      const wrapped = sm.wrap(r.data, r.sw);
      r.after?.();
      return wrapped;
    }
    // A plain APDU ends secure messaging (§9.8.3).
    if (this.#sm) this.#endSm();
    const lc = apdu.length > 5 ? apdu[4]! : 0;
    const data = apdu.length > 5 ? apdu.subarray(5, 5 + lc) : new Uint8Array(0);
    const le = apdu.length === 5 ? apdu[4]! || 256 : apdu.length > 5 + lc ? apdu[5 + lc]! || 256 : null;
    const r = this.#dispatch({ cla, ins: apdu[1]!, p1: apdu[2]!, p2: apdu[3]!, data, le }, false);
    return resp(r.data, r.sw);
  }

  #endSm(): void {
    this.#sm = null;
    this.#authenticated = false;
  }

  #dispatch(c0: PlainCommand, secure: boolean): { data: Uint8Array; sw: number; after?: () => void } {
    const none = new Uint8Array(0);
    const { ins, p1, p2, data } = c0;
    if (ins === 0xa4) {
      if (p1 === 0x00 && data.length === 2 && data[0] === 0x3f && data[1] === 0x00) {
        this.#selected = 'mf';
        this.#ef = null;
        return { data: none, sw: 0x9000 };
      }
      if (p1 === 0x04) {
        if (toHex(data) !== AID) return { data: none, sw: 0x6a82 };
        // PACE-only chips refuse the application until PACE has run (§4.4.2).
        if (!this.#bac && !this.#authenticated) return { data: none, sw: 0x6982 };
        this.#selected = 'app';
        this.#ef = null;
        return { data: none, sw: 0x9000 };
      }
      if (p1 === 0x02 && data.length === 2) {
        const fid = (data[0]! << 8) | data[1]!;
        if (this.#selected !== 'app' || !this.files.has(fid)) return { data: none, sw: 0x6a82 };
        if (!this.#authenticated) return { data: none, sw: 0x6982 };
        this.#ef = fid;
        return { data: none, sw: 0x9000 };
      }
      return { data: none, sw: 0x6a86 };
    }
    if (ins === 0xb0) {
      let file: Uint8Array | undefined;
      let offset: number;
      if (p1 & 0x80) {
        // READ BINARY with a short file identifier selects the file too (ISO/IEC 7816-4 §7.2.2).
        const sfi = p1 & 0x1f;
        offset = p2;
        if (sfi === 0x1c && this.#selected === 'mf') {
          file = this.cardAccess ?? undefined;
          if (file) this.#ef = 0x011c;
        } else if (this.#selected === 'app' && this.#authenticated) {
          const fid = this.files.has(0x0100 | sfi) ? 0x0100 | sfi : 0x0110 | sfi;
          file = this.files.get(fid);
          if (file) this.#ef = fid;
        } else if (this.#selected === 'app') return { data: none, sw: 0x6982 };
        if (!file) return { data: none, sw: 0x6a82 };
      } else {
        if (this.#ef === null) return { data: none, sw: 0x6986 };
        if (this.#selected === 'mf' && this.#ef === 0x011c) file = this.cardAccess!;
        else {
          // EF.CardAccess is unprotected (§4.2); the application's files need access control.
          if (!this.#authenticated) return { data: none, sw: 0x6982 };
          file = this.files.get(this.#ef)!;
        }
        offset = (p1 << 8) | p2;
      }
      const le = c0.le ?? 256;
      if (offset > file.length) return { data: none, sw: 0x6b00 };
      const out = file.subarray(offset, offset + le);
      return { data: out, sw: out.length < le ? 0x6282 : 0x9000 };
    }
    if (!secure && ins === 0x84 && p1 === 0 && p2 === 0) {
      if (!this.#bac) return { data: none, sw: 0x6d00 };
      this.#rndIc = c.randomBytes(8);
      return { data: this.#rndIc, sw: 0x9000 };
    }
    if (!secure && ins === 0x82) return this.#externalAuthenticate(data);
    if (!secure && ins === 0x22 && p1 === 0xc1 && p2 === 0xa4) return this.#mseSetAtPace(data);
    if (!secure && ins === 0x86) return this.#paceStep(c0);
    if (secure && ins === 0x22 && p1 === 0x41 && (p2 === 0xa6 || p2 === 0xa4)) return this.#caMse(p2, data);
    if (secure && ins === 0x86) return this.#caGeneralAuthenticate(data);
    if (secure && ins === 0x88) return this.#internalAuthenticate(data);
    return { data: none, sw: 0x6d00 };
  }

  // ---- BAC (§4.3) ----

  #externalAuthenticate(data: Uint8Array): { data: Uint8Array; sw: number } {
    const none = new Uint8Array(0);
    const rndIc = this.#rndIc;
    this.#rndIc = null;
    if (!rndIc || data.length !== 40) return { data: none, sw: 0x6985 };
    const k = bacKeys(c, this.#mrzInfo);
    const eIfd = data.subarray(0, 32);
    const want = mac(c, { cipher: '3DES', keyLength: 16 }, k.kMac, eIfd);
    if (want.some((b, i) => b !== data[32 + i])) {
      this.failedAccess++;
      return { data: none, sw: 0x6300 };
    }
    const s = decryptZeroIv(c, SUITE_3DES, k.kEnc, eIfd);
    if (s.subarray(8, 16).some((b, i) => b !== rndIc[i])) {
      this.failedAccess++;
      return { data: none, sw: 0x6300 };
    }
    const rndIfd = s.subarray(0, 8);
    const kIfd = s.subarray(16, 32);
    const kIc = c.randomBytes(16);
    const eIc = encryptZeroIv(c, SUITE_3DES, k.kEnc, concat(rndIc, rndIfd, kIc));
    const mIc = mac(c, { cipher: '3DES', keyLength: 16 }, k.kMac, eIc);
    const seed = kIfd.map((b, i) => b ^ kIc[i]!);
    const suite: CipherSuite = { cipher: '3DES', keyLength: 16 };
    this.#sm = new ChipSecureMessaging(
      '3DES',
      kdf(c, suite, seed, 1),
      kdf(c, suite, seed, 2),
      concat(rndIc.subarray(4), rndIfd.subarray(4)),
    );
    this.#authenticated = true;
    return { data: concat(eIc, mIc), sw: 0x9000 };
  }

  // ---- PACE (§4.4) ----

  #mseSetAtPace(data: Uint8Array): { data: Uint8Array; sw: number } {
    const none = new Uint8Array(0);
    const pace = this.#pace;
    if (!pace) return { data: none, sw: 0x6a80 };
    const tlvs = parseSimple(data);
    const oid = tlvs.get(0x80);
    const ref = tlvs.get(0x83)?.[0];
    if (!oid || !equal(oid, encodeOidContent(paceOid(pace)))) return { data: none, sw: 0x6a80 };
    const suite: CipherSuite = { cipher: pace.cipher, keyLength: pace.keyLength };
    let password;
    if (ref === 1) password = { kind: 'mrz' as const, information: this.#mrzInfo };
    else if (ref === 2 && this.#can) password = { kind: 'can' as const, can: this.#can };
    else return { data: none, sw: 0x6a88 };
    this.#paceState = { spec: pace, suite, kpi: paceKeyPi(c, suite, password), step: 1 };
    return { data: none, sw: 0x9000 };
  }

  #paceStep(cmd: PlainCommand): { data: Uint8Array; sw: number } {
    const none = new Uint8Array(0);
    const st = this.#paceState;
    if (!st) return { data: none, sw: 0x6985 };
    const last = (cmd.cla & 0x10) === 0;
    const outer = parseSimple(cmd.data).get(0x7c);
    if (!outer) return this.#paceFail(0x6a80);
    const inner = parseSimple(outer);
    const curve = st.spec.curve;
    const P = curvePoint(curve);
    const n = CURVE_PARAMS[curve].n;
    const rnd = () => (toBig(c.randomBytes(CURVE_PARAMS[curve].bytes + 8)) % (n - 1n)) + 1n;
    const bs = st.suite.cipher === 'AES' ? 16 : 8;
    if (st.step === 1 && !last) {
      // The nonce is at least the key long: IM derives block cipher keys from it (§4.4.3.3.2).
      st.s = c.randomBytes(st.suite.keyLength > 16 ? 32 : 16);
      const z = encryptZeroIv(c, st.suite, st.kpi, st.s);
      st.step = 2;
      return { data: berTlv(0x7c, berTlv(0x80, z)), sw: 0x9000 };
    }
    if (st.step === 2 && !last) {
      const m = inner.get(0x81);
      if (!m) return this.#paceFail(0x6a80);
      if (st.spec.mapping === 'IM') {
        st.g = integratedMapping(c, st.suite, curve, st.s!, m).g;
        st.step = 3;
        return { data: berTlv(0x7c, new Uint8Array(0)), sw: 0x9000 };
      }
      let pkMapIfd;
      try {
        pkMapIfd = P.fromBytes(m);
      } catch {
        return this.#paceFail(0x6a80);
      }
      const skMap = rnd();
      const h = pkMapIfd.multiply(skMap);
      st.g = P.BASE.multiply(toBig(st.s!) % n).add(h);
      st.step = 3;
      return { data: berTlv(0x7c, berTlv(0x82, P.BASE.multiply(skMap).toBytes(false))), sw: 0x9000 };
    }
    if (st.step === 3 && !last) {
      const pk = inner.get(0x83);
      if (!pk) return this.#paceFail(0x6a80);
      let pkIfd;
      try {
        pkIfd = P.fromBytes(pk);
      } catch {
        return this.#paceFail(0x6a80);
      }
      st.sk = rnd();
      st.pkIc = st.g!.multiply(st.sk).toBytes(false);
      st.pkIfd = pk.slice();
      const x = pkIfd
        .multiply(st.sk)
        .toBytes(false)
        .subarray(1, 1 + CURVE_PARAMS[curve].bytes);
      st.ksEnc = kdf(c, st.suite, x, 1);
      st.ksMac = kdf(c, st.suite, x, 2);
      st.step = 4;
      return { data: berTlv(0x7c, berTlv(0x84, st.pkIc)), sw: 0x9000 };
    }
    if (st.step === 4 && last) {
      const t = inner.get(0x85);
      const oid = paceOid(st.spec);
      const want = mac(c, st.suite, st.ksMac!, authTokenInput(oid, st.pkIc!));
      if (!t || t.length !== 8 || t.some((b, i) => b !== want[i])) {
        this.failedAccess++;
        return this.#paceFail(0x6300);
      }
      const tIc = mac(c, st.suite, st.ksMac!, authTokenInput(oid, st.pkIfd!));
      this.#sm = new ChipSecureMessaging(st.suite.cipher, st.ksEnc!, st.ksMac!, new Uint8Array(bs));
      this.#authenticated = true;
      this.#paceState = null;
      return { data: berTlv(0x7c, berTlv(0x86, tIc)), sw: 0x9000 };
    }
    return this.#paceFail(0x6985);
  }

  #paceFail(s: number): { data: Uint8Array; sw: number } {
    this.#paceState = null;
    return { data: new Uint8Array(0), sw: s };
  }

  // ---- Chip Authentication (§6.2) ----

  #caMse(p2: number, data: Uint8Array): { data: Uint8Array; sw: number; after?: () => void } {
    const none = new Uint8Array(0);
    const ca = this.#actingKeys.ca;
    if (!ca) return { data: none, sw: 0x6a80 };
    const tlvs = parseSimple(data);
    if (p2 === 0xa4) {
      // MSE:Set AT selects the protocol; the key arrives in GENERAL AUTHENTICATE.
      this.#ca.pending = true;
      return { data: none, sw: 0x9000 };
    }
    const pk = tlvs.get(0x91);
    if (!pk) return { data: none, sw: 0x6a80 };
    return this.#caAgree(ca, pk, '3DES');
  }

  #caGeneralAuthenticate(data: Uint8Array): { data: Uint8Array; sw: number; after?: () => void } {
    const ca = this.#actingKeys.ca;
    const inner = parseSimple(parseSimple(data).get(0x7c) ?? new Uint8Array(0));
    const pk = inner.get(0x80);
    if (!ca || !this.#ca.pending || !pk) return { data: new Uint8Array(0), sw: 0x6a80 };
    this.#ca.pending = false;
    return this.#caAgree(ca, pk, 'AES', berTlv(0x7c, new Uint8Array(0)));
  }

  #caAgree(
    ca: NonNullable<ChipKeys['ca']>,
    pk: Uint8Array,
    cipher: '3DES' | 'AES',
    reply: Uint8Array = new Uint8Array(0),
  ): { data: Uint8Array; sw: number; after?: () => void } {
    let x: Uint8Array;
    try {
      x = c.ecdh(ca.curve as Curve, ca.privateKey, pk);
    } catch {
      return { data: new Uint8Array(0), sw: 0x6a80 };
    }
    const suite: CipherSuite = { cipher, keyLength: 16 };
    // The answer still goes out under the old keys; the new ones apply from the next command (§9.8.2).
    return {
      data: reply,
      sw: 0x9000,
      after: () =>
        (this.#sm = new ChipSecureMessaging(
          cipher,
          kdf(c, suite, x, 1),
          kdf(c, suite, x, 2),
          new Uint8Array(cipher === 'AES' ? 16 : 8),
        )),
    };
  }

  // ---- Active Authentication (§6.1) ----

  #internalAuthenticate(nonce: Uint8Array): { data: Uint8Array; sw: number } {
    const aa = this.#actingKeys.aa;
    if (!aa || nonce.length !== 8) return { data: new Uint8Array(0), sw: 0x6a80 };
    if (aa.kind === 'ec') return { data: c.ecdsaSign(aa.curve, 'SHA-256', aa.privateKey, nonce), sw: 0x9000 };
    // ISO/IEC 9796-2 scheme 1, partial recovery, SHA-256, trailer 34CC (§6.1.2.2):
    // c = k - Lh - 8t - 4 = 1024 - 256 - 16 - 4 = 748 bits, so M1 is 744 bits (93 bytes).
    const m1 = c.randomBytes(93);
    const h = createHash('sha256').update(m1).update(nonce).digest();
    const f = concat(Uint8Array.of(0x6a), m1, h, Uint8Array.of(0x34, 0xcc));
    return {
      data: new Uint8Array(privateEncrypt({ key: aa.privateKey, padding: constants.RSA_NO_PADDING }, f)),
      sw: 0x9000,
    };
  }
}

function sw(s: number): Uint8Array {
  return Uint8Array.of(s >> 8, s & 0xff);
}
function resp(data: Uint8Array, s: number): Uint8Array {
  return concat(data, sw(s));
}

/** One level of simple BER-TLV (1- or 2-byte tags, short or 81/82 lengths) into a tag map. */
function parseSimple(b: Uint8Array): Map<number, Uint8Array> {
  const m = new Map<number, Uint8Array>();
  let p = 0;
  while (p < b.length) {
    let tag = b[p++]!;
    if ((tag & 0x1f) === 0x1f) tag = (tag << 8) | b[p++]!;
    let len = b[p++]!;
    if (len === 0x81) len = b[p++]!;
    else if (len === 0x82) {
      len = (b[p]! << 8) | b[p + 1]!;
      p += 2;
    }
    m.set(tag, b.subarray(p, p + len));
    p += len;
  }
  return m;
}
