// The phone's `portrait` (ISO 18013-5 §7.2.1: JPEG or JPEG 2000) reaches the screen as an image
// Chromium can show: JPEG as is, JPEG 2000 decoded to PNG, anything else not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributesFrom } from '../../main/host/readers/mdoc.ts';
import { POLICIES } from '../../core/policy/policy.ts';
import { fakePortrait } from '../../sim/mdoc/issuer.ts';

const NS = 'org.iso.18013.5.1';
const DT = 'org.iso.18013.5.1.mDL';
const identity = POLICIES['identity'];
const withPortrait = (b: Uint8Array) => ({ [NS]: { family_name: 'Yamada', given_name: 'Hanako', portrait: b } });

test('JPEG portrait: shown as image/jpeg, bytes unchanged', async () => {
  const jpeg = fakePortrait(20 * 1024);
  assert.ok(jpeg.length >= 20 * 1024);
  const r = await attributesFrom(identity, DT, withPortrait(jpeg));
  assert.ok(r.photo?.startsWith('data:image/jpeg;base64,'));
  assert.deepEqual(new Uint8Array(Buffer.from(r.photo!.split(',')[1]!, 'base64')), jpeg);
});

test('JPEG 2000 portrait: decoded with OpenJPEG into a PNG (Chromium cannot show JP2)', async () => {
  const jp2 = new Uint8Array(
    readFileSync(join(import.meta.dirname, '..', '..', 'sim', 'card', 'fixtures', 'face.jp2')),
  );
  const r = await attributesFrom(identity, DT, withPortrait(jp2));
  assert.ok(r.photo?.startsWith('data:image/png;base64,'), String(r.photo).slice(0, 40));
  const png = Buffer.from(r.photo!.split(',')[1]!, 'base64');
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(png.readUInt32BE(16) > 0 && png.readUInt32BE(20) > 0, 'PNG has a width and height');
});

test('portrait that is neither JPEG, PNG nor decodable JPEG 2000: no photo, no exception', async () => {
  for (const junk of [
    new Uint8Array([1, 2, 3]),
    new Uint8Array(64).fill(0x41),
    new Uint8Array([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 9, 9, 9]),
  ]) {
    const r = await attributesFrom(identity, DT, withPortrait(junk));
    assert.equal(r.photo, undefined);
    assert.equal(r.attributes.name, 'Yamada Hanako');
  }
});
