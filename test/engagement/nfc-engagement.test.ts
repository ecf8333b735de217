// The reader's NFC engagement state machines over in-memory APDU channels (no pcscd needed):
// a replay of Apple Wallet's real answers, the virtual wallet tag, and tags that answer wrongly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApduChannelError,
  CountingChannel,
  engageOverNfc,
  EngagementError,
  fromHex,
  handoverValue,
  hex,
  parseHandoverRequest,
  type ApduChannel,
  type NfcEngagementOptions,
} from '../../core/mdoc/engagement/index.ts';
import { WalletNfcTag, type NfcTagHolder } from '../../sim/wallet/nfc-tag.ts';
import { appleHandover } from '../support/reference-files.ts';

const nfc = appleHandover();
const KIOSK_UUID = '6f1b8d2e-4c3a-4e5f-9a0b-1c2d3e4f5a6b';
const code = (c: string) => (e: unknown) => e instanceof EngagementError && e.code === c;

function opts(sleeps: number[] = [], o: Partial<NfcEngagementOptions> = {}): NfcEngagementOptions {
  return {
    proposal: { ble: { centralClientMode: true, peripheralServerMode: false, uuid: KIOSK_UUID } },
    random16: 0x4242,
    sleep: async (ms) => void sleeps.push(ms),
    ...o,
  };
}

/**
 * Apple Wallet as logged (nfc-handover.json): CC, initial TNEP NDEF, Status after Service Select,
 * NLEN = 0 several times after the Hr, then the 194-byte Hs. Only READ BINARY answers are scripted;
 * SELECT and UPDATE BINARY get 9000.
 */
class AppleReplay implements ApduChannel {
  written: number[] = [];
  nlenZeros = 0;
  private file: 'cc' | 'ndef' | null = null;
  private stage: 'initial' | 'status' | 'hs' = 'initial';
  private zerosLeft = 0;
  lastWrite: Uint8Array = new Uint8Array(0);
  private buf = new Uint8Array(4096);
  constructor(private readonly emptyPolls: number) {}
  async transmit(a: Uint8Array): Promise<Uint8Array> {
    const ok = (d: Uint8Array = new Uint8Array(0)) => Uint8Array.of(...d, 0x90, 0x00);
    if (a[1] === 0xa4 && a[2] === 0x00) this.file = a[6] === 0x03 ? 'cc' : 'ndef';
    if (a[1] === 0xa4) return ok();
    const off = (a[2]! << 8) | a[3]!;
    if (a[1] === 0xd6) {
      const data = a.subarray(5, 5 + a[4]!);
      this.buf.set(data, off);
      const nlen = (this.buf[0]! << 8) | this.buf[1]!;
      if (off === 0 && nlen > 0) {
        this.lastWrite = this.buf.slice(2, 2 + nlen);
        this.stage = this.stage === 'initial' ? 'status' : 'hs';
        this.zerosLeft = this.stage === 'hs' ? this.emptyPolls : 0;
      }
      return ok();
    }
    if (a[1] === 0xb0) {
      const le = a[4]!;
      if (this.file === 'cc') return ok(fromHex(nfc.apple_wallet_cc_file).subarray(off, off + le));
      let file: Uint8Array;
      if (this.stage === 'initial') file = fromHex(nfc.apple_wallet_initial_ndef_with_nlen);
      else {
        if (off === 0 && this.zerosLeft > 0) {
          this.zerosLeft--;
          this.nlenZeros++;
          return ok(Uint8Array.of(0, 0));
        }
        const m = fromHex(
          this.stage === 'status'
            ? nfc.apple_wallet_tnep_status_after_service_select
            : nfc.apple_wallet_handover_select,
        );
        file = Uint8Array.of(m.length >> 8, m.length & 0xff, ...m);
      }
      return ok(file.subarray(off, off + le));
    }
    return Uint8Array.of(0x6d, 0x00);
  }
}

