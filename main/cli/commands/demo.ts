// `kakunin demo --transactions N --db FILE [--json]` (exact contract, docs/architecture.md "Contracts"): run N simulated
// transactions through the kiosk host without a screen (mixed modes, some failing), audit each one
// in FILE through the audit store, and print the outcomes. Phone transactions run the REAL phone
// path (main/host/readers/mdoc.ts -> read-mdoc -> core/mdoc verification) against the virtual
// wallet on the simulated BLE radio, verified with the project's TEST roots (resources/test-trust);
// card transactions use the in-memory training card (no pcscd needed).
// Output holds outcomes and codes only, never attribute values.
// Exit codes: 0 every transaction ran and the audit chain verifies; 1 otherwise; 2 usage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_TRUST_DIR } from '../../project-root.ts';
import type { Mode, Snapshot, TrainingScenario } from '../../../api/contract.ts';
import { assembleKiosk } from '../../host/assemble.ts';
import { AuditStore } from '../../audit/audit-store.ts';
import { kakuninHome } from '../../trust/trust-sources.ts';
import type { AuditSink } from '../../host/audit-sink.ts';
import { AuditStoreSink, openAuditSink } from '../../host/audit-store-adapter.ts';
import { TRAINING_MATCHING_B, TRAINING_PIN, TrainingController, TrainingReader } from '../../host/readers/training.ts';
import { PhoneReader } from '../../host/readers/mdoc.ts';
import { makeWallet, SimWorld, type ScenarioName } from '../../mdoc-reader/simulate.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../index.ts';
import { errorText } from '../../../core/errors.ts';

interface Step {
  mode: Mode;
  /** card-* training scenarios, or phone:<virtual wallet scenario> (main/mdoc-reader/simulate.ts). */
  scenario: TrainingScenario | `phone:${ScenarioName}`;
  /** Keypad entries, in order, for input screens (PIN / 照合番号B). */
  inputs?: string[];
}

/** The cycle: every mode, both readers, passes and the usual failures. */
export const DEMO_CYCLE: Step[] = [
  { mode: 'age-over-20', scenario: 'card-ok' },
  { mode: 'age-over-20', scenario: 'phone:tamper' },
  { mode: 'identity', scenario: 'phone:qr' },
  { mode: 'entrance', scenario: 'card-ok' },
  { mode: 'identity', scenario: 'card-tampered' },
  { mode: 'age-over-20', scenario: 'card-pin', inputs: ['0000', TRAINING_PIN] },
  { mode: 'entrance', scenario: 'phone:walk-away' },
  { mode: 'identity', scenario: 'card-matching-b', inputs: [TRAINING_MATCHING_B] },
  { mode: 'age-over-20', scenario: 'card-pulled' },
  { mode: 'entrance', scenario: 'phone:stale' },
  { mode: 'age-over-20', scenario: 'phone:qr' },
  { mode: 'identity', scenario: 'card-pin', inputs: ['1111', '2222'] },
  { mode: 'age-over-20', scenario: 'reader-unplugged' },
  { mode: 'entrance', scenario: 'phone:qr-peripheral' },
];

const USAGE =
  'usage: kakunin demo --transactions N --db FILE [--json]\n  N: 1..100000 simulated transactions; FILE: the audit database (created if missing)';

export interface DemoTransaction {
  n: number;
  mode: Mode;
  scenario: Step['scenario'];
  reader: 'card' | 'mdoc';
  verdict: 'valid' | 'invalid' | 'unverified' | 'error';
  errorCode: string | null;
  checks: { code: string; ok: boolean }[];
  audit: { seq: number; hash: string } | null;
  ms: number;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'number') return args;
  // Settings live in a throwaway home: the demo never changes a real kiosk's settings. The audit
  // log is sealed with the kiosk's own key ($KAKUNIN_HOME/audit-key), like the kiosk's log.
  const home = mkdtempSync(join(tmpdir(), 'kakunin-demo-'));
  let sink: AuditSink;
  try {
    sink = await openAuditSink(resolve(args.db), kakuninHome());
  } catch (e) {
    return usage(`cannot open the audit log ${args.db}: ${errorText(e)}`);
  }
  const world = new SimWorld();
  const kiosk = await demoKiosk(home, world, sink);
  const results: DemoTransaction[] = [];
  try {
    kiosk.host.start();
    for (let i = 0; i < args.n; i++) results.push(await runOne(kiosk.host, world, sink, i));
  } finally {
    await kiosk.close(); // the stop event, the last checkpoint, and the end of the key's epoch
    world.shutdown();
  }
  const chain = sink instanceof AuditStoreSink ? verifySealed(resolve(args.db), sink.sealer?.publicKey) : null;
  rmSync(home, { recursive: true, force: true });
  const auditLost = results.some((r) => r.errorCode === 'audit_unavailable' && r.verdict === 'error');
  report(results, resolve(args.db), chain, args.json);
  return auditLost || !chain?.ok ? EXIT_INVALID : EXIT_OK;
}

/** `--transactions N --db FILE [--json]`, or the exit code of a usage error or --help. */
function parseArgs(argv: string[]): { n: number; db: string; json: boolean } | number {
  let n: number | null = null;
  let db: string | null = null;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--transactions') {
      const v = argv[++i];
      if (!v || !/^[0-9]+$/.test(v)) return usage('--transactions needs a whole number');
      n = Number(v);
    } else if (a === '--db') {
      const v = argv[++i];
      if (!v) return usage('--db needs a file');
      db = v;
    } else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return EXIT_OK;
    } else return usage(`unknown option ${a}`);
  }
  if (n === null || n < 1 || n > 100_000) return usage('--transactions N is required (1..100000)');
  if (!db) return usage('--db FILE is required');
  return { n, db, json };
}

