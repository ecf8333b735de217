// NFC engagement and NFC data retrieval THROUGH the real pcscd + vpcd: the reader side
// (core/mdoc/engagement, core/mdoc/transport/nfc over main/nfc/pcsc-channel.ts) against the
// virtual wallet tag (sim/wallet/nfc-tag.ts). Prints APDU counts and times. Skips (saying why)
// where test/run.mjs could not start a private pcscd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { PcscNfcReader } from '../../main/nfc/pcsc-channel.ts';
import { VirtualNfcTag, type NfcTagHolder, type VirtualNfcTagOptions } from '../../sim/wallet/nfc-tag.ts';
import { decodeCbor, type EmbeddedCbor } from '../../core/cbor/index.ts';
import {
  ApduChannelError,
  buildDeviceEngagement,
  CountingChannel,
  engageOverNfc,
  EngagementError,
  fromHex,
  handoverValue,
  hex,
  type NfcEngagementOptions,
} from '../../core/mdoc/engagement/index.ts';
import { NfcDataRetrieval } from '../../core/mdoc/transport/nfc/index.ts';
import { annexD as annexDFile } from '../support/reference-files.ts';

const skip = pcscdUnavailable();
const annexD = annexDFile().values;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const KIOSK_UUID = '6f1b8d2e-4c3a-4e5f-9a0b-1c2d3e4f5a6b';

/** A holder that records what the tag tells it; its session logic is a deterministic echo. */
class RecordingHolder implements NfcTagHolder {
  handovers: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array }[] = [];
  messages: Uint8Array[] = [];
  readonly engagement = {
    deviceEngagement: buildDeviceEngagement({
      version: '1.1',
      eDeviceKeyBytes: decodeCbor(fromHex(annexD.e_device_key_bytes)) as EmbeddedCbor,
      otherKeys: new Map<any, any>([
        [5, []],
        [
          6,
          new Map([
            [3, true],
            [4, true],
          ]),
        ],
      ]),
    }),
    bleUuid: '0b1e5e7a-1111-4222-8333-944455566677',
  };
  constructor(private readonly replySize = 0) {}
  newTransaction() {
    return this.engagement;
  }
  setHandover(h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array } | null) {
    if (h) this.handovers.push(h);
  }
  handleMessage(bytes: Uint8Array): Uint8Array {
    this.messages.push(bytes);
    const out = new Uint8Array(this.replySize || bytes.length);
    for (let i = 0; i < out.length; i++) out[i] = (bytes[i % bytes.length]! + i) & 0xff;
    return out;
  }
}

function readerOptions(o: Partial<NfcEngagementOptions> = {}): NfcEngagementOptions {
  return {
    proposal: { ble: { centralClientMode: true, peripheralServerMode: true, uuid: KIOSK_UUID } },
    random16: randomBytes(2).readUInt16BE(0),
    sleep,
    ...o,
  };
}

async function withTagOnReader<T>(
  tagOptions: Omit<VirtualNfcTagOptions, 'port'>,
  fn: (r: { reader: PcscNfcReader; tag: VirtualNfcTag }) => Promise<T>,
): Promise<T> {
  return withVirtualReader(async ({ port, readerName }) => {
    const reader = await PcscNfcReader.open({ readerName });
    const tag = await VirtualNfcTag.present({ port, ...tagOptions });
    try {
      return await fn({ reader, tag });
    } finally {
      tag.remove();
      await reader.waitForRemoval(5000);
      await reader.close();
    }
  });
}

