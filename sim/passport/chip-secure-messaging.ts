// The chip's side of secure messaging (ICAO Doc 9303-11 §9.8), for the virtual passport (TEST ONLY):
// verify and decrypt a protected command, protect a response. Written from §9.8.4-9.8.7 (the reader's
// side is core/passport/secure-messaging.ts); the MAC primitives are the ones checked against the
// App. D worked example.
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { cmac } from '../../core/crypto/cmac.ts';
import { pad, retailMac, unpad } from '../../core/crypto/iso9797-1.ts';
import type { BlockCipher } from '../../core/crypto/provider.ts';
import { concat } from '../pki/der-encode.ts';
import { berTlv } from './passport-files.ts';

const c = nodeCrypto;

export interface PlainCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  /** Le from DO'97' (256 for 00), or null. */
  le: number | null;
}

export class ChipSecureMessaging {
  readonly ssc: Uint8Array;
  constructor(
    readonly cipher: '3DES' | 'AES',
    readonly ksEnc: Uint8Array,
    readonly ksMac: Uint8Array,
    ssc: Uint8Array,
  ) {
    this.ssc = ssc.slice();
  }

  get bs(): number {
    return this.cipher === 'AES' ? 16 : 8;
  }

  #inc(): void {
    for (let i = this.ssc.length - 1; i >= 0; i--) {
      this.ssc[i] = (this.ssc[i]! + 1) & 0xff;
      if (this.ssc[i] !== 0) break;
    }
  }

  #mac(d: Uint8Array): Uint8Array {
    const input = pad(concat(this.ssc, d), this.bs);
    return this.cipher === 'AES' ? cmac(c, this.ksMac, input).slice(0, 8) : retailMac(c, this.ksMac, input);
  }

  get #blockCipher(): BlockCipher {
    return this.cipher === 'AES' ? (`AES-${this.ksEnc.length * 8}` as BlockCipher) : 'DES-EDE';
  }

  #iv(): Uint8Array {
    return this.cipher === 'AES'
      ? c.cbc(this.#blockCipher, 'encrypt', this.ksEnc, new Uint8Array(16), this.ssc)
      : new Uint8Array(8);
  }

  /** The plain command, or null on any SM error (the chip then answers 6988 and ends SM: §9.8.5). */
  unwrap(apdu: Uint8Array): PlainCommand | null {
    this.#inc();
    if (apdu.length < 5 || (apdu[0]! & 0x0c) !== 0x0c) return null;
    const lc = apdu[4]!;
    const body = apdu.subarray(5, 5 + lc);
    if (body.length !== lc) return null;
    let p = 0;
    let d87: Uint8Array | null = null;
    let d87tlv: Uint8Array = new Uint8Array(0);
    let d97: Uint8Array | null = null;
    let d97tlv: Uint8Array = new Uint8Array(0);
    let mac: Uint8Array | null = null;
    while (p < body.length) {
      const tag = body[p]!;
      let len = body[p + 1]!;
      let h = 2;
      if (len === 0x81) {
        len = body[p + 2]!;
        h = 3;
      } else if (len === 0x82) {
        len = (body[p + 2]! << 8) | body[p + 3]!;
        h = 4;
      }
      const v = body.subarray(p + h, p + h + len);
      if (v.length !== len) return null;
      const whole = body.subarray(p, p + h + len);
      if (tag === 0x87 || tag === 0x85) [d87, d87tlv] = [v, whole];
      else if (tag === 0x97) [d97, d97tlv] = [v, whole];
      else if (tag === 0x8e) mac = v;
      else return null;
      p += h + len;
    }
    if (!mac) return null;
    const header = pad(apdu.subarray(0, 4), this.bs);
    const want = this.#mac(concat(header, d87tlv, d97tlv));
    if (want.length !== mac.length || want.some((b, i) => b !== mac![i])) return null;
    let data: Uint8Array = new Uint8Array(0);
    if (d87) {
      const ct = apdu[1]! & 1 ? d87 : d87.subarray(1);
      if (!(apdu[1]! & 1) && d87[0] !== 1) return null;
      if (ct.length === 0 || ct.length % this.bs) return null;
      const pt = unpad(c.cbc(this.#blockCipher, 'decrypt', this.ksEnc, this.#iv(), ct));
      if (!pt) return null;
      data = pt;
    }
    const le = d97 ? (d97.length === 1 ? d97[0]! || 256 : (d97[0]! << 8) | d97[1]! || 65536) : null;
    return { cla: apdu[0]! & ~0x0c, ins: apdu[1]!, p1: apdu[2]!, p2: apdu[3]!, data, le };
  }

  /** Protect a response: [DO'87'] DO'99' DO'8E' SW (§9.8.4, Figure 6). */
  wrap(data: Uint8Array, sw: number): Uint8Array {
    this.#inc();
    let d87: Uint8Array = new Uint8Array(0);
    if (data.length)
      d87 = berTlv(
        0x87,
        concat(Uint8Array.of(1), c.cbc(this.#blockCipher, 'encrypt', this.ksEnc, this.#iv(), pad(data, this.bs))),
      );
    const d99 = Uint8Array.of(0x99, 0x02, sw >> 8, sw & 0xff);
    const mac = this.#mac(concat(d87, d99));
    return concat(d87, d99, Uint8Array.of(0x8e, 0x08), mac, Uint8Array.of(sw >> 8, sw & 0xff));
  }
}
