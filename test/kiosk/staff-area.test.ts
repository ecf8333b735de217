// The staff area's host side: the day at a glance (computed from the audit log only), the paged and
// filtered audit view with its chunked export, the reader test (which reads nothing), reader
// diagnostics, and trust readiness per document type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  credentialClass,
  outcomeClass,
  summarize,
  summaryEntryOf,
  type SummaryEntry,
} from '../../core/audit/summary.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { exportCsv } from '../../main/audit/export.ts';
import { AuditStoreSink } from '../../main/host/audit-store-adapter.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';
import { auditPage, exportChunk } from '../../main/host/audit-view.ts';
import { dashboard, rangeBounds } from '../../main/host/dashboard.ts';
import { ApiSession } from '../../main/host/api-handler.ts';
import { assembleKiosk } from '../../main/host/assemble.ts';
import { demoLog } from '../../sim/audit/demo-log.ts';
import { setTestStaffPin, TEST_PIN_KDF } from './helpers.ts';

const JST = 540;
const NOW = new Date('2026-12-01T06:30:00Z'); // 15:30 in Tokyo

function seededStore(n: number, days = 30) {
  const dir = mkdtempSync(join(tmpdir(), 'kakunin-staffarea-'));
  const store = AuditStore.open(join(dir, 'audit.sqlite'));
  const entries = demoLog({ n, now: NOW, days, utcOffsetMinutes: JST });
  for (const e of entries) store.append(e);
  return {
    dir,
    store,
    sink: new AuditStoreSink(store),
    entries,
    done: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('summary: today by local hour (JST), outcome classes, top five reasons, credentials, median; matches a plain recount of the log', () => {
  const { sink, entries, done } = seededStore(3000);
  try {
    const d = dashboard(sink, { range: 'today' }, { now: NOW, utcOffsetMinutes: JST, includeTraining: true });
    assert.equal(d.bucket, 'hour');
    assert.equal(d.buckets.length, 24);
    assert.equal(d.from, '2026-11-30T15:00:00.000Z', 'local midnight in Tokyo');
    const today = entries.filter((e) => e.time >= d.from && e.time < d.to).map((e) => summaryEntryOf(e)!);
    assert.ok(today.length > 50, `a busy day (${today.length})`);
    assert.equal(d.total, today.length);
    assert.equal(
      d.buckets.reduce((s, b) => s + b.counts.valid + b.counts.invalid + b.counts.unverified + b.counts.cancelled, 0),
      today.length,
    );
    // Hour by hour against a recount in local time.
    for (let h = 0; h < 24; h++) {
      const n = today.filter((e) => new Date(Date.parse(e.time) + JST * 60_000).getUTCHours() === h).length;
      const b = d.buckets[h]!.counts;
      assert.equal(b.valid + b.invalid + b.unverified + b.cancelled, n, `hour ${h}`);
    }
    assert.equal(
      d.buckets.slice(16).every((b) => Object.values(b.counts).every((c) => c === 0)),
      true,
      'nothing after 15:30',
    );
    for (const k of ['valid', 'invalid', 'unverified', 'cancelled'] as const)
      assert.equal(d.outcomes[k], today.filter((e) => outcomeClass(e) === k).length, k);
    assert.ok(d.topFailures.length <= 5 && d.topFailures.length > 0);
    const failCounts = new Map<string, number>();
    for (const e of today)
      if (outcomeClass(e) !== 'valid') failCounts.set(e.errorCode!, (failCounts.get(e.errorCode!) ?? 0) + 1);
    assert.equal(d.topFailures[0]!.count, Math.max(...failCounts.values()));
    assert.ok(
      d.topFailures.every((f) => f.ja !== f.code && f.en !== f.code),
      'every demo reason has plain words',
    );
    assert.equal(
      d.credentials.reduce((s, c) => s + c.count, 0),
      today.length,
    );
    assert.deepEqual(new Set(d.credentials.map((c) => c.key)), new Set(today.map(credentialClass)));
    const ms = today
      .filter((e) => outcomeClass(e) !== 'cancelled')
      .map((e) => e.totalMs)
      .sort((a, b) => a - b);
    const mid = ms.length >> 1;
    assert.equal(d.medianMs, ms.length % 2 ? ms[mid] : Math.round((ms[mid - 1]! + ms[mid]!) / 2));
    // 7 and 30 days: one bucket a local day; the 30-day total is the whole seeded log.
    const w = dashboard(sink, { range: '7d' }, { now: NOW, utcOffsetMinutes: JST, includeTraining: true });
    assert.equal(w.buckets.length, 7);
    const m = dashboard(sink, { range: '30d' }, { now: NOW, utcOffsetMinutes: JST, includeTraining: true });
    assert.equal(m.buckets.length, 30);
    assert.equal(m.total, entries.length);
    // Training rows are left out unless the kiosk is itself in training.
    const real = dashboard(sink, { range: '30d' }, { now: NOW, utcOffsetMinutes: JST, includeTraining: false });
    assert.equal(real.total, 0);
    assert.equal(real.trainingExcluded, entries.length);
    // One local day (the printable summary).
    const day = dashboard(sink, { day: '2026-11-28' }, { now: NOW, utcOffsetMinutes: JST, includeTraining: true });
    assert.equal(day.from, '2026-11-27T15:00:00.000Z');
    assert.equal(day.total, entries.filter((e) => e.time >= day.from && e.time < day.to).length);
  } finally {
    done();
  }
});

test('summary bounds: local midnights, and a summary of nothing is zeros, not an error', () => {
  assert.deepEqual(rangeBounds({ range: '7d' }, NOW, JST).from.toISOString(), '2026-11-24T15:00:00.000Z');
  const s = summarize([], {
    from: new Date('2026-12-01T00:00:00Z'),
    to: new Date('2026-12-02T00:00:00Z'),
    bucket: 'hour',
    utcOffsetMinutes: 0,
  });
  assert.equal(s.total, 0);
  assert.equal(s.medianMs, null);
  assert.deepEqual(s.topFailures, []);
  const e: SummaryEntry = {
    time: '2026-12-01T01:00:00.000Z',
    mode: 'age-over-20',
    outcome: 'error',
    errorCode: 'input_timeout',
    credentialType: null,
    document: null,
    training: false,
    totalMs: 0,
  };
  assert.equal(outcomeClass(e), 'cancelled');
  assert.equal(outcomeClass({ ...e, errorCode: 'card_removed' }), 'unverified');
  assert.equal(credentialClass(e), 'none');
  assert.equal(
    credentialClass({ credentialType: 'driving-licence', document: 'jp.driving-licence.v2' }),
    'driving-licence',
  );
  // Staff's answer to an 'unverified' verdict is a follow-up row: filtered as unverified, never counted twice.
  const day = {
    from: new Date('2026-12-01T00:00:00Z'),
    to: new Date('2026-12-02T00:00:00Z'),
    bucket: 'hour' as const,
    utcOffsetMinutes: 0,
  };
  const unverified = { ...e, outcome: 'unverified' as const, errorCode: null };
  const answer = { ...unverified, outcome: 'staff-confirmed' as const, time: '2026-12-01T01:00:05.000Z' };
  assert.equal(outcomeClass(answer), 'unverified');
  const s2 = summarize([unverified, answer], day);
  assert.equal(s2.total, 1);
  assert.equal(s2.outcomes.unverified, 1);
});

test('audit view: filters (dates, outcome, credential, mode) and pages count the same rows as a recount; newest first', () => {
  const { sink, entries, done } = seededStore(1200, 10);
  try {
    const all = auditPage(sink, {}, 0, 50, 365);
    assert.equal(all.total, entries.length);
    assert.equal(all.rows.length, 50);
    assert.ok(all.rows[0]!.seq > all.rows[1]!.seq, 'newest first');
    assert.equal(all.chain.ok, true);
    assert.equal(all.location.kind, 'sqlite');
    assert.ok(all.credentials.some((c) => c.key === 'mnc-phone' && c.ja.includes('マイナンバー')));
    const f = {
      from: '2026-11-28T15:00:00.000Z',
      to: '2026-11-30T15:00:00.000Z',
      outcome: 'invalid' as const,
      credential: 'mynumber-card',
      mode: 'age-over-20',
    };
    const want = entries.filter(
      (e) =>
        e.time >= f.from &&
        e.time < f.to &&
        outcomeClass(summaryEntryOf(e)!) === 'invalid' &&
        e.credentialType === 'mynumber-card' &&
        e.mode === 'age-over-20',
    );
    const v = auditPage(sink, f, 0, 200, 365);
    assert.equal(v.total, want.length);
    assert.ok(
      v.rows.every(
        (r) =>
          r.outcomeClass === 'invalid' &&
          r.credential === 'mynumber-card' &&
          r.mode === 'age-over-20' &&
          r.time >= f.from &&
          r.time < f.to,
      ),
    );
    // Paging walks every row once.
    const seen: number[] = [];
    for (let p = 0; p * 100 < all.total; p++) seen.push(...auditPage(sink, {}, p, 100, 365).rows.map((r) => r.seq));
    assert.equal(new Set(seen).size, entries.length);
  } finally {
    done();
  }
});

test('audit export in chunks: concatenated, the chunks are exactly the CSV of the filtered range; JSON chunks make one document; progress counts up', () => {
  const { sink, store, done } = seededStore(900, 5);
  try {
    const f = { outcome: 'valid' as const };
    const expectSeqs = [...sink.scan()].filter(({ entry }) => outcomeClass(entry) === 'valid').map((x) => x.seq);
    let after: number | null = null;
    let csv = '';
    const progress: number[] = [];
    do {
      const c = exportChunk(sink, 'csv', f, after, 100);
      csv += c.text;
      progress.push(c.done);
      assert.equal(c.total, expectSeqs.length);
      after = c.next;
    } while (after !== null);
    assert.equal(csv, exportCsv(store.rowsAt(expectSeqs)));
    assert.ok(progress.length > 3 && progress.every((p, i) => i === 0 || p > progress[i - 1]!));
    assert.equal(progress.at(-1), expectSeqs.length);
    let json = '';
    after = null;
    do {
      const c = exportChunk(sink, 'json', f, after, 64);
      json += c.text;
      after = c.next;
    } while (after !== null);
    const doc = JSON.parse(json);
    assert.equal(doc.format, 'kakunin-audit-export');
    assert.equal(doc.chain.ok, true);
    assert.deepEqual(doc.filter, f);
    assert.deepEqual(
      doc.entries.map((e: { seq: number }) => e.seq),
      expectSeqs,
    );
    // An empty range is still one valid document / a header-only CSV.
    assert.deepEqual(
      JSON.parse(exportChunk(sink, 'json', { from: '2030-01-01T00:00:00.000Z' }, null, 10).text).entries,
      [],
    );
    assert.equal(
      exportChunk(sink, 'csv', { from: '2030-01-01T00:00:00.000Z' }, null, 10).text.split('\r\n').filter(Boolean)
        .length,
      1,
    );
  } finally {
    done();
  }
});

test('audit view of a tampered log: chain broken with the first bad row; the edited row is shown unreadable, never its content', () => {
  const { dir, store, done } = seededStore(60, 2);
  try {
    store.close();
    const db = new Database(join(dir, 'audit.sqlite'));
    db.exec('DROP TRIGGER audit_chain_no_update');
    db.prepare('UPDATE audit_chain SET body = \'{"name":"山田"}\' WHERE seq = 7').run();
    db.close();
    const s2 = AuditStore.open(join(dir, 'audit.sqlite'));
    try {
      const v = auditPage(new AuditStoreSink(s2), {}, 0, 100, 365);
      assert.equal(v.chain.ok, false);
      assert.equal(v.chain.firstBroken?.seq, 7);
      assert.ok(!JSON.stringify(v).includes('山田'));
    } finally {
      s2.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    void done;
  }
});

test('reader test (training): the presented card is seen and named, nothing is read or audited, and the readers are armed again', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-probe-'));
  await setTestStaffPin(home, '582914');
  const audit = new MemoryAuditSink();
  const kiosk = await assembleKiosk({ home, devices: 'training', stepMs: 10, pinCost: TEST_PIN_KDF.N, audit });
  kiosk.host.start();
  try {
    const s = new ApiSession(kiosk.services);
    assert.equal((await s.handle('staffReaderTest', {})).ok, false, 'staff only');
    await s.handle('staffUnlock', { pin: '582914' });
    await kiosk.host.whenIdle();
    const probe = s.handle('staffReaderTest', { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(kiosk.host.trainingPresent('card-ok'));
    const r = await probe;
    assert.ok(r.ok);
    const v = r.value as { seen: boolean; credential: string; reader: string; readerLabel: string };
    assert.equal(v.seen, true);
    assert.equal(v.credential, 'card');
    assert.equal(v.reader, 'card');
    assert.match(v.readerLabel, /訓練用カードリーダー/);
    assert.equal(audit.entries.length, 0, 'a reader test is not a transaction');
    assert.equal(kiosk.host.snapshot().screen.screen, 'idle');
    const none = await s.handle('staffReaderTest', { timeoutMs: 1000 });
    assert.deepEqual(none.ok && none.value, { seen: false, waitedMs: 1000 });
    // Armed again: a real (training) transaction runs and is audited.
    await kiosk.host.whenIdle();
    assert.ok(kiosk.host.trainingPresent('card-ok'));
    await new Promise<void>((res) => kiosk.host.onOutcome(() => res()));
    assert.equal(audit.entries.length, 1);
  } finally {
    await kiosk.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('diagnostics: readers with their facts, pcscd, Bluetooth roles, camera, and the last reader errors with advice', async () => {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-diag-'));
  await setTestStaffPin(home, '582914');
  const kiosk = await assembleKiosk({
    home,
    devices: 'training',
    stepMs: 10,
    pinCost: TEST_PIN_KDF.N,
    audit: new MemoryAuditSink(),
  });
  kiosk.host.start();
  try {
    await kiosk.host.whenIdle();
    assert.ok(kiosk.host.trainingPresent('reader-unplugged'));
    await new Promise<void>((res) => kiosk.host.onOutcome(() => res()));
    const s = new ApiSession(kiosk.services);
    await s.handle('staffUnlock', { pin: '582914' });
    const r = await s.handle('staffDiagnostics', {});
    assert.ok(r.ok, JSON.stringify(r));
    const d = r.value as import('../../api/contract.ts').Diagnostics;
    assert.deepEqual(
      d.readers.map((x) => x.kind),
      ['card', 'mdoc'],
    );
    assert.ok(d.readers[1]!.facts.some((f) => f.key === 'ble.peripheral'));
    assert.equal(d.ble.state, 'simulated');
    assert.ok(['running', 'not_running', 'not_answering'].includes(d.pcscd.state));
    assert.equal(typeof d.camera.present, 'boolean');
    assert.equal(d.recentErrors[0]?.code, 'reader_unplugged');
    assert.match(d.recentErrors[0]!.nextJa, /スタッフ/);
  } finally {
    await kiosk.close();
    rmSync(home, { recursive: true, force: true });
  }
});
