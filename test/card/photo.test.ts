// The face photo: a real JPEG 2000 file in the JP2 container on the virtual card, decoded for display
// with @cornerstonejs/codec-openjpeg. The fixture is lossless, so the decode must give back exactly
// the synthetic face the generator drew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJp2, isJp2, wrapJp2 } from '../../core/card/jp2.ts';
import { CardError } from '../../core/card/codes.ts';
import { decodeJp2 } from '../../main/card/jp2-decode.ts';
import { loadTestPhoto } from '../../sim/card/card-files.ts';
import { syntheticFace } from '../../sim/card/generate-test-keys.ts';

test('the card photo is JP2 (0000000C 6A502020 ...) and decodes to the drawn 96x128 greyscale face', async () => {
  const jp2 = loadTestPhoto();
  assert.ok(isJp2(jp2));
  assert.deepEqual([...jp2.subarray(0, 8)], [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20]);
  const info = parseJp2(jp2);
  assert.deepEqual([info.width, info.height, info.components, info.bitsPerComponent], [96, 128, 1, 8]);
  const d = await decodeJp2(jp2);
  assert.equal(d.components, 1);
  assert.deepEqual(d.pixels, syntheticFace(96, 128));
});

test('a truncated, non-JP2 or inconsistent photo is a typed error, not a crash', async () => {
  const jp2 = loadTestPhoto();
  assert.throws(() => parseJp2(jp2.subarray(0, 40)), CardError);
  assert.throws(() => parseJp2(new Uint8Array(100)), CardError);
  // A JP2 header that lies about the size of its codestream is refused after decoding.
  const info = parseJp2(jp2);
  await assert.rejects(decodeJp2(wrapJp2(info.codestream, 64, 64)), /JP2 header says 64x64/);
  // Garbage where the codestream should be: rejected (or at worst decoded), never a crash.
  await decodeJp2(wrapJp2(new Uint8Array(200).fill(0x42), 96, 128)).then(
    () => undefined,
    (e) => assert.ok(e !== undefined),
  );
});
