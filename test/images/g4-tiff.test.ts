// The G4 TIFF decoder against images made by another tool: the fixtures were written by ImageMagick
// (libtiff, -compress Group4), and the expected pixels are ImageMagick's own decoding of the same
// files (`convert F -depth 8 gray:- | sha256sum`, recorded when they were made). Hostile inputs
// give a clear error, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeG4Tiff } from '../../main/images/g4-tiff.ts';

const DIR = join(import.meta.dirname, '..', '..', 'sim', 'residence-card', 'fixtures');
const BY_IMAGEMAGICK: Record<string, [string, number, number]> = {
  'address-gen2.tif': ['8bbc63881bee5933547756f9de4613c6673dd93580e78231a13c29a3d3159d88', 520, 48],
  'front-gen1.tif': ['485b9a55be1126e5b9463d5a8a06619ba390e577aab7c39d0c686d540807165a', 640, 404],
  'front-sprc-gen1.tif': ['e4989a444b7340ac66e90d0af81d235917daa651b8930321983a3c41d486dfee', 640, 404],
  'name-gen2.tif': ['65638bf19c54f0cafbd710f2fa8b199768f35cbb3910ba2bf536d684eb4c40f6', 420, 40],
};

for (const [file, [sha, w, h]] of Object.entries(BY_IMAGEMAGICK)) {
  test(`G4 TIFF ${file}: same pixels as ImageMagick's decoding`, async () => {
    const d = await decodeG4Tiff(new Uint8Array(readFileSync(join(DIR, file))));
    assert.equal(d.width, w);
    assert.equal(d.height, h);
    assert.ok(d.pixels.some((p) => p === 0) && d.pixels.some((p) => p === 255), 'both black and white pixels');
    assert.equal(createHash('sha256').update(d.pixels).digest('hex'), sha);
  });
}

test('hostile TIFF bytes: a clear error or a bounded decode, never a crash or hang', async () => {
  const good = new Uint8Array(readFileSync(join(DIR, 'name-gen2.tif')));
  await assert.rejects(decodeG4Tiff(new Uint8Array(0)), Error);
  await assert.rejects(decodeG4Tiff(new TextEncoder().encode('not a tiff at all')), Error);
  let seed = 7;
  let deadlines = 0;
  for (let i = 0; i < 60; i++) {
    const m = good.slice();
    for (let k = 0; k < 1 + (i % 6); k++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      m[seed % m.length] = seed & 0xff;
    }
    const t = performance.now();
    try {
      const d = await decodeG4Tiff(m, 1000);
      assert.equal(d.pixels.length, d.width * d.height);
    } catch (e) {
      assert.ok(e instanceof Error);
      if (/did not finish/.test(e.message)) deadlines++;
    }
    assert.ok(performance.now() - t < 3000, 'each decode ends by its deadline');
  }
  console.log(`# ${deadlines} of 60 mutated images hit the decode deadline (UTIF looped on them)`);
});
