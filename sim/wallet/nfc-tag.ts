// TEST ONLY: the virtual wallet presented as an ISO 14443-4 card on a vpcd reader slot, the way a
// phone sits on a PC/SC contactless reader. Written from the spec facts (NFC Forum Type 4 Tag,
// TNEP 1.0, ISO 18013-5 §8.2.2.1 and §8.3.3.1.2; docs/card-and-mdoc-facts.md "Engagement"), not from the
// reader's code paths: it keeps its own file system, APDU decoding and DO'53' handling.
//   - NDEF tag application D2760000850101: CC file E103, NDEF file E104;
//     static handover: the NDEF file holds the Handover Select;
//     negotiated handover (Apple-like): the NDEF file holds a TNEP Service Parameter (WT 0x14,
//     N_wait 15); the reader writes Service Select -> Status 0x00; the reader writes its Handover
//     Request -> the tag answers NLEN = 0 for `emptyPolls` reads, then the Handover Select (BLE OOB
//     with LE role 0x01 only and NO UUID when the profile says so). With selection 'intersect' the
//     Hs carries only carriers (and BLE modes) the Hr offered, possibly none; with 'own' (Apple-like)
//     it carries the wallet's own carriers whatever was offered (CH 1.5 §7: the selector chooses).
//   - mdoc NFC data retrieval A0000002480400: ENVELOPE (chained with CLA 0x10) carrying DO'53',
//     answered in chunks of at most Le with 61xx / GET RESPONSE.
//   - Faults: 'malformed-ndef' (the Handover Select's first record claims more payload than
//     exists), 'walk-away-engagement' (the phone leaves while the reader reads the Hs),
//     'walk-away-retrieval' (leaves during the response), 'tnep-never-ready' (NLEN stays 0).
// The session logic is the pluggable `holder` (sim/wallet/holder.ts VirtualWallet fits).
//
// Entry point (tests, read-mdoc --simulate):
//   const tag = await VirtualNfcTag.present({ port, holder: wallet, handover: 'negotiated',
//     ble: { modes: ['central-client'], uuidInHandoverSelect: false } });
//   ... reader runs ...; tag.remove(); tag.apdus; tag.log
import { buildHandoverSelect, type SelectCarrier } from '../../core/mdoc/engagement/handover-select.ts';
import { parseHandoverRequest } from '../../core/mdoc/engagement/handover-request.ts';
import { buildNdefMessage, parseNdefMessage, typeIs, TNF } from '../../core/mdoc/engagement/ndef.ts';
import { buildServiceParameter, buildStatus, HANDOVER_SERVICE } from '../../core/mdoc/engagement/tnep.ts';
import { VpcdCard } from './vpcd.ts';
import { errorText } from '../../core/errors.ts';

/** The holder side the tag needs (VirtualWallet implements it). */
export interface NfcTagHolder {
  newTransaction(): { deviceEngagement: Uint8Array; bleUuid: string };
  /** When the caller already started the transaction, the tag uses it instead of a new one. */
  readonly currentEngagement?: { deviceEngagement: Uint8Array; bleUuid: string } | null;
  /** VirtualWallet's profile and misbehaviour, used for defaults when options leave them out. */
  readonly profile?: {
    nfcHandover: 'negotiated' | 'static';
    uuidInHandoverSelect: boolean;
    nfcDataRetrieval: boolean;
    handoverSelection?: 'intersect' | 'own';
  };
  readonly bleModes?: ('central-client' | 'peripheral-server')[];
  readonly misbehaviour?: string;
  /** The exact Handover Select (and Request) bytes of this transaction, for the SessionTranscript. */
  setHandover(h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array } | null): void;
  /** A whole session message in, the reply out (null: nothing to say, session over). */
  handleMessage(bytes: Uint8Array): Uint8Array | null | Promise<Uint8Array | null>;
}

export type NfcTagFault =
  'none' | 'malformed-ndef' | 'walk-away-engagement' | 'walk-away-retrieval' | 'tnep-never-ready';

