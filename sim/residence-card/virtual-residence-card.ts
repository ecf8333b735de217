// A virtual residence card / special permanent resident certificate, 1st or 2nd generation, written
// from the specification facts (在留カード等仕様書 Ver 1.5, 第２世代 Ver 1.1 as summarised in our
// notes): MF/DF1/DF2/DF3 with files by short EF identifier, GET CHALLENGE, MUTUAL AUTHENTICATE with
// the card-number key (3DES + retail MAC, or AES + CMAC), encryption-only SM VERIFY and READ
// BINARY with extended length, plain reads after VERIFY, and the issuer signature in DF3 made with
// the TEST ISA keys (sim/pki/document-pki.ts). Faults are applied after signing. TEST ONLY.
import { ROOT } from '../../main/project-root.ts';
import { randomBytes, sign as nodeSign } from 'node:crypto';
import { CardPulled } from '../card/virtual-card.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { concat, toHex as hex } from '../../core/bytes.ts';
import { tryCommandShape } from '../../core/document/channel.ts';
import { encodeCardTlv } from '../../core/document/card-tlv.ts';
import { RESIDENCE_DF1_AID, RESIDENCE_DF2_AID, RESIDENCE_DF3_AID } from '../../core/document/identify.ts';
import {
  authMac,
  cardNumberKey,
  sealSmResponse,
  sessionKey,
  unpad80,
  type RcGeneration,
} from '../../core/residence-card/secure-messaging.ts';
import { gen1SignedTarget, gen2SignedTarget } from '../../core/residence-card/signature.ts';
import { walkTlvs } from '../../core/document/card-tlv.ts';
import { gen1Pki, gen2Pki } from '../pki/document-pki.ts';
import { signRaw } from '../pki/cert-builder.ts';
import { parseJp2 } from '../../core/card/jp2.ts';

export const RESIDENCE_FAULTS = ['tampered', 'foreign-cert', 'expired', 'specified', 'pulled', 'stay-ended'] as const;
export type ResidenceFault = (typeof RESIDENCE_FAULTS)[number];

export interface ResidenceHolder {
  cardNumber: string;
  birthDate: string; // YYYYMMDD
  sex: '1' | '2' | '3';
  nationality: string;
  status: string;
  periodOfStay: string;
  periodEnd: string;
  expiry: string;
  workRestriction: string;
  address: string;
}

export const DEFAULT_RESIDENCE_HOLDER: ResidenceHolder = {
  cardNumber: 'AB12345678CD',
  birthDate: '19900401',
  sex: '1',
  nationality: 'PHL',
  status: '15',
  periodOfStay: '0500',
  periodEnd: '20310501',
  expiry: '20310501',
  workRestriction: '2',
  address: '東京都千代田区霞が関１丁目１番１号',
};

export const RESIDENCE_HOLDER_PRESETS: Record<string, Partial<ResidenceHolder>> = {
  minor: { birthDate: '20100401' },
};

const FIXTURES = join(ROOT, 'sim', 'residence-card', 'fixtures');
const fixture = (f: string) => new Uint8Array(readFileSync(join(FIXTURES, f)));
/** The face photo: the raw JPEG 2000 codestream of the test face (sim/card/fixtures/face.jp2). */
export function testFaceCodestream(): Uint8Array {
  return parseJp2(new Uint8Array(readFileSync(join(ROOT, 'sim', 'card', 'fixtures', 'face.jp2')))).codestream.slice();
}

const SW = (sw: number) => Uint8Array.of(sw >> 8, sw & 0xff);
const ok = (data: Uint8Array = new Uint8Array(0)) => concat(data, SW(0x9000));
const ascii = (s: string) => new TextEncoder().encode(s);
const padTo = (b: Uint8Array, n: number) => {
  const o = new Uint8Array(Math.max(n, b.length));
  o.set(b);
  return o;
};

export class CardPulledResidence extends CardPulled {}

type Df = 'MF' | 'DF1' | 'DF2' | 'DF3';

export interface VirtualResidenceCardOptions {
  generation?: RcGeneration;
  specialPermanent?: boolean;
  holder?: Partial<ResidenceHolder>;
  faults?: Iterable<ResidenceFault>;
}

export class VirtualResidenceCard {
  readonly generation: RcGeneration;
  readonly holder: ResidenceHolder;
  readonly faults: ReadonlySet<ResidenceFault>;
  readonly files: Record<Df, Map<number, Uint8Array>>;
  /** Every command and status word (tests look at what was sent). */
  readonly log: { df: Df; command: string; sw: string }[] = [];
  #df: Df = 'MF';
  #rndIcc: Uint8Array | null = null;
  #ks: Uint8Array | null = null;
  #verified = false;
  #reads = 0;
  wrongNumberTries = 0;