test(
  'static handover through pcscd: DE and Hs bytes reach the transcript unchanged; BLE UUID from the Hs',
  { skip: skip ?? false },
  async () => {
    const holder = new RecordingHolder();
    await withTagOnReader(
      {
        holder,
        handover: 'static',
        ble: { modes: ['central-client', 'peripheral-server'], uuidInHandoverSelect: true },
      },
      async ({ reader }) => {
        const ch = new CountingChannel(await reader.waitForTag(5000));
        const t0 = performance.now();
        const r = await engageOverNfc(ch, readerOptions());
        const ms = performance.now() - t0;
        console.log(`# static handover via pcscd: ${ch.count} APDUs, ${ms.toFixed(1)} ms, ${ch.bytesIn} bytes in`);
        assert.equal(r.kind, 'nfc-static');
        assert.equal(hex(r.deviceEngagement.bytes), hex(holder.engagement.deviceEngagement));
        assert.equal(holder.handovers.length, 1);
        assert.deepEqual(handoverValue(r.handover), [holder.handovers[0]!.handoverSelect, null]);
        assert.equal(r.ble?.peripheralServerUuid, holder.engagement.bleUuid);
        assert.equal(r.ble?.centralClientUuid, holder.engagement.bleUuid);
        assert.equal(r.ble?.uuidSource, 'handover-select');
        assert.equal(ch.count, 6); // SELECT app, SELECT CC, READ CC, SELECT NDEF, READ NLEN, READ body
      },
    );
  },
);

test(
  'negotiated handover through pcscd, Apple-like: TNEP, several NLEN=0 polls, Hs without UUID -> proposed UUID',
  { skip: skip ?? false },
  async () => {
    const holder = new RecordingHolder();
    await withTagOnReader(
      {
        holder,
        handover: 'negotiated',
        ble: { modes: ['central-client'], uuidInHandoverSelect: false },
        tnep: { wt: 0x14, nWait: 15, emptyPolls: 4 },
      },
      async ({ reader, tag }) => {
        const ch = new CountingChannel(await reader.waitForTag(5000));
        const t0 = performance.now();
        const r = await engageOverNfc(ch, readerOptions());
        const ms = performance.now() - t0;
        console.log(
          `# negotiated handover via pcscd (WT 0x14 = 16 ms, 4 empty polls): ${ch.count} APDUs, ${ms.toFixed(1)} ms`,
        );
        assert.equal(r.kind, 'nfc-negotiated');
        assert.equal(r.stats.emptyPolls, 4);
        assert.equal(tag.log.filter((l) => l === 'nlen 0').length, 4);
        assert.ok(tag.log.includes('service select urn:nfc:sn:handover'));
        assert.equal(r.deviceEngagement.version, '1.1');
        assert.deepEqual([...r.deviceEngagement.otherKeys.keys()], [5, 6]);
        const h = holder.handovers[0]!;
        assert.ok(h.handoverRequest);
        assert.deepEqual(handoverValue(r.handover), [h.handoverSelect, h.handoverRequest]);
        assert.equal(r.ble?.centralClientMode, true);
        assert.equal(r.ble?.peripheralServerMode, false);
        assert.equal(r.ble?.centralClientUuid, KIOSK_UUID);
        assert.equal(r.ble?.uuidSource, 'reader-proposal');
        // T_wait is honoured: 1 wait after each of 2 writes + 4 extra waits, 16 ms each.
        assert.ok(ms >= 6 * 16, `took ${ms} ms`);
      },
    );
  },
);

test(
  'malformed NDEF from the wallet is ndef_malformed, and the reader is idle for the next phone',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ port, readerName }) => {
      const reader = await PcscNfcReader.open({ readerName });
      try {
        const bad = await VirtualNfcTag.present({
          port,
          holder: new RecordingHolder(),
          handover: 'static',
          fault: 'malformed-ndef',
        });
        await assert.rejects(
          engageOverNfc(await reader.waitForTag(5000), readerOptions()),
          (e: unknown) => e instanceof EngagementError && e.code === 'ndef_malformed',
        );
        bad.remove();
        assert.equal(await reader.waitForRemoval(5000), true);
        const good = await VirtualNfcTag.present({ port, holder: new RecordingHolder(), handover: 'static' });
        const r = await engageOverNfc(await reader.waitForTag(5000), readerOptions());
        assert.equal(r.kind, 'nfc-static');
        good.remove();
        assert.equal(await reader.waitForRemoval(5000), true);
      } finally {
        await reader.close();
      }
    });
  },
);

