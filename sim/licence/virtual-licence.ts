// A virtual IC driving licence written from the published facts (files, sizes, TLV tags, PIN rules,
// era dates, EF04 change entries, EF07 signature with B6 = signer SKI; see core/licence/README.md),
// served through pcscd + vpcd like the virtual My Number card. PIN counters of 3 with blocking,
// security state kept across SELECTs until reset, 本籍 in DF1/EF02 behind PIN 1 + PIN 2. It
// records whether 本籍 was ever read (tests assert the kiosk reads it only to hash it). TEST ONLY.
import { ROOT } from '../../main/project-root.ts';
import { sign as nodeSign } from 'node:crypto';
import { CardPulled } from '../card/virtual-card.ts';
import { concat, toHex as hex } from '../../core/bytes.ts';
import { tryCommandShape } from '../../core/document/channel.ts';
import { encodeCardTlv } from '../../core/document/card-tlv.ts';
import { LICENCE_DF1_AID, LICENCE_DF2_AID, LICENCE_DF3_AID } from '../../core/document/identify.ts';
import { npaSigner } from '../pki/document-pki.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LICENCE_FAULTS = [
  'no-pin',
  'blocked',
  'two-tries',
  'gaiji',
  'address-change',
  'tampered-photo',
  'unknown-signer',
  'tlv-signature',
  'expired',
  'pulled',
] as const;
export type LicenceFault = (typeof LICENCE_FAULTS)[number];

export interface LicenceHolder {
  name: string;
  kana: string;
  birth: string; // era form EYYMMDD
  address: string;
  domicile: string;
  number: string;
  pin1: string;
  pin2: string;
  issue: string; // YYYYMMDD
  expiry: string; // YYYYMMDD
}

export const DEFAULT_LICENCE_HOLDER: LicenceHolder = {
  name: '確認　花子',
  kana: 'カクニン　ハナコ',
  birth: '4020401', // 平成2年4月1日 = 1990-04-01
  address: '東京都千代田区霞が関１丁目２番２号',
  domicile: '本籍見本県見本市見本町１番地',
  number: '123456789012',
  pin1: '1234',
  pin2: '5678',
  issue: '20240401',
  expiry: '20290501',
};

export const LICENCE_HOLDER_PRESETS: Record<string, Partial<LicenceHolder>> = {
  minor: { birth: '4190401' }, // 平成19年 = 2007-04-01
};