  constructor(o: VirtualResidenceCardOptions = {}) {
    this.generation = o.generation ?? 2;
    this.holder = { ...DEFAULT_RESIDENCE_HOLDER, ...o.holder };
    this.faults = new Set(o.faults ?? []);
    const spr = o.specialPermanent === true;
    if (this.faults.has('expired')) this.holder.expiry = '20250101';
    if (this.faults.has('stay-ended')) this.holder.periodEnd = '20260101';
    this.files = this.generation === 1 ? this.#gen1(spr) : this.#gen2(spr);
  }

  #gen1(spr: boolean): Record<Df, Map<number, Uint8Array>> {
    const h = this.holder;
    const front = fixture(spr ? 'front-sprc-gen1.tif' : 'front-gen1.tif');
    const face = testFaceCodestream();
    const pki = gen1Pki(this.faults.has('foreign-cert'));
    const target = gen1SignedTarget(front, face)!;
    const checkCode = new Uint8Array(nodeSign('sha256', target, pki.cardKey));
    const df3 = padTo(concat(encodeCardTlv(0xda, checkCode), encodeCardTlv(0xdb, pki.card)), 1464);
    let frontFile = encodeCardTlv(0xd0, front);
    if (this.faults.has('tampered')) {
      frontFile = frontFile.slice();
      frontFile[frontFile.length - 40]! ^= 0x01;
    }
    const df2 = new Map<number, Uint8Array>([
      [
        0x81,
        padTo(
          concat(
            encodeCardTlv(0xd2, ascii('20240401')),
            encodeCardTlv(0xd3, ascii('131016')),
            encodeCardTlv(0xd4, ascii(h.address)),
          ),
          342,
        ),
      ],
    ]);
    if (!spr) {
      df2.set(0x82, padTo(encodeCardTlv(0xd5, ascii('0')), 122));
      df2.set(0x83, padTo(encodeCardTlv(0xd6, ascii('0')), 122));
      df2.set(0x84, encodeCardTlv(0xd7, ascii('0')));
    }
    return {
      MF: new Map([
        [0x8b, encodeCardTlv(0xc0, ascii('0105'))],
        [0x8a, encodeCardTlv(0xc1, ascii(this.faults.has('specified') ? '7' : spr ? '2' : '1'))],
      ]),
      DF1: new Map([
        [0x85, frontFile],
        [0x86, encodeCardTlv(0xd1, face)],
      ]),
      DF2: df2,
      DF3: new Map([[0x82, df3]]),
    };
  }

  #gen2(spr: boolean): Record<Df, Map<number, Uint8Array>> {
    const h = this.holder;
    const t = (tag: number, v: string) => encodeCardTlv(tag, ascii(v));
    const printedTlvs = spr
      ? [t(0xc5, h.expiry), t(0xc6, h.birthDate), t(0xc7, h.sex), t(0xc8, h.nationality)]
      : [
          t(0xc5, h.expiry),
          t(0xc6, h.birthDate),
          t(0xc7, h.sex),
          t(0xc8, h.nationality),
          t(0xc9, h.status),
          t(0xce, h.periodOfStay),
          t(0xca, '0'),
          t(0xcb, '00000000'),
          t(0xcc, h.workRestriction),
          t(0xcd, h.periodEnd),
        ];
    const printed = padTo(concat(...printedTlvs), spr ? 46 : 73);
    // The Appendix 2 example shows the images stored at their full lengths (2500 / 3000 bytes).
    const nameImage = padTo(fixture('name-gen2.tif'), 2500);
    const face = padTo(testFaceCodestream(), 3000);
    const address = padTo(fixture('address-gen2.tif'), 2500);
    const pki = gen2Pki(this.faults.has('foreign-cert'));
    const target = gen2SignedTarget(walkTlvs(printed, 0x00, 'sim'), face, nameImage)!;
    const dc = signRaw(pki.cardKey, 'SHA-256', target);
    const df3 = padTo(concat(encodeCardTlv(0xdc, dc), encodeCardTlv(0xdd, pki.card)), 704);
    let df1ef03 = concat(encodeCardTlv(0xd0, nameImage), encodeCardTlv(0xd1, face));
    if (this.faults.has('tampered')) {
      df1ef03 = df1ef03.slice();
      df1ef03[200]! ^= 0x01; // inside the name image
    }
    const df2 = new Map<number, Uint8Array>([
      [0x83, padTo(concat(t(0xd9, '0'), encodeCardTlv(0xde, new Uint8Array(0))), 207)],
    ]);
    if (!spr) {
      df2.set(0x81, padTo(concat(t(0xd5, '0'), t(0xd6, '00000000'), t(0xd7, '0')), 22));
      df2.set(0x82, t(0xd8, this.faults.has('stay-ended') ? '1' : '0'));
    }
    return {
      MF: new Map([
        [0x8b, encodeCardTlv(0xc0, ascii('0201'))],
        [0x8a, encodeCardTlv(0xc1, ascii(this.faults.has('specified') ? '07' : spr ? '06' : '05'))],
      ]),
      DF1: new Map([
        [0x81, encodeCardTlv(0xc2, ascii(h.cardNumber))],
        [0x83, printed],
        [0x84, df1ef03],
        [0x86, encodeCardTlv(0xdfd1, address)],
      ]),
      DF2: df2,
      DF3: new Map([[0x82, df3]]),
    };
  }

  reset(): void {
    this.#df = 'MF';
    this.#rndIcc = null;
    this.#ks = null;
    this.#verified = false;
  }

  process(cmd: Uint8Array): Uint8Array {
    const r = this.#process(cmd);
    this.log.push({ df: this.#df, command: hex(cmd), sw: hex(r.subarray(r.length - 2)) });
    return r;
  }

  get #cipherBlock(): number {
    return this.generation === 1 ? 8 : 16;
  }

  #process(cmd: Uint8Array): Uint8Array {
    const c = tryCommandShape(cmd);
    if (!c) return SW(0x6700);
    const k = cardNumberKey(this.holder.cardNumber, nodeCrypto);
    const g = this.generation;
    const cipher = g === 1 ? 'DES-EDE' : 'AES-128';
    if (c.cla === 0x00 && c.ins === 0xa4) {
      if (c.p1 === 0x00 && hex(c.data) === '3f00') {
        this.#df = 'MF';
        return ok();
      }
      if (c.p1 === 0x04) {
        const aid = hex(c.data);
        const df =
          aid === hex(RESIDENCE_DF1_AID)
            ? 'DF1'
            : aid === hex(RESIDENCE_DF2_AID)
              ? 'DF2'
              : aid === hex(RESIDENCE_DF3_AID)
                ? 'DF3'
                : null;
        if (!df) return SW(0x6a82);
        this.#df = df;
        return ok();
      }
      return SW(0x6a86);
    }
    if (c.cla === 0x00 && c.ins === 0x84) {
      this.#rndIcc = new Uint8Array(randomBytes(8));
      return ok(this.#rndIcc);
    }
    if (c.cla === 0x00 && c.ins === 0x82) {
      const rndIcc = this.#rndIcc;
      this.#rndIcc = null;
      if (!rndIcc || c.data.length !== 40) return SW(0x6985);
      const eIfd = c.data.subarray(0, 32);
      const mac = authMac(g, k, eIfd, nodeCrypto);
      if (Buffer.compare(Buffer.from(mac), Buffer.from(c.data.subarray(32))) !== 0) {
        this.wrongNumberTries++;
        return SW(0x6300);
      }
      const plain = nodeCrypto.cbc(cipher, 'decrypt', k, new Uint8Array(this.#cipherBlock), eIfd);
      if (hex(plain.subarray(8, 16)) !== hex(rndIcc)) return SW(0x6300);
      const kIcc = new Uint8Array(randomBytes(16));
      const eIcc = nodeCrypto.cbc(
        cipher,
        'encrypt',
        k,
        new Uint8Array(this.#cipherBlock),
        concat(rndIcc, plain.subarray(0, 8), kIcc),
      );
      this.#ks = sessionKey(plain.subarray(16, 32), kIcc, nodeCrypto);
      return ok(concat(eIcc, authMac(g, k, eIcc, nodeCrypto)));
    }
    if (c.cla === 0x08 && c.ins === 0x20) {
      if (!this.#ks) return SW(0x6982);
      if (c.data.length !== 19 || c.data[0] !== 0x86 || c.data[2] !== 0x01) return SW(0x6988);
      const plain = unpad80(
        nodeCrypto.cbc(cipher, 'decrypt', this.#ks, new Uint8Array(this.#cipherBlock), c.data.subarray(3)),
      );
      if (!plain || new TextDecoder().decode(plain) !== this.holder.cardNumber) {
        this.wrongNumberTries++;
        return SW(0x6300);
      }
      this.#verified = true;
      return ok();
    }
    if (c.ins === 0xb0 && c.p1 & 0x80) {
      const file = this.files[this.#df].get(c.p1);
      if (!file) return SW(0x6a82);
      if (this.#df !== 'MF' && !this.#verified) return SW(0x6982);
      if (this.faults.has('pulled') && ++this.#reads >= 3) throw new CardPulledResidence('residence card pulled');
      if (c.cla === 0x08) {
        if (this.#df !== 'DF1' || !this.#ks) return SW(0x6982);
        return ok(sealSmResponse(g, this.#ks, file, nodeCrypto));
      }
      if (c.cla !== 0x00) return SW(0x6e00);
      if (this.#df === 'DF1') return SW(0x6982); // DF1 files only in SM
      const le = c.extended ? file.length : cmd[4] === 0 ? 256 : cmd[4]!;
      const chunk = file.subarray(c.p2, c.p2 + le);
      return concat(chunk, SW(chunk.length < le ? 0x6282 : 0x9000));
    }
    return SW(0x6d00);
  }
}
