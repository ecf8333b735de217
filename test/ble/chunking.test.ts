// GATT message framing (ISO 18013-5 §8.3.3.1.1.6): chunks of at most min(ATT_MTU - 3, 512) bytes,
// first byte 0x01 = more follows, 0x00 = last; and the reassembler's bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MessageAssembler, chunkMessage, maxChunkSize } from '../../core/mdoc/transport/ble/chunking.ts';
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';

test('chunk size is min(ATT_MTU - 3, 512)', () => {
  assert.equal(maxChunkSize(23), 20);
  assert.equal(maxChunkSize(185), 182);
  assert.equal(maxChunkSize(515), 512);
  assert.equal(maxChunkSize(517), 512);
});

test('every chunk fits, all but the last start 0x01, the last starts 0x00', () => {
  const msg = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  const chunks = chunkMessage(msg, 182);
  assert.equal(chunks.length, Math.ceil(1000 / 181));
  chunks.forEach((c, i) => {
    assert.ok(c.length <= 182);
    assert.equal(c[0], i === chunks.length - 1 ? 0x00 : 0x01);
  });
  assert.equal(
    chunks.slice(0, -1).every((c) => c.length === 182),
    true,
  );
});

test('a message of exactly k * (size - 1) bytes ends with a full last chunk, not an empty one', () => {
  const chunks = chunkMessage(new Uint8Array(181 * 3), 182);
  assert.equal(chunks.length, 3);
  assert.equal(chunks[2]![0], 0x00);
  assert.equal(chunks[2]!.length, 182);
});

test('property: chunk + reassemble is the identity for any message and MTU', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 23, max: 517 }), (msg, mtu) => {
      const a = new MessageAssembler(1 << 20);
      const chunks = chunkMessage(msg, maxChunkSize(mtu));
      let out: Uint8Array | null = null;
      chunks.forEach((c, i) => {
        const r = a.push(c);
        if (i < chunks.length - 1) assert.equal(r, null);
        else out = r;
      });
      assert.deepEqual(out, msg);
      assert.equal(a.pending, 0);
    }),
    { numRuns: 200 },
  );
});

test('hostile chunks: empty, bad header byte, over the size bound', () => {
  const a = new MessageAssembler(100);
  assert.throws(
    () => a.push(new Uint8Array(0)),
    (e: unknown) => e instanceof TransportError && e.code === 'transport_protocol_error',
  );
  assert.throws(
    () => a.push(Uint8Array.of(0x02, 1, 2)),
    (e: unknown) => e instanceof TransportError && e.code === 'transport_protocol_error',
  );
  a.push(Uint8Array.of(0x01, ...new Uint8Array(60)));
  assert.throws(
    () => a.push(Uint8Array.of(0x01, ...new Uint8Array(60))),
    (e: unknown) => e instanceof TransportError && e.code === 'transport_message_too_large',
  );
  assert.equal(a.pending, 0, 'state reset after the error');
});