export interface WalletNfcTagOptions {
  /** Default: the holder profile's nfcHandover, else static. */
  handover?: 'static' | 'negotiated';
  /** BLE offered in the Hs: modes and whether the UUID is written (Apple: central client, no UUID). */
  ble?: { modes: ('central-client' | 'peripheral-server')[]; uuidInHandoverSelect: boolean } | null;
  /** Offer NFC data retrieval (adds the NFC carrier and answers the mdoc AID). */
  nfcDataRetrieval?: boolean;
  /** Negotiated handover: choose among the Hr's carriers ('intersect') or answer with its own ('own'). */
  selection?: 'intersect' | 'own';
  /** TNEP parameters (Apple: WT 0x14, N_wait 15) and how many NLEN = 0 reads before the Hs. */
  tnep?: { wt?: number; nWait?: number; emptyPolls?: number };
  /** The phone's APDU limits: MLe/MLc in the CC, max response chunk for data retrieval. */
  maxResponseData?: number;
  maxCommandData?: number;
  fault?: NfcTagFault;
  /** Use this DE instead of asking the holder for a new transaction. */
  engagement?: { deviceEngagement: Uint8Array; bleUuid: string };
}

export interface VirtualNfcTagOptions extends WalletNfcTagOptions {
  port: number;
  holder: NfcTagHolder;
}

/** Thrown by WalletNfcTag.process when the phone leaves (an in-memory channel sees it as tag lost). */
export class TagGone extends Error {
  readonly code = 'nfc_tag_lost';
}

/** The phone as a vpcd card: WalletNfcTag's APDU logic behind pcscd. */
export class VirtualNfcTag {
  private card!: VpcdCard;
  private constructor(readonly tag: WalletNfcTag) {}

  /** Put the phone on the reader. */
  static async present(o: VirtualNfcTagOptions): Promise<VirtualNfcTag> {
    const t = new VirtualNfcTag(new WalletNfcTag(o.holder, o));
    t.card = await VpcdCard.connect({
      port: o.port,
      onApdu: async (a) => {
        try {
          return await t.tag.process(a);
        } catch (e) {
          if (e instanceof TagGone) return null;
          throw e;
        }
      },
    });
    return t;
  }

  get apdus(): number {
    return this.tag.apdus;
  }

  get log(): string[] {
    return this.tag.log;
  }

  /** Take the phone away. */
  remove(): void {
    this.card.close();
  }

  get closed(): Promise<void> {
    return this.card.closed;
  }
}

const NDEF_AID = '07d2760000850101';
const MDOC_AID = '07a0000002480400';
const SW = {
  OK: [0x90, 0x00],
  NOT_FOUND: [0x6a, 0x82],
  NOT_ALLOWED: [0x69, 0x86],
  WRONG_P: [0x6b, 0x00],
  WRONG_LEN: [0x67, 0x00],
  INS: [0x6d, 0x00],
  CLA: [0x6e, 0x00],
} as const;
const MAX_NDEF = 0x0800;
const NDEF_FID = 0xe104;

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * The tag's APDU logic. `new WalletNfcTag(wallet)` takes everything from a VirtualWallet's profile;
 * `process(apdu)` answers one C-APDU (throws TagGone when the phone walks away).
 */
export class WalletNfcTag {
  apdus = 0;
  readonly log: string[] = [];
  private app: 'none' | 'ndef' | 'mdoc' = 'none';
  private file: 'none' | 'cc' | 'ndef' = 'none';
  private ndef = new Uint8Array(MAX_NDEF);
  private pending: { reads: number; message: Uint8Array } | null = null;
  private hsServed = false;
  private inbound: number[] = [];
  private outbound: Uint8Array = new Uint8Array(0);
  private readonly o: Required<Omit<WalletNfcTagOptions, 'engagement' | 'ble'>> & {
    ble: WalletNfcTagOptions['ble'];
    holder: NfcTagHolder;
  };
  private de!: { deviceEngagement: Uint8Array; bleUuid: string };

  constructor(holder: NfcTagHolder, o: WalletNfcTagOptions = {}) {
    const prof = holder.profile;
    const mis = holder.misbehaviour;
    const fault: NfcTagFault =
      o.fault ?? (mis === 'malformed-ndef' ? 'malformed-ndef' : mis === 'walk-away' ? 'walk-away-retrieval' : 'none');
    this.o = {
      holder,
      handover: o.handover ?? prof?.nfcHandover ?? 'static',
      ble:
        o.ble === undefined
          ? {
              modes: holder.bleModes ?? ['central-client', 'peripheral-server'],
              uuidInHandoverSelect: prof?.uuidInHandoverSelect ?? true,
            }
          : o.ble,
      nfcDataRetrieval: o.nfcDataRetrieval ?? prof?.nfcDataRetrieval ?? false,
      selection: o.selection ?? prof?.handoverSelection ?? 'intersect',
      tnep: { wt: 0x14, nWait: 15, emptyPolls: 3, ...o.tnep },
      maxResponseData: o.maxResponseData ?? 256,
      maxCommandData: o.maxCommandData ?? 255,
      fault,
    };
    this.de = o.engagement ?? holder.currentEngagement ?? holder.newTransaction();
    if (this.o.handover === 'static') this.setFile(this.handoverSelect(null));
    else
      this.setFile(
        buildNdefMessage([
          buildServiceParameter({
            communicationMode: 0,
            wt: this.o.tnep.wt!,
            nWait: this.o.tnep.nWait!,
            maxNdefSize: MAX_NDEF,
          }),
        ]),
      );
  }

