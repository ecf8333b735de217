// The passport command allowlist in the PC/SC send path (core/passport/passport-guard.ts): every
// command a real read sends passes (BAC and PACE, CA and AA), and what the kiosk never does is refused
// before a byte leaves: writing, PIN commands, Terminal Authentication, fingerprints (DG3), other AIDs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassportGuard } from '../../core/passport/passport-guard.ts';
import { readInMemory } from './support.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

for (const [label, opts] of [
  ['BAC + AA', {}],
  [
    'PACE GM + CA',
    { pace: { mapping: 'GM', curve: 'brainpoolP256r1', cipher: 'AES', keyLength: 16 }, chipAuthentication: 'ca' },
  ],
  [
    'PACE IM (3DES) + CA',
    { pace: { mapping: 'IM', curve: 'P-256', cipher: '3DES', keyLength: 16 }, chipAuthentication: 'ca' },
  ],
] as const) {
  test(`${label}: every command of a whole read passes the guard`, async () => {
    const { result, transport } = await readInMemory(opts as never);
    assert.equal(result.verdict, 'valid');
    const g = new PassportGuard();
    for (const c of transport.log) g.admit(c);
    assert.ok(transport.log.length > 50);
  });
}

test('refused: writing, PIN commands, Terminal Authentication, DG3 / other files, other applications, odd classes', () => {
  const g = new PassportGuard();
  const refused = [
    '00D60000 04 01020304', // UPDATE BINARY
    '00200081 04 31323334', // VERIFY
    '002C0081', // RESET RETRY COUNTER
    '0C2A00BE 10 ' + '00'.repeat(16), // PSO: Verify Certificate (TA) under SM
    '0C22 81B6 10 ' + '00'.repeat(16), // MSE:Set DST (TA) under SM
    '0C820000 10 ' + '00'.repeat(16), // EXTERNAL AUTHENTICATE under SM (TA)
    '00A4020C 02 0103', // SELECT DG3 (fingerprints) in plain
    '00A4040C 07 A0000002480100', // SELECT another application (LDS2 travel records)
    '00B08300 00', // READ BINARY by SFI of DG3
    '80CA9F7F00', // GET DATA, proprietary class
    '10A4040C 07 A0000002471001', // chaining on anything but GENERAL AUTHENTICATE
  ];
  for (const c of refused) assert.throws(() => g.admit(hex(c)), { name: 'PassportError', code: 'command_refused' }, c);
});
