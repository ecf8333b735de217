// main/nfc/pcsc-channel.ts (the phone face of the PC/SC adapter, main/pcsc) against the real pcscd
// and a vpcd virtual card (test/run.mjs starts pcscd in a private namespace; without it these tests
// skip and say why).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcscdUnavailable, withVirtualReader } from '../support/pcscd.ts';
import { PcscNfcReader } from '../../main/nfc/pcsc-channel.ts';
import { VpcdCard } from '../../sim/wallet/vpcd.ts';
import { ApduChannelError } from '../../core/mdoc/engagement/apdu-channel.ts';
import { PhoneGuardError } from '../../core/mdoc/phone-apdu-guard.ts';

/** The raw link, for commands no phone procedure sends (a test card answers them). */
const OPEN = { admit: () => undefined };

const skip = pcscdUnavailable();

test(
  'APDUs reach a vpcd card and answers come back; a tag pulled mid-command is nfc_tag_lost',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ port, readerName }) => {
      const reader = await PcscNfcReader.open({ readerName });
      try {
        let seen = 0;
        const card = await VpcdCard.connect({
          port,
          onApdu: (a) => {
            seen++;
            if (a[1] === 0xee) return null; // walk away without answering
            return Uint8Array.of(...a.subarray(0, 2), 0x90, 0x00);
          },
        });
        const tag = await reader.waitForTag(5000, OPEN);
        const r = await tag.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00));
        assert.deepEqual([...r], [0x00, 0xa4, 0x90, 0x00]);
        const t0 = performance.now();
        for (let i = 0; i < 50; i++) await tag.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x02));
        const perApdu = (performance.now() - t0) / 50;
        console.log(`# pcscd+vpcd round trip: ${perApdu.toFixed(2)} ms per APDU`);
        await assert.rejects(
          tag.transmit(Uint8Array.of(0x00, 0xee, 0x00, 0x00)),
          (e: unknown) => e instanceof ApduChannelError && e.code === 'nfc_tag_lost',
        );
        assert.ok(seen >= 52);
        await card.closed;
        assert.equal(await reader.waitForRemoval(5000), true);
        // The reader is idle again: a new tag can be presented and read.
        const sent2: number[] = [];
        const card2 = await VpcdCard.connect({ port, onApdu: (a) => (sent2.push(a[1]!), Uint8Array.of(0x90, 0x00)) });
        // Behind the phone guard by default: a PIN VERIFY never reaches the item, a phone SELECT does.
        const tag2 = await reader.waitForTag(5000);
        await assert.rejects(
          tag2.transmit(Uint8Array.of(0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34)),
          PhoneGuardError,
        );
        assert.deepEqual(
          [
            ...(await tag2.transmit(
              Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x07, 0xd2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01, 0x00),
            )),
          ],
          [0x90, 0x00],
        );
        assert.deepEqual(sent2, [0xa4]);
        card2.close();
        assert.equal(await reader.waitForRemoval(5000), true);
      } finally {
        await reader.close();
      }
    });
  },
);

test(
  'no tag within the timeout is nfc_no_tag; an unknown reader is nfc_reader_unavailable',
  { skip: skip ?? false },
  async () => {
    await withVirtualReader(async ({ readerName }) => {
      const reader = await PcscNfcReader.open({ readerName });
      try {
        await assert.rejects(
          reader.waitForTag(300),
          (e: unknown) => e instanceof ApduChannelError && e.code === 'nfc_no_tag',
        );
      } finally {
        await reader.close();
      }
    });
    await assert.rejects(
      PcscNfcReader.open({ readerName: 'No Such Reader', timeoutMs: 500 }),
      (e: unknown) => e instanceof ApduChannelError && e.code === 'nfc_reader_unavailable',
    );
  },
);