  /** What the reader offered in its Hr: BLE modes (as the wallet would run them) and NFC. */
  private offered(hr: Uint8Array): { ble: { centralClient: boolean; peripheralServer: boolean } | null; nfc: boolean } {
    let parsed;
    try {
      parsed = parseHandoverRequest(hr);
    } catch {
      this.log.push('reader wrote a malformed Handover Request');
      return { ble: null, nfc: false };
    }
    const ble = parsed.carriers.find((c) => c.kind === 'ble');
    const offer = {
      ble:
        ble && ble.kind === 'ble'
          ? { centralClient: ble.centralClientMode, peripheralServer: ble.peripheralServerMode }
          : null,
      nfc: parsed.carriers.some((c) => c.kind === 'nfc'),
    };
    this.log.push(
      `hr offers ${[offer.ble ? 'ble' : '', offer.nfc ? 'nfc' : ''].filter(Boolean).join('+') || 'nothing'}`,
    );
    return offer;
  }

  private handoverSelect(hr: Uint8Array | null): Uint8Array {
    const carriers: SelectCarrier[] = [];
    const offer = hr && this.o.selection === 'intersect' ? this.offered(hr) : null;
    if (this.o.ble) {
      const c: SelectCarrier = {
        kind: 'ble',
        centralClientMode: this.o.ble.modes.includes('central-client') && (!offer || !!offer.ble?.centralClient),
        peripheralServerMode:
          this.o.ble.modes.includes('peripheral-server') && (!offer || !!offer.ble?.peripheralServer),
      };
      if (this.o.ble.uuidInHandoverSelect) c.uuid = this.de.bleUuid;
      if (c.centralClientMode || c.peripheralServerMode) carriers.push(c);
    }
    if (this.o.nfcDataRetrieval && (!offer || offer.nfc))
      carriers.push({
        kind: 'nfc',
        maxCommandDataLength: this.o.maxCommandData,
        maxResponseDataLength: this.o.maxResponseData,
      });
    if (hr) this.log.push(`hs selects ${carriers.map((c) => c.kind).join('+') || 'nothing'}`);
    const hs = buildHandoverSelect(this.de.deviceEngagement, carriers);
    this.o.holder.setHandover(hr ? { handoverSelect: hs, handoverRequest: hr } : { handoverSelect: hs });
    if (this.o.fault === 'malformed-ndef') {
      // Same bytes the holder took part in, but the first record now claims 0xF0 payload bytes.
      const broken = hs.slice();
      broken[2] = 0xf0;
      return broken;
    }
    return hs;
  }

  private setFile(message: Uint8Array): void {
    this.ndef.fill(0);
    this.ndef[0] = message.length >> 8;
    this.ndef[1] = message.length & 0xff;
    this.ndef.set(message, 2);
  }

  /** One C-APDU in, the R-APDU out; TagGone when the phone walks away (fault). */
  async process(a: Uint8Array): Promise<Uint8Array> {
    this.apdus++;
    let r: Uint8Array | null;
    try {
      r = await this.dispatch(a);
    } catch (e) {
      this.log.push(`error ${errorText(e)}`);
      return Uint8Array.from(SW.NOT_ALLOWED);
    }
    if (r === null) throw new TagGone('the phone left the reader');
    return r;
  }

  private async dispatch(a: Uint8Array): Promise<Uint8Array | null> {
    if (a.length < 4) return Uint8Array.from(SW.WRONG_LEN);
    const [cla, ins, p1, p2] = [a[0]!, a[1]!, a[2]!, a[3]!];
    const body = a.subarray(4);
    if (cla !== 0x00 && !(cla === 0x10 && ins === 0xc3)) return Uint8Array.from(SW.CLA);
    switch (ins) {
      case 0xa4:
        return this.select(p1, p2, body);
      case 0xb0:
        return this.readBinary((p1 << 8) | p2, body);
      case 0xd6:
        return this.updateBinary((p1 << 8) | p2, body);
      case 0xc3:
        return this.envelope(cla, body);
      case 0xc0:
        return this.getResponse(body);
      default:
        return Uint8Array.from(SW.INS);
    }
  }