test("replay of Apple Wallet's negotiated handover: Hs bytes exactly Apple's, Handover = [AppleHs, our Hr], UUID = ours", async () => {
  const tag = new AppleReplay(5);
  const ch = new CountingChannel(tag);
  const sleeps: number[] = [];
  const r = await engageOverNfc(ch, opts(sleeps));
  assert.equal(r.kind, 'nfc-negotiated');
  const [hs, hr] = handoverValue(r.handover) as Uint8Array[];
  assert.equal(hex(hs!), nfc.apple_wallet_handover_select);
  assert.equal(hex(hr!), hex(tag.lastWrite));
  assert.equal(parseHandoverRequest(hr!).carriers[0]!.kind, 'ble');
  assert.equal(r.deviceEngagement.version, '1.1');
  assert.equal(r.ble?.centralClientUuid, KIOSK_UUID);
  assert.equal(r.ble?.uuidSource, 'reader-proposal');
  assert.equal(r.stats.emptyPolls, 5);
  assert.equal(tag.nlenZeros, 5);
  // T_wait 16 ms after each write and between empty polls.
  assert.deepEqual(sleeps, Array(7).fill(16));
  console.log(`# Apple replay (in memory): ${ch.count} APDUs`);
});

test("more empty polls than the wallet's N_wait allows is tnep_timeout", async () => {
  await assert.rejects(engageOverNfc(new AppleReplay(16), opts()), code('tnep_timeout'));
  await assert.rejects(engageOverNfc(new AppleReplay(4), opts([], { maxEmptyPolls: 3 })), code('tnep_timeout'));
});

test('a static-only reader refuses a negotiating wallet with tnep_service_unavailable', async () => {
  await assert.rejects(
    engageOverNfc(new AppleReplay(0), opts([], { staticOnly: true })),
    code('tnep_service_unavailable'),
  );
});

class Holder implements NfcTagHolder {
  handovers: unknown[] = [];
  newTransaction() {
    const de = fromHex(nfc.apple_wallet_handover_select).subarray(
      fromHex(nfc.apple_wallet_handover_select).length - 96,
    );
    return { deviceEngagement: de, bleUuid: '0b1e5e7a-1111-4222-8333-944455566677' };
  }
  setHandover(h: unknown) {
    this.handovers.push(h);
  }
  handleMessage(b: Uint8Array) {
    return b;
  }
}

function channelOf(tag: WalletNfcTag): ApduChannel {
  return {
    transmit: (a) => tag.process(a).catch((e) => Promise.reject(new ApduChannelError('nfc_tag_lost', String(e)))),
  };
}

test('virtual wallet tag in memory: static and negotiated handover produce what the holder saw', async () => {
  for (const handover of ['static', 'negotiated'] as const) {
    const h = new Holder();
    const tag = new WalletNfcTag(h, {
      handover,
      ble: { modes: ['central-client'], uuidInHandoverSelect: handover === 'static' },
    });
    const r = await engageOverNfc(channelOf(tag), opts());
    assert.equal(r.kind, `nfc-${handover}`);
    const seen = h.handovers[0] as { handoverSelect: Uint8Array; handoverRequest?: Uint8Array };
    assert.deepEqual(handoverValue(r.handover), [seen.handoverSelect, seen.handoverRequest ?? null]);
  }
});

test('tag answers: no NDEF application, broken CC, error status words', async () => {
  const answering = (f: (a: Uint8Array) => Uint8Array): ApduChannel => ({ transmit: async (a) => f(a) });
  await assert.rejects(
    engageOverNfc(
      answering(() => fromHex('6a82')),
      opts(),
    ),
    code('nfc_ndef_app_not_found'),
  );
  await assert.rejects(
    engageOverNfc(
      answering(() => fromHex('6f00')),
      opts(),
    ),
    code('nfc_status'),
  );
  await assert.rejects(
    engageOverNfc(
      answering(() => fromHex('90')),
      opts(),
    ),
    code('nfc_response_malformed'),
  );
  const ccBad = (cc: string) => answering((a) => (a[1] === 0xb0 ? fromHex(cc + '9000') : fromHex('9000')));
  await assert.rejects(engageOverNfc(ccBad('000f10'), opts()), code('nfc_cc_malformed'));
  await assert.rejects(engageOverNfc(ccBad('000f2000ff00ff0406e1030800ff00'), opts()), code('nfc_cc_malformed')); // NDEF id = CC id
  await assert.rejects(engageOverNfc(ccBad('000f2000ff00ff0406e1040800ff00'), opts()), code('nfc_cc_malformed')); // read access ff
  // NLEN larger than the tag's own maximum
  let reads = 0;
  const big = answering((a) => {
    if (a[1] !== 0xb0) return fromHex('9000');
    reads++;
    return reads === 1 ? fromHex('000f2000ff00ff0406e104080000009000') : fromHex('7fff9000');
  });
  await assert.rejects(engageOverNfc(big, opts()), code('ndef_too_large'));
});
