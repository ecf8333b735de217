// A virtual My Number card: the four APs by AID, their files, access rules, PIN counters with
// blocking, internal authentication and JPKI signing, answering C-APDUs as the card tables say
// (docs/card-and-mdoc-facts.md "Commands", "Applications", the AP sections, "PIN safety"). TEST ONLY.
//
// It is deliberately a card, not a mirror of our reader: it answers whatever it is sent (including
// SELECT of the My Number file when the right PIN was given), so the guard in our card layer is what
// keeps the My Number out, and tests can prove it by looking at this card's log.
import { type KeyObject } from 'node:crypto';
import { GEN1 } from '../../core/card/profile.ts';
import { toHex } from '../../core/card/profile.ts';
import { buildCardImage, chipSign, type ApFiles, type CardFault } from './card-files.ts';
import { checkNumberBOf, DEFAULT_HOLDER, type Holder } from './holder.ts';
import type { VirtualMynaLicenceAp } from '../licence/virtual-myna-licence-ap.ts';

type ApName = 'text' | 'face' | 'jpki' | 'common';

interface PinEf {
  secret: string;
  max: number;
  left: number;
  label: string;
}

interface ApState {
  aid: string;
  files: ApFiles;
  pins: Map<number, PinEf>;
  /** FID -> PIN EFs any of which opens it ([] = free). */
  access: Map<number, number[]>;
}

export interface VirtualCardOptions {
  holder?: Partial<Holder>;
  faults?: Iterable<CardFault>;
  /** card:pulled: the card leaves the field on this READ BINARY (1-based, counted over the session). */
  pullAtReadBinary?: number;
  /** The licence AP the police write to a マイナ免許証 (sim/licence/virtual-myna-licence-ap.ts). */
  licenceAp?: VirtualMynaLicenceAp;
}

export interface ApduLogEntry {
  ap: ApName | 'licence' | null;
  command: string;
  sw: string;
}

const SW = (sw: number) => Uint8Array.of(sw >> 8, sw & 0xff);
const ascii = (b: Uint8Array) => String.fromCharCode(...b);

export class CardPulled extends Error {}

export class VirtualMyNumberCard {
  readonly holder: Holder;
  readonly faults: ReadonlySet<CardFault>;
  readonly aps: Record<ApName, ApState>;
  readonly log: ApduLogEntry[] = [];
  /** Set if anything that reveals the My Number (EF 0001 text, EF 0005 face, 照合番号A) was ever answered or tried. */
  myNumberTouched = false;
  pulled = false;
  #current: ApName | null = null;
  #ef: number | null = null;
  #verified = new Set<number>();
  #reads = 0;
  readonly #pullAt: number | null;
  /** The licence AP, when this card is a マイナ免許証; commands go to it while it is selected. */
  readonly licenceAp: VirtualMynaLicenceAp | null;
  #inLicenceAp = false;

