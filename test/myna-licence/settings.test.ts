// The counter setting that decides how a マイナ免許証 is read: a settings file written before it existed
// reads as the default (My Number Card), staff change it through the locked-down API, a value outside
// the two choices is refused, and the change is audited by name only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession } from '../../main/host/api-handler.ts';
import { KioskHost } from '../../main/host/kiosk-host.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { SettingsStore } from '../../main/host/settings.ts';
import { StaffAuth } from '../../main/host/staff-auth.ts';
import { DirTrustService } from '../../main/host/trust.ts';
import { ScriptedReader, setTestStaffPin, TEST_PIN_KDF } from '../kiosk/helpers.ts';

const PIN = '864213';

test('an older settings file reads mynaLicence as mynumber-card; staff switch it through the API; junk is refused', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-myna-set-'));
  try {
    const file = join(home, 'settings.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        mode: 'identity',
        lang: 'ja',
        wipeSeconds: 10,
        retentionDays: 365,
        readers: { card: true, mdoc: true },
      }),
    );
    const settings = new SettingsStore(file);
    assert.equal(settings.get().mynaLicence, 'mynumber-card');
    await setTestStaffPin(home, PIN);
    const audit = new MemoryAuditSink();
    const host = new KioskHost({ readers: [new ScriptedReader('card')], settings, audit });
    const staff = new StaffAuth({ home, kdf: TEST_PIN_KDF, audit: (kind, fields) => audit.event(kind, fields) });
    const s = new ApiSession({ host, trust: new DirTrustService(join(home, 'trust')), staff });
    assert.equal((await s.handle('staffUpdateSettings', { mynaLicence: 'driving-licence' })).ok, false, 'locked');
    await s.handle('staffUnlock', { pin: PIN });
    assert.equal((await s.handle('staffUpdateSettings', { mynaLicence: 'passport' })).ok, false);
    const r = await s.handle('staffUpdateSettings', { mynaLicence: 'driving-licence' });
    assert.ok(r.ok && (r.value as { mynaLicence: string }).mynaLicence === 'driving-licence');
    assert.match(readFileSync(file, 'utf8'), /"mynaLicence": "driving-licence"/);
    assert.equal(new SettingsStore(file).get().mynaLicence, 'driving-licence');
    const ev = audit.events.find((e) => e.kind === 'settings_changed');
    assert.ok(ev, 'the change is audited');
    assert.ok(!JSON.stringify(ev).includes('driving-licence'), 'by name, never the value');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