test(
  'the phone walking away mid-read of the Hs is nfc_tag_lost, and the reader is idle for the next phone',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ port, readerName }) => {
      const reader = await PcscNfcReader.open({ readerName });
      try {
        const tag = await VirtualNfcTag.present({
          port,
          holder: new RecordingHolder(),
          handover: 'negotiated',
          fault: 'walk-away-engagement',
          tnep: { emptyPolls: 1 },
        });
        await assert.rejects(
          engageOverNfc(await reader.waitForTag(5000), readerOptions()),
          (e: unknown) => e instanceof ApduChannelError && e.code === 'nfc_tag_lost',
        );
        await tag.closed;
        assert.equal(await reader.waitForRemoval(5000), true);
        const good = await VirtualNfcTag.present({
          port,
          holder: new RecordingHolder(),
          handover: 'negotiated',
          tnep: { emptyPolls: 0 },
        });
        const r = await engageOverNfc(await reader.waitForTag(5000), readerOptions());
        assert.equal(r.kind, 'nfc-negotiated');
        good.remove();
        assert.equal(await reader.waitForRemoval(5000), true);
      } finally {
        await reader.close();
      }
    });
  },
);

test(
  'a wallet that never gets its Hs ready ends in tnep_timeout after N_wait polls',
  { skip: skip ?? false },
  async () => {
    await withTagOnReader(
      { holder: new RecordingHolder(), handover: 'negotiated', fault: 'tnep-never-ready', tnep: { wt: 8, nWait: 5 } },
      async ({ reader, tag }) => {
        await assert.rejects(
          engageOverNfc(await reader.waitForTag(5000), readerOptions()),
          (e: unknown) => e instanceof EngagementError && e.code === 'tnep_timeout',
        );
        // Service Select's status is also gated by the fault: it times out on the first exchange after 1 + 5 reads.
        assert.equal(tag.log.filter((l) => l === 'nlen 0').length, 6);
      },
    );
  },
);

test(
  'NFC data retrieval through pcscd: chained ENVELOPE and 61xx GET RESPONSE carry large messages both ways',
  { skip: skip ?? false },
  async () => {
    const holder = new RecordingHolder(20_000);
    await withTagOnReader({ holder, handover: 'static', ble: null, nfcDataRetrieval: true }, async ({ reader }) => {
      const ch = new CountingChannel(await reader.waitForTag(5000));
      const e = await engageOverNfc(ch, readerOptions());
      assert.deepEqual(e.nfc, { maxCommandDataLength: 255, maxResponseDataLength: 256 });
      const before = ch.count;
      const t = new NfcDataRetrieval(ch, e.nfc);
      await t.select();
      const request = new Uint8Array(1000).map((_, i) => i & 0xff);
      const t0 = performance.now();
      const reply = await t.exchange(request);
      const ms = performance.now() - t0;
      console.log(
        `# NFC data retrieval via pcscd: 1000 B out + 20000 B back in ${ch.count - before - 1} APDUs, ${ms.toFixed(1)} ms`,
      );
      assert.equal(hex(holder.messages[0]!), hex(request));
      assert.equal(reply.length, 20_000);
      assert.equal(hex(reply), hex(holder.handleMessage(request)));
      // 1000 + 4 bytes of DO'53' in 255-byte commands = 4 ENVELOPEs; 20005 bytes in 256-byte answers = 79 responses.
      assert.equal(ch.count - before - 1, 4 + 78);
    });
  },
);

test(
  'the phone walking away during the NFC data retrieval response is nfc_tag_lost',
  { skip: skip ?? false },
  async () => {
    await withTagOnReader(
      {
        holder: new RecordingHolder(2000),
        handover: 'static',
        ble: null,
        nfcDataRetrieval: true,
        fault: 'walk-away-retrieval',
      },
      async ({ reader }) => {
        const ch = await reader.waitForTag(5000);
        const e = await engageOverNfc(ch, readerOptions());
        const t = new NfcDataRetrieval(ch, e.nfc);
        await t.select();
        await assert.rejects(
          t.exchange(new Uint8Array(10)),
          (err: unknown) => err instanceof ApduChannelError && err.code === 'nfc_tag_lost',
        );
      },
    );
  },
);