  constructor(opts: VirtualCardOptions = {}) {
    this.holder = { ...DEFAULT_HOLDER, ...opts.holder };
    this.faults = new Set(opts.faults ?? []);
    this.#pullAt = this.faults.has('pulled') ? (opts.pullAtReadBinary ?? 4) : null;
    this.licenceAp = opts.licenceAp ?? null;
    const img = buildCardImage(this.holder, this.faults);
    const b = checkNumberBOf(this.holder);
    const pinLeft = this.faults.has('blocked-pin') ? 0 : this.faults.has('one-try-left') ? 1 : GEN1.tries.pinTries;
    const bLeft = this.faults.has('blocked-pin')
      ? 0
      : this.faults.has('one-try-left')
        ? 1
        : GEN1.tries.checkNumberBTries;
    const t = GEN1.textAp.ef;
    const f = GEN1.cardFaceAp.ef;
    const pin = (secret: string, max: number, left: number, label: string): PinEf => ({ secret, max, left, label });
    this.aps = {
      text: {
        aid: toHex(GEN1.textAp.aid),
        files: img.textAp,
        pins: new Map([
          [t.pin, pin(this.holder.pin, GEN1.tries.pinTries, pinLeft, 'PIN')],
          [t.checkNumberA, pin(this.holder.myNumber, 10, 10, '照合番号A')],
          [t.checkNumberB, pin(b, GEN1.tries.checkNumberBTries, bLeft, '照合番号B')],
        ]),
        // docs/card-and-mdoc-facts.md "Text AP": 0011 PIN opens EF 0001 and 0002; 0015 照合番号B opens EF 0002 only; EF 0003 opens
        // with any of them; EF 0007 is protected like EF 0002 (observed).
        access: new Map([
          [0x0001, [t.pin, t.checkNumberA]],
          [0x0002, [t.pin, t.checkNumberA, t.checkNumberB]],
          [0x0003, [t.pin, t.checkNumberA, t.checkNumberB]],
          [0x0004, []],
          [0x0007, [t.pin, t.checkNumberA, t.checkNumberB]],
        ]),
      },
      face: {
        aid: toHex(GEN1.cardFaceAp.aid),
        files: img.cardFaceAp,
        pins: new Map([
          // The birth-date key is the 6-digit birth date in the same form as this card's 照合番号B
          // (era year on the cards seen so far: 1980-02-17 -> 550217).
          [f.birthDateKey, pin(b.slice(0, 6), GEN1.tries.birthDateKeyTries, bLeft, 'birth-date key')],
          [f.checkNumberB, pin(b, GEN1.tries.checkNumberBTries, bLeft, '照合番号B')],
          [f.checkNumberA, pin(this.holder.myNumber, 10, 10, '照合番号A')],
        ]),
        access: new Map([
          [0x0001, [f.birthDateKey]],
          [0x0002, [f.checkNumberB, f.checkNumberA]],
          [0x0004, []],
          [0x0005, [f.checkNumberA]],
        ]),
      },
      jpki: {
        aid: toHex(GEN1.jpkiAp.aid),
        files: img.jpkiAp,
        pins: new Map([
          [
            GEN1.jpkiAp.ef.authPin,
            pin(
              this.holder.jpkiAuthPin,
              GEN1.tries.jpkiAuthPinTries,
              this.faults.has('blocked-pin') ? 0 : this.faults.has('one-try-left') ? 1 : 3,
              'JPKI auth PIN',
            ),
          ],
        ]),
        access: new Map([
          [0x000a, []],
          [0x0006, []],
        ]),
      },
      common: { aid: toHex(GEN1.commonAp.aid), files: { files: new Map() }, pins: new Map(), access: new Map() },
    };
  }

  /** Tries left of a PIN EF (tests read the counter directly to prove it did not move). */
  triesLeft(ap: ApName, fid: number): number {
    return this.aps[ap].pins.get(fid)!.left;
  }

  /** Power off / reset: security status and selection are lost; counters persist (they live in EEPROM). */
  reset(): void {
    this.#current = null;
    this.#ef = null;
    this.#verified.clear();
    this.#inLicenceAp = false;
    this.licenceAp?.reset();
  }

  /** One C-APDU in, one R-APDU out. Throws CardPulled when the `pulled` fault fires. */
  process(cmd: Uint8Array): Uint8Array {
    const r = this.#process(cmd);
    this.log.push({
      ap: this.#inLicenceAp ? 'licence' : this.#current,
      command: Buffer.from(cmd).toString('hex'),
      sw: Buffer.from(r.subarray(r.length - 2)).toString('hex'),
    });
    return r;
  }

