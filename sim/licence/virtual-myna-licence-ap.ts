// The licence AP (免許AP) of a virtual マイナ免許証, added to the virtual My Number Card
// (sim/card/virtual-card.ts option `licenceAp`), written from the published facts only:
//   - selected by its instance AID A0 00 00 02 31 06 00…00 (16 bytes); the AIDs …04… and …05… are
//     not selectable (6A82), as on a real card;
//   - WEF01 (EF 001A, SFI 1A) = C1 01 01 (PIN set) or C1 01 00 (not set), free to read;
//   - the PIN behind VERIFY P2 86 (IEF 0006 by SFI); VERIFY without data answers 63Cx; a fresh
//     counter is 10 (a real card answered 63 CA); P2 82 (the annex's SFI 2 sample) answers 6A82;
//   - WEF02 (EF 001B) = TLV objects with C5 = 有効期限 (7 characters, era + YYMMDD), readable once the
//     PIN is verified; WEF03 (EF 001C) holds signature / issuer data of unpublished layout.
// What is NOT published, and is the simulator's own choice (the reader must not rely on it):
//   - the tags of WEF02 other than C5: this card carries placeholder objects (C2 12 digits, C3, an
//     empty C6, and a 2-byte tag 5F40 with an 82 long-form length holding a JPEG 2000 codestream),
//     so the reader's "present, not decoded" path and both header forms are exercised;
//   - FF filler after the last object (variant `no-filler`: the file ends at the last object);
//   - `no-pin` cards accept `****` (the conventional licence's rule); blocked answers 6984;
//   - WEF03's bytes (placeholder); security state is cleared by a reset or a SELECT of any AP.
// TEST ONLY.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../main/project-root.ts';
import { concat, toHex } from '../../core/bytes.ts';
import { tryCommandShape } from '../../core/document/channel.ts';
import { encodeCardTlv } from '../../core/document/card-tlv.ts';
import { MYNA_LICENCE_AP_AID } from '../../core/document/identify.ts';
import { CardPulled } from '../card/virtual-card.ts';

export const MYNA_LICENCE_FAULTS = [
  'no-pin',
  'blocked',
  'one-try-left',
  'two-tries-left',
  'expired',
  'pulled',
  'no-filler',
  'bad-pin-setting',
  'no-counter',
] as const;
export type MynaLicenceFault = (typeof MYNA_LICENCE_FAULTS)[number];

export interface MynaLicenceHolder {
  /** The licence AP's PIN (4 digits; how it is set on real cards is unpublished). */
  pin: string;
  /** 有効期限, era form EYYMMDD (5 = 令和). */
  expiry: string;
}

/** 令和11年5月1日 = 2029-05-01. The PIN differs from the virtual card's My Number PIN (1234) on purpose. */
export const DEFAULT_MYNA_LICENCE_HOLDER: MynaLicenceHolder = { pin: '2580', expiry: '5110501' };

export const MAX_TRIES = 10;

const SW = (sw: number) => Uint8Array.of(sw >> 8, sw & 0xff);
const ascii = (s: string) => new TextEncoder().encode(s);
const FILE_SIZE = 2560;

export class VirtualMynaLicenceAp {
  readonly aidHex = toHex(MYNA_LICENCE_AP_AID);
  readonly holder: MynaLicenceHolder;
  readonly faults: ReadonlySet<MynaLicenceFault>;
  readonly files: Map<number, Uint8Array>;
  tries: number;
  /** Every FID a READ BINARY returned bytes of (tests: WEF03 is never read). */
  readonly filesRead = new Set<number>();
  /** Bytes of WEF02 returned to the reader (tests: the undecoded objects never leave the card). */
  wef02BytesOut = 0;
  #verified = false;
  #ef: number | null = null;
  #wef02Reads = 0;

