// One fuzz target in its own process (the runner starts it with --max-old-space-size=256, so a heap
// blow-up is a crash of this process, reported by the runner, never of the test runner itself).
// Usage: node --max-old-space-size=256 --import tsx test/fuzz/worker.ts <target> <budgetMs> <seed> [maxRuns]
// Prints one JSON line: {target, runs, seed, ok, missing?, finding?}.
import fc from 'fast-check';
import { TARGETS } from './targets.ts';

export interface WorkerReport {
  target: string;
  seed: number;
  runs: number;
  ok: boolean;
  ms: number;
  missing?: string;
  finding?: {
    error: string;
    stack?: string;
    input: string;
    counterexamplePath?: string;
    kind: 'untyped-error' | 'slow' | 'property';
  };
  heapUsedMb: number;
  slowestMs: number;
}

/** An input that takes longer than this is reported (a parser must answer in bounded time). */
export const SLOW_MS = 2000;

class SlowInput extends Error {}

async function main(): Promise<void> {
  const [name, budgetArg, seedArg, maxRunsArg] = process.argv.slice(2);
  const target = TARGETS.find((t) => t.name === name);
  if (!target) {
    console.error(`unknown target ${name}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
    process.exit(2);
  }
  const budgetMs = Number(budgetArg ?? 5000);
  const seed = Number(seedArg ?? Date.now() % 2 ** 31);
  const maxRuns = maxRunsArg ? Number(maxRunsArg) : Number.MAX_SAFE_INTEGER;
  const t0 = Date.now();
  const report: WorkerReport = { target: target.name, seed, runs: 0, ok: true, ms: 0, heapUsedMb: 0, slowestMs: 0 };
  const loaded = await target.load();
  if ('missing' in loaded) {
    report.missing = loaded.missing;
    report.ms = Date.now() - t0;
    console.log(JSON.stringify(report));
    return;
  }
  let runs = 0;
  let slowest = 0;
  const prop = fc.asyncProperty(loaded.arbitrary, async (input) => {
    runs++;
    const s = performance.now();
    try {
      await loaded.run(input);
    } catch (e) {
      if (!loaded.typed.some((c) => e instanceof c)) throw e;
    }
    const d = performance.now() - s;
    if (d > slowest) slowest = d;
    if (d > SLOW_MS) throw new SlowInput(`one input took ${d.toFixed(0)} ms (limit ${SLOW_MS})`);
  });
  const r = await fc.check(prop, {
    seed,
    numRuns: maxRuns,
    interruptAfterTimeLimit: budgetMs,
    markInterruptAsFailure: false,
    // Shrinking gets its own bounded time; the runner kills the process if everything overruns.
    skipAllAfterTimeLimit: budgetMs + 20_000,
  });
  report.runs = runs;
  report.ms = Date.now() - t0;
  report.slowestMs = Math.round(slowest);
  report.heapUsedMb = Math.round(process.memoryUsage().heapUsed / 1e6);
  if (r.failed) {
    const err = r.errorInstance as Error | undefined;
    report.ok = false;
    report.finding = {
      kind: err instanceof SlowInput ? 'slow' : 'untyped-error',
      error: err ? `${err.name}: ${err.message}` : String((r as { error?: unknown }).error ?? 'property failed'),
      input: r.counterexample ? loaded.show(r.counterexample[0]) : '(none)',
    };
    if (err?.stack) report.finding.stack = err.stack.split('\n').slice(0, 12).join('\n');
    if (r.counterexamplePath) report.finding.counterexamplePath = r.counterexamplePath;
  }
  console.log(JSON.stringify(report));
}

main().catch((e) => {
  console.error(e);
  process.exit(3);
});