/** The kiosk with the training card reader and a virtual wallet on the simulated radio. */
async function demoKiosk(home: string, world: SimWorld, sink: AuditSink) {
  const ctl = new TrainingController(0);
  const phone = new PhoneReader({
    ble: world.reader,
    trustDir: TEST_TRUST_DIR,
    label: 'virtual wallet on the simulated radio',
    source: 'training',
    timeouts: { engagementMs: 3000, connectMs: 3000, responseMs: 3000 },
  });
  const kiosk = await assembleKiosk({
    home,
    readers: [new TrainingReader('card', ctl), phone],
    training: ctl,
    audit: sink,
    inputTimeoutMs: 5000,
  });
  kiosk.host.opts.settings.update({ wipeSeconds: 120 });
  return kiosk;
}

type Host = Awaited<ReturnType<typeof demoKiosk>>['host'];

/** Transaction i of the demo cycle, from presenting the credential to the dismissed verdict. */
async function runOne(host: Host, world: SimWorld, sink: AuditSink, i: number): Promise<DemoTransaction> {
  const step = DEMO_CYCLE[i % DEMO_CYCLE.length]!;
  if (host.opts.settings.get().mode !== step.mode) {
    host.opts.settings.update({ mode: step.mode });
    await host.rearm();
  }
  await host.whenIdle();
  const t0 = performance.now();
  const inputs = [...(step.inputs ?? [])];
  const outcome = new Promise<Parameters<Parameters<typeof host.onOutcome>[0]>[0]>((res) => {
    const off = host.onOutcome((o) => {
      off();
      res(o);
    });
  });
  // Answer the keypad as a holder / staff member would.
  const offSnap = host.subscribe((s: Snapshot) => {
    if (s.screen.screen === 'input') {
      const txId = s.screen.txId;
      const d = inputs.shift() ?? null;
      queueMicrotask(() => host.submitInput(txId, d));
    }
  });
  if (step.scenario.startsWith('phone:')) {
    // The phone shows its QR code; the "scanner" hands the text to the host.
    const tx = world.qrTransaction(makeWallet(step.scenario.slice(6) as ScenarioName, nodeCrypto, new Date()));
    tx.walletDone.catch(() => undefined);
    if (!host.submitEngagement(tx.text)) throw new Error(`phone reader refused ${step.scenario}`);
  } else if (!host.trainingPresent(step.scenario as TrainingScenario))
    throw new Error(`simulator refused ${step.scenario}`);
  const o = await outcome;
  offSnap();
  const shown = o.screen;
  const verdict = shown.screen === 'verdict' ? shown.verdict : 'error';
  const errorCode =
    shown.screen === 'error' ? shown.error.code : shown.screen === 'verdict' ? (shown.reason?.code ?? null) : null;
  host.dismiss();
  return {
    n: i + 1,
    mode: step.mode,
    scenario: step.scenario,
    reader: o.reader.kind,
    verdict,
    errorCode,
    checks: o.outcome.checks.map((c) => ({ code: c.code, ok: c.ok })),
    audit: sink instanceof AuditStoreSink ? sink.lastAppend : null,
    ms: Math.round((performance.now() - t0) * 100) / 100,
  };
}

/** One line a transaction and a summary line, or one JSON object (--json). */
function report(
  results: DemoTransaction[],
  db: string,
  chain: ReturnType<typeof verifySealed> | null,
  json: boolean,
): void {
  const summary = {
    total: results.length,
    valid: results.filter((r) => r.verdict === 'valid').length,
    invalid: results.filter((r) => r.verdict === 'invalid').length,
    error: results.filter((r) => r.verdict === 'error').length,
    modes: Object.fromEntries(
      (['age-over-20', 'identity', 'entrance'] as const).map((m) => [m, results.filter((r) => r.mode === m).length]),
    ),
  };
  const audit = {
    db,
    chainOk: chain?.ok ?? false,
    rows: chain?.rows ?? 0,
    firstBroken: chain?.firstBroken ?? null,
    signatures: chain?.signatures ?? 'not checked',
    head: chain?.head ?? null,
  };
  if (json) {
    process.stdout.write(JSON.stringify({ training: true, transactions: results, summary, audit }, null, 2) + '\n');
    return;
  }
  for (const r of results)
    process.stdout.write(
      `${String(r.n).padStart(5)}  ${r.mode.padEnd(12)} ${r.scenario.padEnd(18)} ${r.verdict.padEnd(8)} ${r.errorCode ?? ''}\n`,
    );
  process.stdout.write(
    `${summary.total} transactions: ${summary.valid} valid, ${summary.invalid} invalid, ${summary.error} error; audit ${audit.db}: ${audit.rows} rows, chain ${audit.chainOk ? 'verifies' : 'BROKEN'}\n`,
  );
}

/** The finished log, read back as `kakunin audit verify --pubkey` reads it. */
function verifySealed(db: string, publicKey: Uint8Array | undefined) {
  const store = AuditStore.open(db, { readOnly: true });
  try {
    return store.verify([], publicKey ? { publicKey } : {});
  } finally {
    store.close();
  }
}

function usage(why: string): number {
  process.stderr.write(`kakunin demo: ${why}\n${USAGE}\n`);
  return EXIT_USAGE;
}