  constructor(o: { holder?: Partial<MynaLicenceHolder>; faults?: Iterable<MynaLicenceFault> } = {}) {
    this.holder = { ...DEFAULT_MYNA_LICENCE_HOLDER, ...o.holder };
    this.faults = new Set(o.faults ?? []);
    if (this.faults.has('expired')) this.holder.expiry = '5070101'; // 令和7年1月1日 = 2025-01-01
    this.tries = this.faults.has('blocked')
      ? 0
      : this.faults.has('one-try-left')
        ? 1
        : this.faults.has('two-tries-left')
          ? 2
          : MAX_TRIES;
    const t = encodeCardTlv;
    const photo = new Uint8Array(readFileSync(join(ROOT, 'sim', 'licence', 'fixtures', 'face.j2k')));
    const objects = concat(
      t(0xc2, ascii('123456789012')),
      t(0xc3, ascii('0101')),
      t(0xc5, ascii(this.holder.expiry)),
      t(0xc6, new Uint8Array(0)),
      t(0x5f40, photo),
    );
    let wef02 = objects;
    if (!this.faults.has('no-filler')) {
      wef02 = new Uint8Array(FILE_SIZE).fill(0xff);
      wef02.set(objects);
    }
    this.files = new Map([
      [
        0x001a,
        Uint8Array.of(0xc1, 0x01, this.faults.has('bad-pin-setting') ? 0x02 : this.faults.has('no-pin') ? 0x00 : 0x01),
      ],
      [0x001b, wef02],
      [0x001c, concat(t(0xb1, new Uint8Array(256).fill(0x5a)), t(0xb4, ascii('PLACEHOLDER ISSUER')))],
    ]);
  }

  /** The AP was selected (or another AP was): its security state is gone. */
  select(): void {
    this.#verified = false;
    this.#ef = null;
  }

  reset(): void {
    this.select();
  }

  process(cmd: Uint8Array): Uint8Array {
    const c = tryCommandShape(cmd);
    if (!c || c.extended) return SW(0x6700);
    if (c.cla !== 0x00) return SW(0x6e00);
    if (c.ins === 0xa4) {
      if (c.p1 !== 0x02 || c.data.length !== 2) return SW(0x6a86);
      const fid = (c.data[0]! << 8) | c.data[1]!;
      if (!this.files.has(fid)) return SW(0x6a82);
      this.#ef = fid;
      return SW(0x9000);
    }
    if (c.ins === 0x20) {
      if (c.p1 !== 0x00) return SW(0x6a86);
      if (c.p2 === 0x82) return SW(0x6a82); // the annex's SFI 2 sample: no such IEF
      if (c.p2 !== 0x86) return SW(0x6a86);
      if (c.data.length === 0 && this.faults.has('no-counter')) return SW(0x6a88);
      if (this.tries === 0) return SW(0x6984);
      if (c.data.length === 0) return this.#verified ? SW(0x9000) : SW(0x63c0 | this.tries);
      const want = this.faults.has('no-pin') ? '****' : this.holder.pin;
      if (new TextDecoder().decode(c.data) === want) {
        this.tries = MAX_TRIES;
        this.#verified = true;
        return SW(0x9000);
      }
      this.tries--;
      return SW(0x63c0 | this.tries);
    }
    if (c.ins === 0xb0) {
      if (c.data.length) return SW(0x6700);
      let fid = this.#ef;
      let offset = (c.p1 << 8) | c.p2;
      if (c.p1 & 0x80) {
        fid = 0x0000 | (c.p1 & 0x1f);
        offset = c.p2;
        if (!this.files.has(fid)) return SW(0x6a82);
        this.#ef = fid;
      }
      if (fid === null) return SW(0x6986);
      const file = this.files.get(fid)!;
      if (fid !== 0x001a && !this.#verified) return SW(0x6982);
      if (fid === 0x001b && this.faults.has('pulled') && ++this.#wef02Reads >= 4)
        throw new CardPulled('マイナ免許証 pulled mid-read');
      if (offset >= file.length) return SW(0x6b00);
      const le = cmd.length === 5 ? (cmd[4] === 0 ? 256 : cmd[4]!) : 256;
      const chunk = file.subarray(offset, offset + le);
      this.filesRead.add(fid);
      if (fid === 0x001b) this.wef02BytesOut += chunk.length;
      return concat(chunk, SW(chunk.length < le ? 0x6282 : 0x9000));
    }
    return SW(0x6d00);
  }
}
