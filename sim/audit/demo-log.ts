// TEST / DEMO ONLY: a plausible audit log for a convenience-store counter, made without a screen:
// `n` demo transactions over the last `days` days (busier at lunch and in the evening, quiet at
// night), mostly age checks, with the usual failures. Entries go through the real builder
// (core/audit/buildAuditEntry), so they are what the kiosk would write; all are marked training.
// Deterministic for a seed, so screenshots and benchmarks see the same log every run.
import { buildAuditEntry, type AuditEntry, type AuditMode } from '../../core/audit/audit-entry.ts';
import { mulberry32 } from '../prng.ts';
import { SAMPLE_CARD_CHECKS } from '../card/sample-checks.ts';

function pick<T>(r: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of table) if ((x -= w) < 0) return v;
  return table[table.length - 1]![0];
}

/** Relative traffic per local hour 0..23. */
const HOURLY = [1, 0, 0, 0, 0, 1, 2, 4, 6, 6, 5, 7, 12, 10, 6, 5, 6, 8, 11, 12, 10, 8, 5, 3];
// Check codes as the audit log keeps them (lower snake case: core/audit/audit-entry.ts CODE_RE).
const MDOC_CHECKS = [
  'issuer_signature_invalid',
  'untrusted_chain',
  'doc_type_mismatch',
  'mso_expired',
  'device_auth_failed',
  'digest_mismatch',
];

export interface DemoLogOptions {
  n: number;
  /** The newest day ends at `now`; earlier days are whole local days. */
  now: Date;
  days: number;
  /** Local offset east of UTC, minutes (JST 540). */
  utcOffsetMinutes: number;
  seed?: number;
}

export function demoLog(o: DemoLogOptions): AuditEntry[] {
  const r = mulberry32(o.seed ?? 20261201);
  const off = o.utcOffsetMinutes * 60_000;
  const DAY = 86_400_000;
  const todayStart = Math.floor((o.now.getTime() + off) / DAY) * DAY - off;
  const hours: [number, number][] = [];
  for (let d = o.days - 1; d >= 0; d--) {
    for (let h = 0; h < 24; h++) {
      const start = todayStart - d * DAY + h * 3_600_000;
      if (start >= o.now.getTime()) continue;
      hours.push([start, HOURLY[h]! * (d === 0 ? 1.3 : 1)]);
    }
  }
  const out: AuditEntry[] = [];
  for (let i = 0; i < o.n; i++) {
    const hourStart = pick(
      r,
      hours.map(([s, w]) => [s, w] as const),
    );
    const t = hourStart + Math.floor(r() * Math.min(3_600_000, o.now.getTime() - hourStart));
    const cred = pick(r, [
      ['card', 55],
      ['mnc', 35],
      ['mdl', 10],
    ] as const);
    const mode = pick(r, [
      ['age-over-20', 80],
      ['identity', 12],
      ['entrance', 8],
    ] as const) as AuditMode;
    const kind = pick(r, [
      ['valid', 78],
      ['invalid', 8],
      ['unverified', 9],
      ['cancelled', 5],
    ] as const);
    const card = cred === 'card';
    let errorCode: string | null = null;
    let failed: string | null = null;
    if (kind === 'invalid') {
      errorCode =
        mode === 'age-over-20' && r() < 0.6
          ? 'age_over_20_false'
          : card
            ? 'checks_incomplete'
            : pick(r, [
                ['mso_expired', 3],
                ['digest_mismatch', 1],
                ['untrusted_chain', 2],
              ] as const);
      failed = card
        ? pick(
            r,
            SAMPLE_CARD_CHECKS.map((c) => [c, 1] as const),
          )
        : pick(
            r,
            MDOC_CHECKS.map((c) => [c, 1] as const),
          );
    } else if (kind === 'unverified') {
      errorCode = card
        ? pick(r, [
            ['card_removed', 5],
            ['pcsc_service_stopped', 1],
          ] as const)
        : pick(r, [
            ['transport_link_lost', 3],
            ['transport_timeout', 2],
            ['session_terminated', 1],
          ] as const);
    } else if (kind === 'cancelled') {
      errorCode = pick(r, [
        ['input_cancelled', 2],
        ['input_timeout', 1],
      ] as const);
    }
    const checks = (card ? SAMPLE_CARD_CHECKS : MDOC_CHECKS).map((code) => ({ code, ok: code !== failed }));
    out.push(
      buildAuditEntry({
        time: new Date(t),
        mode,
        outcome: kind === 'valid' ? 'valid' : kind === 'invalid' ? 'invalid' : 'error',
        errorCode,
        checks: kind === 'valid' || kind === 'invalid' ? checks : [],
        credentialType: card ? 'mynumber-card' : 'mdoc',
        docType: card ? 'jp.mynumber-card.gen1' : cred === 'mnc' ? 'org.iso.23220.1.jp.mnc' : 'org.iso.18013.5.1.mDL',
        requested: card ? ['card:age_over_20'] : ['org.iso.23220.1:age_over_20'],
        engagement: card ? 'card' : cred === 'mnc' ? 'nfc' : 'qr',
        transport: card ? 'pcsc' : 'ble-central',
        durations: { totalMs: Math.round((card ? 1800 : 2900) + r() * (card ? 1400 : 2600)) },
        training: true,
      }),
    );
  }
  return out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