  #process(cmd: Uint8Array): Uint8Array {
    if (cmd.length < 4) return SW(0x6700);
    const [cla, ins, p1, p2] = cmd;
    // Short APDUs only: Lc = 00 would start an extended length (this card, like many readers, refuses).
    let data: Uint8Array = new Uint8Array(0);
    let le: number | null = null;
    if (cmd.length === 5) le = cmd[4] === 0 ? 256 : cmd[4]!;
    else if (cmd.length > 5) {
      const lc = cmd[4]!;
      if (lc === 0) return SW(0x6700);
      if (cmd.length !== 5 + lc && cmd.length !== 6 + lc) return SW(0x6700);
      data = cmd.subarray(5, 5 + lc);
      if (cmd.length === 6 + lc) le = cmd[5 + lc] === 0 ? 256 : cmd[5 + lc]!;
    }
    const ap = this.#current ? this.aps[this.#current] : null;

    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04 && this.licenceAp) {
      // Any SELECT of an AP leaves the licence AP (and its security state); its own AID enters it.
      this.licenceAp.select();
      this.#inLicenceAp = toHex(data).toLowerCase() === this.licenceAp.aidHex;
      if (this.#inLicenceAp) {
        this.#current = null;
        this.#ef = null;
        this.#verified.clear();
        return SW(0x9000);
      }
    }
    if (this.#inLicenceAp && this.licenceAp) return this.licenceAp.process(cmd);
    if (cla === 0x00 && ins === 0xa4) {
      if (p1 === 0x04) {
        const aid = toHex(data);
        const hit = (Object.keys(this.aps) as ApName[]).find((k) => this.aps[k].aid === aid);
        if (!hit) return SW(0x6a82);
        this.#current = hit;
        this.#ef = null;
        this.#verified.clear();
        return SW(0x9000);
      }
      if (p1 === 0x02) {
        if (!ap || data.length !== 2) return SW(0x6a82);
        const fid = (data[0]! << 8) | data[1]!;
        if (
          !ap.files.files.has(fid) &&
          !ap.pins.has(fid) &&
          !(this.#current === 'jpki' && fid === GEN1.jpkiAp.ef.authKey)
        )
          return SW(0x6a82);
        this.#ef = fid;
        return SW(0x9000);
      }
      return SW(0x6a86);
    }
    if (cla === 0x00 && ins === 0x20) {
      if (!ap || this.#ef === null || p2 !== 0x80) return SW(0x6a86);
      const pin = ap.pins.get(this.#ef);
      if (!pin) return SW(0x6981);
      if (pin.label === '照合番号A') this.myNumberTouched = true;
      if (data.length === 0) {
        if (pin.left === 0) return SW(0x6984);
        if (this.#verified.has(this.#ef)) return SW(0x9000);
        return SW(0x63c0 | pin.left);
      }
      if (pin.left === 0) return SW(0x6984);
      if (ascii(data) === pin.secret) {
        pin.left = pin.max;
        this.#verified.add(this.#ef);
        return SW(0x9000);
      }
      pin.left--;
      return SW(0x63c0 | pin.left);
    }
    if (cla === 0x00 && ins === 0xb0) {
      if (!ap || this.#ef === null || p1 & 0x80) return SW(0x6986);
      const file = ap.files.files.get(this.#ef);
      if (!file) return SW(0x6981);
      const needs = ap.access.get(this.#ef) ?? [];
      if (needs.length && !needs.some((k) => this.#verified.has(k))) return SW(0x6982);
      this.#reads++;
      if (this.#pullAt !== null && this.#reads >= this.#pullAt) {
        this.pulled = true;
        throw new CardPulled('card:pulled fault: the card left the field mid-read');
      }
      if ((this.#current === 'text' && this.#ef === 0x0001) || (this.#current === 'face' && this.#ef === 0x0005))
        this.myNumberTouched = true;
      const offset = (p1! << 8) | p2!;
      if (offset >= file.length) return SW(0x6b00);
      const want = le ?? 256;
      const chunk = file.subarray(offset, offset + want);
      return Uint8Array.from([...chunk, ...(chunk.length < want ? [0x62, 0x82] : [0x90, 0x00])]);
    }
    if (cla === 0x80 && ins === 0x2a) {
      if (!ap || data.length !== 51) return SW(0x6a80);
      let key: KeyObject | undefined;
      if (p2 === 0x00 && (this.#current === 'text' || this.#current === 'face')) key = ap.files.authKey;
      else if (p2 === 0x80 && this.#current === 'jpki') {
        if (this.#ef !== GEN1.jpkiAp.ef.authKey) return SW(0x6985);
        if (!this.#verified.has(GEN1.jpkiAp.ef.authPin)) return SW(0x6982);
        key = ap.files.authKey;
      }
      if (!key) return SW(0x6a86);
      return Uint8Array.from([...chipSign(key, data), 0x90, 0x00]);
    }
    return SW(0x6d00);
  }
}
