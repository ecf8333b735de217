// Audit appends per second with synchronous FULL. Each append is a full durable commit (IMMEDIATE
// transaction, WAL fsync at commit), through the same path the kiosk uses: builder -> zod schema ->
// canonical JSON -> hash chain -> SQLite, sealed with a kiosk sealing key (a signed checkpoint
// every 100 rows, docs/audit-log.md). Also times a full `verify()` of the log, hash chain only and
// with the kiosk's public key.
// The database lives in the OS temp dir (on this machine a real disk, not tmpfs: fsync counts).
//   node --import tsx test/bench/audit-appends.ts [--quick] [--json]
// test/bench/run.ts imports the default export and adds its figures under `audit_appends`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAuditEntry, type AuditEntry } from '../../core/audit/audit-entry.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { SealingKey } from '../../main/audit/sealing-key.ts';

export interface AuditAppendBench {
  appends_per_second: number;
  n: number;
  median_append_ms: number;
  p90_append_ms: number;
  verify_ms: number;
  /** verify() with the kiosk's public key: every signed checkpoint and epoch certificate too. */
  verify_signed_ms: number;
  sealed: true;
  synchronous: 'FULL';
  journal_mode: 'wal';
  dir: string;
}

function entry(i: number): AuditEntry {
  return buildAuditEntry({
    time: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    mode: (['age-over-20', 'identity', 'entrance'] as const)[i % 3]!,
    outcome: i % 7 === 0 ? 'invalid' : 'valid',
    errorCode: i % 7 === 0 ? 'mso_expired' : null,
    checks: [
      { code: 'session_established', ok: true },
      { code: 'mso_signature', ok: true },
      { code: 'iaca_chain', ok: true },
      { code: 'mso_validity', ok: i % 7 !== 0 },
      { code: 'device_auth', ok: true },
      { code: 'value_digests', ok: true },
    ],
    credentialType: 'mdoc',
    docType: 'org.iso.18013.5.1.mDL',
    issuerKeyId: '3f'.repeat(32),
    requested: ['org.iso.18013.5.1:age_over_20', 'org.iso.18013.5.1:portrait'],
    engagement: 'qr',
    transport: 'ble-central',
    durations: { totalMs: 1800, readMs: 1500, verifyMs: 6 },
  });
}

export default async function benchAuditAppends(opts: { n?: number } = {}): Promise<AuditAppendBench> {
  const quick = process.argv.includes('--quick');
  const n = opts.n ?? (process.env.AUDIT_BENCH_N ? Number(process.env.AUDIT_BENCH_N) : quick ? 200 : 2000);
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-bench-audit-'));
  const key = SealingKey.open(join(dir, 'home'));
  const store = AuditStore.open(join(dir, 'audit.sqlite'), { sealer: key });
  try {
    const entries = Array.from({ length: n }, (_, i) => entry(i + 1));
    for (let i = 0; i < 20; i++) store.append(entries[i]!); // warm-up (JIT, first pages)
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const a = performance.now();
      store.append(entries[i]!);
      times.push(performance.now() - a);
    }
    const total = performance.now() - t0;
    const v0 = performance.now();
    const report = store.verify();
    const verify_ms = performance.now() - v0;
    if (!report.ok) throw new Error(`bench log does not verify: ${report.firstBroken?.detail}`);
    const s0 = performance.now();
    const signed = store.verify([], { publicKey: key.publicKey });
    const verify_signed_ms = performance.now() - s0;
    if (!signed.ok) throw new Error(`bench log does not verify under its key: ${signed.firstBroken?.detail}`);
    times.sort((x, y) => x - y);
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      appends_per_second: Math.round((n / total) * 1000),
      n,
      median_append_ms: r3(times[Math.floor(n / 2)]!),
      p90_append_ms: r3(times[Math.floor(n * 0.9)]!),
      verify_ms: r3(verify_ms),
      verify_signed_ms: r3(verify_signed_ms),
      sealed: true,
      synchronous: 'FULL',
      journal_mode: 'wal',
      dir: tmpdir(),
    };
  } finally {
    store.close();
    key.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export { benchAuditAppends };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchAuditAppends();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else
    console.log(
      `audit appends (synchronous=FULL, WAL, sealed): ${r.appends_per_second}/s over ${r.n} appends ` +
        `(median ${r.median_append_ms} ms, p90 ${r.p90_append_ms} ms); verify of ${r.n + 20} rows ${r.verify_ms} ms, with the key ${r.verify_signed_ms} ms`,
    );
}