  private select(p1: number, p2: number, body: Uint8Array): Uint8Array {
    if (body.length < 1 || body.length < 1 + body[0]!) return Uint8Array.from(SW.WRONG_LEN);
    const data = body.subarray(0, 1 + body[0]!);
    if (p1 === 0x04) {
      const aid = hexOf(data);
      if (aid === NDEF_AID) {
        this.app = 'ndef';
        this.file = 'none';
        this.log.push('select ndef');
        return Uint8Array.from(SW.OK);
      }
      if (aid === MDOC_AID && this.o.nfcDataRetrieval) {
        this.app = 'mdoc';
        this.inbound = [];
        this.log.push('select mdoc');
        return Uint8Array.from(SW.OK);
      }
      return Uint8Array.from(SW.NOT_FOUND);
    }
    if (p1 === 0x00 && p2 === 0x0c && this.app === 'ndef' && data[0] === 2) {
      const fid = (data[1]! << 8) | data[2]!;
      if (fid === 0xe103) this.file = 'cc';
      else if (fid === NDEF_FID) this.file = 'ndef';
      else return Uint8Array.from(SW.NOT_FOUND);
      return Uint8Array.from(SW.OK);
    }
    return Uint8Array.from(SW.WRONG_P);
  }

  private cc(): Uint8Array {
    const mle = Math.min(this.o.maxResponseData, 0xff);
    const mlc = Math.min(this.o.maxCommandData, 0xff);
    const writable = this.o.handover === 'negotiated' ? 0x00 : 0xff;
    return Uint8Array.of(
      0x00,
      0x0f,
      0x20,
      0,
      mle,
      0,
      mlc,
      0x04,
      0x06,
      NDEF_FID >> 8,
      NDEF_FID & 0xff,
      MAX_NDEF >> 8,
      MAX_NDEF & 0xff,
      0x00,
      writable,
    );
  }

  private readBinary(offset: number, body: Uint8Array): Uint8Array | null {
    if (this.app !== 'ndef' || this.file === 'none') return Uint8Array.from(SW.NOT_ALLOWED);
    let le = body.length === 1 ? body[0]! : 256;
    if (le === 0) le = 256;
    if (this.file === 'cc') {
      const cc = this.cc();
      if (offset >= cc.length) return Uint8Array.from(SW.WRONG_P);
      return Uint8Array.of(...cc.subarray(offset, Math.min(cc.length, offset + le)), ...SW.OK);
    }
    if (offset === 0 && this.pending) {
      // TNEP: the answer is not ready: NLEN reads 0 until the countdown runs out.
      if (this.pending.reads > 0 || this.o.fault === 'tnep-never-ready') {
        this.pending.reads--;
        this.log.push('nlen 0');
        return Uint8Array.of(0, 0, ...SW.OK);
      }
      this.setFile(this.pending.message);
      this.pending = null;
    }
    const size = 2 + ((this.ndef[0]! << 8) | this.ndef[1]!);
    if (offset > size) return Uint8Array.from(SW.WRONG_P);
    if (offset >= 2 && this.o.fault === 'walk-away-engagement' && this.isHsInFile()) {
      this.log.push('walk away (engagement)');
      return null;
    }
    return Uint8Array.of(...this.ndef.subarray(offset, Math.min(size, offset + le)), ...SW.OK);
  }

  private isHsInFile(): boolean {
    return this.ndef[3] === 0x02 && this.ndef[5] === 0x48 && this.ndef[6] === 0x73; // record type "Hs"
  }

  private updateBinary(offset: number, body: Uint8Array): Uint8Array {
    if (this.app !== 'ndef' || this.file !== 'ndef' || this.o.handover !== 'negotiated')
      return Uint8Array.from(SW.NOT_ALLOWED);
    if (body.length < 1 || body.length !== 1 + body[0]!) return Uint8Array.from(SW.WRONG_LEN);
    const data = body.subarray(1);
    if (offset + data.length > MAX_NDEF) return Uint8Array.from(SW.WRONG_P);
    this.pending = null;
    this.ndef.set(data, offset);
    const nlen = (this.ndef[0]! << 8) | this.ndef[1]!;
    if (offset === 0 && data.length >= 2 && nlen > 0) this.onMessageWritten(this.ndef.slice(2, 2 + nlen));
    return Uint8Array.from(SW.OK);
  }

