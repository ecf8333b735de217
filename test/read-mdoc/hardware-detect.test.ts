// Bluetooth detection at start-up (main/mdoc-reader/hardware.ts): where Linux lists no HCI adapter in
// /sys/class/bluetooth, no probe process is started (each cost a Node start-up, one after the other,
// before the kiosk printed its URL); where one is listed, noble and bleno are probed side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectBle, linuxHciAdapters } from '../../main/mdoc-reader/hardware.ts';

test('linuxHciAdapters: the hciN entries of the folder, none when it is missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-sysbt-'));
  try {
    for (const n of ['hci0', 'hci12', 'rfkill3', 'hcix']) mkdirSync(join(dir, n));
    assert.deepEqual(linuxHciAdapters(dir).sort(), ['hci0', 'hci12']);
    assert.deepEqual(linuxHciAdapters(join(dir, 'missing')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'detectBle without an adapter: says so at once, no probe process',
  {
    skip:
      process.platform !== 'linux' || linuxHciAdapters().length > 0
        ? 'this machine has an HCI adapter (or is not Linux)'
        : false,
  },
  async () => {
    const r = await detectBle();
    assert.equal(r.ble, null);
    // This state is only given by the folder check; a probe process would report its own
    // ("unsupported", "cannot load", "no answer ...").
    assert.match(r.note, /no Bluetooth adapter \(HCI: none in \/sys\/class\/bluetooth\)/);
  },
);