// JIS X 0208 row/cell from Unicode, through the WHATWG EUC-JP decoder (the same table the reader uses).
let jisMap: Map<string, [number, number]> | null = null;
export function encodeJis(s: string): Uint8Array {
  if (!jisMap) {
    jisMap = new Map();
    const d = new TextDecoder('euc-jp');
    for (let r = 0x21; r <= 0x7e; r++) {
      for (let c = 0x21; c <= 0x7e; c++) {
        const ch = d.decode(Uint8Array.of(r | 0x80, c | 0x80));
        if (ch !== '\ufffd' && !jisMap.has(ch)) jisMap.set(ch, [r, c]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of s) {
    if (ch === '\u{E000}')
      out.push(0xff, 0xf1); // our marker for 外字1
    else {
      const rc = jisMap.get(ch);
      if (!rc) throw new Error(`no JIS X 0208 code for ${ch}`);
      out.push(...rc);
    }
  }
  return Uint8Array.from(out);
}

const ascii = (s: string) => new TextEncoder().encode(s);
const bcd = (s: string) => Uint8Array.from(s.match(/../g)!.map((x) => parseInt(x, 16)));
const SW = (sw: number) => Uint8Array.of(sw >> 8, sw & 0xff);
const padFF = (b: Uint8Array, n: number) => {
  const o = new Uint8Array(n).fill(0xff);
  o.set(b.subarray(0, n));
  return o;
};

export class LicencePulled extends CardPulled {}

export interface VirtualLicenceOptions {
  holder?: Partial<LicenceHolder>;
  faults?: Iterable<LicenceFault>;
}

type Df = 'MF' | 'DF1' | 'DF2' | 'DF3';

export class VirtualLicence {
  readonly holder: LicenceHolder;
  readonly faults: ReadonlySet<LicenceFault>;
  readonly files: Record<Df, Map<number, Uint8Array>>;
  readonly log: { df: Df; command: string; sw: string }[] = [];
  readonly tries = { pin1: 3, pin2: 3 };
  /** Whether DF1/EF02 or EF06 (本籍) was ever read. */
  domicileRead = false;
  #df: Df = 'MF';
  #ef: number | null = null;
  #verified = new Set<'pin1' | 'pin2'>();
  #reads = 0;

  constructor(o: VirtualLicenceOptions = {}) {
    this.holder = { ...DEFAULT_LICENCE_HOLDER, ...o.holder };
    this.faults = new Set(o.faults ?? []);
    const h = this.holder;
    if (this.faults.has('blocked')) this.tries.pin1 = 0;
    if (this.faults.has('two-tries')) this.tries.pin1 = 2;
    if (this.faults.has('expired')) h.expiry = '20250101';
    const name = this.faults.has('gaiji') ? h.name.replace('花', '\u{E000}') : h.name;
    const t = (tag: number, v: Uint8Array) => encodeCardTlv(tag, v);
    const era = (s: string) => ascii(s);
    const expiryEra = `5${String(Number(h.expiry.slice(0, 4)) - 2018).padStart(2, '0')}${h.expiry.slice(4)}`;
    const issueEra = `5${String(Number(h.issue.slice(0, 4)) - 2018).padStart(2, '0')}${h.issue.slice(4)}`;
    const categories: Uint8Array[] = [];
    for (let tag = 0x22; tag <= 0x33; tag++) categories.push(t(tag, era(tag === 0x26 ? '4100101' : '5000000')));
    const entries = padFF(
      concat(
        t(0x11, Uint8Array.of(0x01)),
        t(0x12, encodeJis(name)),
        t(0x13, encodeJis(h.kana)),
        t(0x14, new Uint8Array(0)),
        t(0x15, encodeJis(h.kana)),
        t(0x16, era(h.birth)),
        t(0x17, encodeJis(h.address)),
        t(0x18, era(issueEra)),
        t(0x19, ascii('00001')),
        t(0x1a, encodeJis('優良')),
        t(0x1b, era(expiryEra)),
        t(0x1c, encodeJis('眼鏡等')),
        t(0x1d, new Uint8Array(0)),
        t(0x1e, new Uint8Array(0)),
        t(0x1f, new Uint8Array(0)),
        t(0x20, encodeJis('東京都公安委員会')),
        t(0x21, ascii(h.number)),
        ...categories,
      ),
      880,
    );
    const domicileTlv = t(0x41, encodeJis(h.domicile));
    const domicile = padFF(domicileTlv, 82);
    // A 64x84 greyscale face, lossless JPEG 2000 codestream (1868 bytes: the photo value is at most 2000).
    const codestream = new Uint8Array(readFileSync(join(ROOT, 'sim', 'licence', 'fixtures', 'face.j2k')));
    const photoTlv = t(0x5f40, codestream);
    const photo = padFF(photoTlv, 2005);
    const entriesTlvs = entries.subarray(0, 880 - [...entries].reverse().findIndex((b) => b !== 0xff));
    const changeEntry = (date: string, text: string) =>
      concat(
        Uint8Array.of(0x01),
        encodeJis(date.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))),
        encodeJis(text),
        encodeJis('東京都公安'),
      );
    const changes = padFF(
      concat(
        t(0x50, ascii(this.faults.has('address-change') ? '1' : '0')),
        ...(this.faults.has('address-change') ? [t(0x70, changeEntry('5070915', '東京都港区見本３丁目３番３号'))] : []),
      ),
      640,
    );
    const signer = npaSigner(this.faults.has('unknown-signer'));
    // Which bytes the NPA signs is unconfirmed: the default card signs whole files (FF filler
    // included); 'tlv-signature' signs the TLV objects only (the other reading the kiosk accepts).
    const signed = this.faults.has('tlv-signature')
      ? concat(entriesTlvs, domicileTlv, photoTlv)
      : concat(entries, domicile, photo);
    const sig = new Uint8Array(nodeSign('sha256', signed, signer.key));
    const ef07 = padFF(
      concat(
        t(0xb1, sig),
        t(0xb2, ascii(String(signer.serial))),
        t(0xb4, ascii(signer.issuer)),
        t(0xb5, ascii(signer.subject)),
        t(0xb6, signer.ski),
      ),
      578,
    );
    let photoFile = photo;
    if (this.faults.has('tampered-photo')) {
      photoFile = photo.slice();
      photoFile[300]! ^= 0x10;
    }
    this.files = {
      MF: new Map([
        [
          0x2f01,
          concat(t(0x45, concat(ascii('008'), bcd(h.issue), bcd(h.expiry))), t(0x46, Uint8Array.of(0x01, 0x01))),
        ],
        [0x000a, t(0x05, Uint8Array.of(this.faults.has('no-pin') ? 0x00 : 0x01))],
      ]),
      DF1: new Map([
        [0x0001, entries],
        [0x0002, domicile],
        [0x0004, changes],
        [0x0006, padFF(t(0xaa, ascii('0')), 256)],
        [0x0007, ef07],
      ]),
      DF2: new Map([[0x0001, photoFile]]),
      DF3: new Map(),
    };
  }

  reset(): void {
    this.#df = 'MF';
    this.#ef = null;
    this.#verified.clear();
  }

  process(cmd: Uint8Array): Uint8Array {
    const r = this.#process(cmd);
    this.log.push({ df: this.#df, command: hex(cmd), sw: hex(r.subarray(r.length - 2)) });
    return r;
  }

  #access(df: Df, fid: number): Array<'pin1' | 'pin2'> {
    if (df === 'MF') return [];
    if (df === 'DF2' || (df === 'DF1' && (fid === 0x0002 || fid === 0x0006))) return ['pin1', 'pin2'];
    return ['pin1'];
  }

  #process(cmd: Uint8Array): Uint8Array {
    const c = tryCommandShape(cmd);
    if (!c) return SW(0x6700);
    if (c.cla !== 0x00) return SW(0x6e00);
    if (c.ins === 0xa4) {
      if (c.p1 === 0x00) {
        this.#df = 'MF';
        this.#ef = null;
        return SW(0x9000);
      }
      if (c.p1 === 0x04) {
        const aid = hex(c.data);
        const df =
          aid === hex(LICENCE_DF1_AID)
            ? 'DF1'
            : aid === hex(LICENCE_DF2_AID)
              ? 'DF2'
              : aid === hex(LICENCE_DF3_AID)
                ? 'DF3'
                : null;
        if (!df) return SW(0x6a82);
        this.#df = df;
        this.#ef = null;
        return SW(0x9000);
      }
      if (c.p1 === 0x02 && c.data.length === 2) {
        const fid = (c.data[0]! << 8) | c.data[1]!;
        if (!this.files[this.#df].has(fid)) return SW(0x6a82);
        this.#ef = fid;
        return SW(0x9000);
      }
      return SW(0x6a86);
    }
    if (c.ins === 0x20) {
      const which = c.p2 === 0x81 ? 'pin1' : c.p2 === 0x82 ? 'pin2' : null;
      if (!which || c.p1 !== 0) return SW(0x6a86);
      if (this.tries[which] === 0) return SW(0x6984);
      if (c.data.length === 0) return this.#verified.has(which) ? SW(0x9000) : SW(0x63c0 | this.tries[which]);
      const want = this.faults.has('no-pin') ? '****' : which === 'pin1' ? this.holder.pin1 : this.holder.pin2;
      if (new TextDecoder().decode(c.data) === want) {
        this.tries[which] = 3;
        this.#verified.add(which);
        return SW(0x9000);
      }
      this.tries[which]--;
      return SW(0x63c0 | this.tries[which]);
    }
    if (c.ins === 0xb0) {
      let fid = this.#ef;
      let offset = (c.p1 << 8) | c.p2;
      if (c.p1 & 0x80) {
        fid = c.p1 & 0x1f;
        offset = c.p2;
        if (this.#df === 'MF' && fid === 0x0a) fid = 0x000a;
      }
      if (fid === null) return SW(0x6986);
      const file = this.files[this.#df].get(fid);
      if (!file) return SW(0x6a82);
      if (!this.#access(this.#df, fid).every((p) => this.#verified.has(p))) return SW(0x6982);
      if (this.faults.has('pulled') && ++this.#reads >= 5) throw new LicencePulled('licence pulled');
      if (this.#df === 'DF1' && (fid === 0x0002 || fid === 0x0006)) this.domicileRead = true;
      if (offset >= file.length) return SW(0x6b00);
      const le = cmd.length === 5 ? (cmd[4] === 0 ? 256 : cmd[4]!) : 256;
      const chunk = file.subarray(offset, offset + le);
      return concat(chunk, SW(chunk.length < le ? 0x6282 : 0x9000));
    }
    return SW(0x6d00);
  }
}
