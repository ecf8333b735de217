// Fuzz runner. `npm run fuzz` (= `--long`) runs every target for a total of FUZZ_MINUTES (default 10)
// minutes split evenly; without --long each target gets a short budget (CI uses this through
// test/fuzz/fuzz.test.ts). Each target runs in its own child process with a 256 MB heap cap
// (--max-old-space-size=256); two at a time (the machines have 2 cores).
//
// Flags: --long | --budget-ms N (per target) | --targets a,b | --seed N | --json
// A finding (an untyped error escaping, a slow input, a child that crashed, ran out of heap or hung)
// is printed with its seed and counterexample, saved under $TMPDIR/kakunin-fuzz/, and makes the exit
// code 1. Turn each into a named test in test/fuzz/regressions.test.ts.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGET_NAMES } from './targets.ts';
import type { WorkerReport } from './worker.ts';

export const HEAP_CAP_MB = 256;

export interface TargetOutcome {
  target: string;
  seed: number;
  status: 'ok' | 'missing' | 'finding' | 'crash' | 'hang';
  runs: number;
  ms: number;
  detail?: string;
  report?: WorkerReport;
}

const workerPath = join(import.meta.dirname, 'worker.ts');

export function runTarget(target: string, budgetMs: number, seed: number, graceMs = 60_000): Promise<TargetOutcome> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_CAP_MB}`,
        '--stack-size=984',
        '--import',
        'tsx',
        workerPath,
        target,
        String(budgetMs),
        String(seed),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, budgetMs + graceMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      const line = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop();
      let report: WorkerReport | undefined;
      try {
        report = line ? (JSON.parse(line) as WorkerReport) : undefined;
      } catch {
        report = undefined;
      }
      if (hung)
        return resolve({
          target,
          seed,
          status: 'hang',
          runs: 0,
          ms,
          detail: `no answer within ${budgetMs + graceMs} ms: an input hangs the parser (rerun with --targets ${target} --seed ${seed})`,
        });
      if (!report || code !== 0) {
        const oom = /heap limit|out of memory|Allocation failed/i.test(err);
        return resolve({
          target,
          seed,
          status: 'crash',
          runs: 0,
          ms,
          detail: `${oom ? `heap exceeded ${HEAP_CAP_MB} MB` : `worker exited with ${signal ?? code}`}: ${err.trim().split('\n').slice(-6).join(' | ')}`,
        });
      }
      if (report.missing)
        return resolve({ target, seed, status: 'missing', runs: 0, ms, detail: report.missing, report });
      if (!report.ok)
        return resolve({
          target,
          seed,
          status: 'finding',
          runs: report.runs,
          ms,
          detail: `${report.finding?.kind}: ${report.finding?.error}`,
          report,
        });
      resolve({ target, seed, status: 'ok', runs: report.runs, ms, report });
    });
  });
}

export async function runAll(
  targets: string[],
  budgetMs: number,
  seed: number,
  concurrency = 2,
  onDone?: (o: TargetOutcome) => void,
): Promise<TargetOutcome[]> {
  const queue = [...targets];
  const results: TargetOutcome[] = [];
  const lanes = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
      const o = await runTarget(t, budgetMs, seed);
      results.push(o);
      onDone?.(o);
    }
  });
  await Promise.all(lanes);
  return results.sort((a, b) => targets.indexOf(a.target) - targets.indexOf(b.target));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const val = (f: string): string | undefined => {
    const i = args.indexOf(f);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const json = args.includes('--json');
  const targets = val('--targets')?.split(',') ?? TARGET_NAMES;
  for (const t of targets)
    if (!TARGET_NAMES.includes(t)) throw new Error(`unknown target ${t}; known: ${TARGET_NAMES.join(', ')}`);
  const seed = val('--seed') ? Number(val('--seed')) : Date.now() % 2 ** 31;
  const minutes = Number(process.env.FUZZ_MINUTES ?? 10);
  const concurrency = 2;
  const budgetMs = val('--budget-ms')
    ? Number(val('--budget-ms'))
    : args.includes('--long')
      ? Math.floor((minutes * 60_000 * concurrency) / targets.length)
      : 3000;
  if (!json)
    console.log(
      `fuzzing ${targets.length} targets, ${budgetMs} ms each, seed ${seed}, heap cap ${HEAP_CAP_MB} MB, ${concurrency} at a time`,
    );
  const results = await runAll(targets, budgetMs, seed, concurrency, (o) => {
    if (!json)
      console.log(
        `  ${o.target.padEnd(28)} ${o.status.padEnd(8)} ${String(o.runs).padStart(9)} runs  ${(o.ms / 1000).toFixed(1)} s${o.report ? `  slowest input ${o.report.slowestMs} ms, heap ${o.report.heapUsedMb} MB` : ''}${o.detail ? `  ${o.detail}` : ''}`,
      );
  });
  const bad = results.filter((r) => r.status === 'finding' || r.status === 'crash' || r.status === 'hang');
  if (bad.length) {
    const dir = join(tmpdir(), 'kakunin-fuzz');
    mkdirSync(dir, { recursive: true });
    for (const b of bad) {
      const f = join(dir, `${b.target}-${b.seed}.json`);
      writeFileSync(f, JSON.stringify(b, null, 2));
      if (!json)
        console.log(
          `\nFINDING ${b.target} (seed ${b.seed}): ${b.detail}\n  input: ${b.report?.finding?.input?.slice(0, 600) ?? '(see crash output)'}\n  ${b.report?.finding?.stack?.split('\n').slice(0, 6).join('\n  ') ?? ''}\n  saved: ${f}`,
        );
    }
  }
  if (json) console.log(JSON.stringify({ seed, budgetMs, results }, null, 2));
  else
    console.log(
      `\n${results.reduce((n, r) => n + r.runs, 0)} inputs; ${bad.length} finding(s); ${results.filter((r) => r.status === 'missing').length} target(s) missing.`,
    );
  process.exitCode = bad.length ? 1 : 0;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