  /** A complete NDEF message from the reader (TNEP single response mode). */
  private onMessageWritten(m: Uint8Array): void {
    let records;
    try {
      records = parseNdefMessage(m);
    } catch {
      this.log.push('reader wrote malformed NDEF');
      this.respond(buildNdefMessage([buildStatus(0x01)]), 0);
      return;
    }
    const first = records[0]!;
    if (typeIs(first, TNF.WELL_KNOWN, 'Ts')) {
      const uri = new TextDecoder().decode(first.payload.subarray(1, 1 + first.payload[0]!));
      this.log.push(`service select ${uri}`);
      this.respond(buildNdefMessage([buildStatus(uri === HANDOVER_SERVICE ? 0x00 : 0x01)]), 0);
    } else if (typeIs(first, TNF.WELL_KNOWN, 'Hr')) {
      this.log.push('handover request');
      this.respond(this.handoverSelect(m), this.o.tnep.emptyPolls!);
    } else {
      this.log.push('unexpected message');
      this.respond(buildNdefMessage([buildStatus(0x01)]), 0);
    }
  }

  private respond(message: Uint8Array, emptyReads: number): void {
    this.ndef[0] = 0;
    this.ndef[1] = 0;
    this.pending = { reads: emptyReads, message };
  }

  // ---- mdoc NFC data retrieval (ISO 18013-5 §8.3.3.1.2)

  private async envelope(cla: number, body: Uint8Array): Promise<Uint8Array | null> {
    if (this.app !== 'mdoc') return Uint8Array.from(SW.NOT_ALLOWED);
    if (body.length < 1) return Uint8Array.from(SW.WRONG_LEN);
    const lc = body[0]!;
    if (body.length < 1 + lc || body.length > 2 + lc) return Uint8Array.from(SW.WRONG_LEN);
    if (lc > this.o.maxCommandData) return Uint8Array.from(SW.WRONG_LEN);
    for (const x of body.subarray(1, 1 + lc)) this.inbound.push(x);
    if (this.inbound.length > 1 << 20) {
      this.inbound = [];
      return Uint8Array.from(SW.WRONG_LEN);
    }
    if (cla === 0x10) return Uint8Array.from(SW.OK);
    const le = body.length === 2 + lc ? body[1 + lc]! || 256 : 256;
    const msg = unwrap53(Uint8Array.from(this.inbound));
    this.inbound = [];
    if (!msg) return Uint8Array.from(SW.WRONG_P);
    const reply = await this.o.holder.handleMessage(msg);
    this.outbound = reply ? wrap53(reply) : new Uint8Array(0);
    return this.nextChunk(le);
  }

  private getResponse(body: Uint8Array): Uint8Array | null {
    if (this.app !== 'mdoc') return Uint8Array.from(SW.NOT_ALLOWED);
    if (this.o.fault === 'walk-away-retrieval') {
      this.log.push('walk away (retrieval)');
      return null;
    }
    const le = body.length === 1 ? body[0]! || 256 : 256;
    return this.nextChunk(le);
  }

  private nextChunk(le: number): Uint8Array {
    const n = Math.min(le, this.o.maxResponseData, this.outbound.length);
    const chunk = this.outbound.subarray(0, n);
    this.outbound = this.outbound.subarray(n);
    const left = this.outbound.length;
    const sw = left === 0 ? SW.OK : [0x61, left > 0xff ? 0x00 : left];
    return Uint8Array.of(...chunk, ...sw);
  }
}

function wrap53(m: Uint8Array): Uint8Array {
  const n = m.length;
  const head =
    n < 0x80
      ? [0x53, n]
      : n < 0x100
        ? [0x53, 0x81, n]
        : n < 0x10000
          ? [0x53, 0x82, n >> 8, n & 0xff]
          : [0x53, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(m, head.length);
  return out;
}

function unwrap53(b: Uint8Array): Uint8Array | null {
  if (b.length < 2 || b[0] !== 0x53) return null;
  let n = b[1]!;
  let p = 2;
  if (n & 0x80) {
    const k = n & 0x7f;
    if (k < 1 || k > 3 || b.length < 2 + k) return null;
    n = 0;
    for (let i = 0; i < k; i++) n = n * 256 + b[2 + i]!;
    p += k;
  }
  return p + n === b.length ? b.slice(p) : null;
}
