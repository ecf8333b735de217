// Property: flipping any bit of any signed or structural byte of the files the kiosk reads never
// yields a valid read, and never a crash (every outcome is a typed error or failed checks). The only
// bytes excluded are the ones the spec says are unsigned and are not shown: card-face DF29 (expiry,
// cross-checked with 照合番号B instead) and DF2A (security-code image), and filler after the outer
// objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CardChannel } from '../../core/card/apdu.ts';
import { parseTlv, parseChildren } from '../../core/card/ber-tlv.ts';
import { readMyNumberCard } from '../../core/card/read-card.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import { AT, B, memoryTransport, testTrust } from './support.ts';

const trust = testTrust();
const TARGETS: Array<['text' | 'face', number]> = [
  ['text', 0x0002],
  ['text', 0x0003],
  ['text', 0x0004],
  ['text', 0x0007],
  ['face', 0x0002],
  ['face', 0x0004],
];

/** Byte positions that matter: the outer object, minus card-face DF29/DF2A. */
function positions(ap: 'text' | 'face', fid: number, file: Uint8Array): number[] {
  const outer = parseTlv(file, 0);
  let end = outer.end;
  if (ap === 'face' && fid === 0x0002) {
    const kids = parseChildren(outer.value);
    const df29 = kids.find((k) => k.tag === 0xdf29)!;
    end = outer.value.byteOffset - file.byteOffset + df29.start; // DF29 and DF2A are last
  }
  return Array.from({ length: end }, (_, i) => i);
}

test('property: any single bit flip in what the kiosk reads makes the identity read invalid', async () => {
  const sample = new VirtualMyNumberCard();
  const spots = TARGETS.flatMap(([ap, fid]) =>
    positions(ap, fid, sample.aps[ap].files.files.get(fid)!).map((p) => [ap, fid, p] as const),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...spots), fc.integer({ min: 0, max: 7 }), async ([ap, fid, pos], bit) => {
      const card = new VirtualMyNumberCard();
      const file = card.aps[ap].files.files.get(fid)!;
      file[pos]! ^= 1 << bit;
      const r = await readMyNumberCard({
        channel: new CardChannel(memoryTransport(card)),
        policy: 'identity',
        unlock: B,
        trust,
        crypto: nodeCrypto,
        at: AT,
        now: () => performance.now(),
      });
      assert.equal(r.verdict, 'invalid', `${ap} EF ${fid.toString(16)} byte ${pos} bit ${bit}`);
      assert.ok(r.errors.length > 0 || r.checks.some((c) => !c.ok));
      assert.deepEqual(r.attributes, {});
    }),
    { numRuns: 300 },
  );
});
