// Shared by the audit tests: a temp directory, deterministic entries, raw SQL access for tampering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildAuditEntry, type AuditEntry } from '../../core/audit/audit-entry.ts';
import { AuditStore, type AuditStoreOptions } from '../../main/audit/audit-store.ts';

export function tempDir(prefix = 'kakunin-audit-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const MODES = ['age-over-20', 'identity', 'entrance'] as const;

/** Entry number i: varied, deterministic, minute-spaced from 2026-01-01. */
export function sampleEntry(i: number, base = Date.UTC(2026, 0, 1)): AuditEntry {
  const card = i % 2 === 0;
  const ok = i % 5 !== 3;
  return buildAuditEntry({
    time: new Date(base + i * 60_000),
    mode: MODES[i % 3]!,
    outcome: ok ? 'valid' : 'invalid',
    errorCode: ok ? null : 'device_auth_failed',
    checks: card
      ? [
          { code: 'ef0003_signature', ok: true },
          { code: 'chip_authentication', ok },
        ]
      : [
          { code: 'mso_signature', ok: true },
          { code: 'device_auth', ok },
        ],
    credentialType: card ? 'mynumber-card' : 'mdoc',
    docType: card ? null : 'org.iso.18013.5.1.mDL',
    cardType: card ? 'jp.mynumber-card.gen1' : null,
    issuerKeyId: card ? 'c0ffee'.repeat(10) + 'c0ffee00' : '1f'.repeat(20),
    requested: card
      ? ['card:age_over_20', 'card:portrait']
      : ['org.iso.18013.5.1:age_over_20', 'org.iso.18013.5.1:portrait'],
    engagement: card ? 'card' : 'qr',
    transport: card ? 'pcsc' : 'ble-central',
    durations: { totalMs: 800 + i, readMs: 500, verifyMs: 12 },
  });
}

export function filledStore(path: string, n: number, opts: AuditStoreOptions = {}): AuditStore {
  const s = AuditStore.open(path, { checkpointEvery: 10, ...opts });
  for (let i = 1; i <= n; i++) s.append(sampleEntry(i));
  return s;
}

/** Raw SQL on the file, as an attacker with write access would; the update guard is dropped first. */
export function tamper(path: string, ...sql: string[]): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_chain_no_update; DROP TRIGGER IF EXISTS audit_checkpoint_no_update;');
    for (const s of sql) db.exec(s);
  } finally {
    db.close();
  }
}

export function verifyFile(path: string) {
  const s = AuditStore.open(path, { readOnly: true });
  try {
    return s.verify();
  } finally {
    s.close();
  }
}
