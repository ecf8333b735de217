// WEF01 and WEF02 of the licence AP against bytes written here from the spec text ("マイナ免許証":
// WEF01 answers C1 01 xx, 01 set / 00 not set; WEF02 tag C5 = 有効期限, 7 characters era + YYMMDD,
// era 5 = 令和 with year = 2019 + YY - 1), never from our own encoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CardError } from '../../core/card/codes.ts';
import { parsePinSetting } from '../../core/myna-licence/pin-setting.ts';
import { readLicenceData } from '../../core/myna-licence/licence-data.ts';

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));
const code = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof CardError ? e.code : 'other';
  }
};

/** A file served as READ BINARY does: short reads at the end, 'end' past it; counts bytes handed out. */
function file(bytes: Uint8Array) {
  const f = { out: 0, reads: [] as string[] };
  const read = async (offset: number, length: number) => {
    f.reads.push(`${offset}+${length}`);
    if (offset >= bytes.length) return 'end' as const;
    const chunk = bytes.subarray(offset, offset + length);
    f.out += chunk.length;
    return chunk;
  };
  return { f, read };
}

test('WEF01: C1 01 01 set, C1 01 00 not set; anything else refused', () => {
  assert.equal(parsePinSetting(h('c10101')), true);
  assert.equal(parsePinSetting(h('c10100')), false);
  for (const bad of ['c10102', '050101', 'c102 0101', 'c101', ''])
    assert.equal(
      code(() => parsePinSetting(h(bad))),
      'myna_licence_pin_setting',
      bad,
    );
});

test('WEF02: C5 "5070501" is 2025-05-01 (令和7年5月1日); other tags listed by tag and length, their values never read', async () => {
  // C2 with 3 bytes, C5 (7 ASCII), a 2-byte tag 5F40 with an 81 length of 200, then FF filler.
  const bytes = h(
    'c2 03 414243' + 'c5 07 ' + Buffer.from('5070501').toString('hex') + '5f40 81c8' + 'ee'.repeat(200) + 'ffff',
  );
  const { f, read } = file(bytes);
  const d = await readLicenceData(read);
  assert.equal(d.expiryDate, '2025-05-01');
  assert.deepEqual(d.objects, [
    { tag: 'C2', length: 3 },
    { tag: 'C5', length: 7 },
    { tag: '5F40', length: 200 },
  ]);
  assert.deepEqual(d.undecoded, [
    { tag: 'C2', length: 3 },
    { tag: '5F40', length: 200 },
  ]);
  assert.deepEqual(f.reads, ['0+2', '5+2', '7+7', '14+2', '16+1', '17+1', '218+2']);
  assert.ok(f.out < 30, `${f.out} bytes left the card, not the 200-byte object`);
});

test('WEF02: 82 long-form length; Heisei and Showa eras; end of file ends the walk', async () => {
  const bytes = h('c5 07 ' + Buffer.from('4310430').toString('hex') + 'd0 82 0100' + '00'.repeat(256));
  const d = await readLicenceData(file(bytes).read);
  assert.equal(d.expiryDate, '2019-04-30', '平成31年4月30日');
  assert.deepEqual(d.undecoded, [{ tag: 'D0', length: 256 }]);
  const showa = await readLicenceData(file(h('c5 07 ' + Buffer.from('3640107').toString('hex'))).read);
  assert.equal(showa.expiryDate, '1989-01-07', '昭和64年1月7日');
});

test('WEF02 faults are malformed_tlv: no C5, C5 twice, C5 not 7 bytes, not a date, truncated header, bad length form, too many objects', async () => {
  const c5 = 'c5 07 ' + Buffer.from('5110501').toString('hex');
  const cases: [string, string][] = [
    ['c2 01 00 ffff', 'no C5'],
    [c5 + c5, 'C5 twice'],
    ['c5 06 353131303530', 'C5 of 6 bytes'],
    ['c5 07 ' + Buffer.from('5111301').toString('hex'), 'month 13'],
    ['c5 07 ' + Buffer.from('9110501').toString('hex'), 'era 9'],
    [c5 + 'c2', 'header cut after the tag'],
    [c5 + '5f', 'two-byte tag cut'],
    [c5 + 'c2 83 000001', 'length form 83'],
    [c5 + 'c2 00'.repeat(64), '65 objects'],
  ];
  for (const [hexs, why] of cases) {
    await assert.rejects(
      readLicenceData(file(h(hexs)).read),
      (e: unknown) => e instanceof CardError && e.code === 'malformed_tlv',
      why,
    );
  }
});
