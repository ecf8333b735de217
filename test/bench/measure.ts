// Side-by-side timing: every subject of a comparison runs in the same process, on the same input,
// interleaved in rounds (random order each round) so drift (JIT, GC, CPU frequency, other load)
// hits all subjects alike. Each call is timed alone; we report the median per call.

export interface Subject {
  name: string;
  /** One operation. May return a promise (peer libraries are async); it is awaited. */
  run?: () => unknown;
  /** Instead of `run`: untimed set-up before each call, returning the timed operation. */
  prepare?: () => () => unknown;
}

export interface MeasureOptions {
  /** Untimed calls per subject before timing (JIT warm-up). */
  warmup: number;
  /** Timed rounds; each round runs `perRound` calls of every subject. */
  rounds: number;
  perRound: number;
}

export interface Stats {
  n: number;
  median_ms: number;
  p10_ms: number;
  p90_ms: number;
  mean_ms: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number): number => {
    if (s.length === 0) return NaN;
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
  };
  return {
    n: s.length,
    median_ms: q(0.5),
    p10_ms: q(0.1),
    p90_ms: q(0.9),
    mean_ms: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Which clock the medians use. 'cpu' (default): this process's CPU time (user + system, all threads,
 * so a peer's libuv/WebCrypto thread work counts too), microsecond-precise on Linux. It measures the
 * work, and other processes on a shared machine do not inflate it. 'wall': elapsed time.
 * BENCH_CLOCK=wall switches; both are always recorded.
 */
export const CLOCK: 'cpu' | 'wall' = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';

export interface Sample {
  wall: number;
  cpu: number;
}

/** Times one call of `fn` on both clocks, in ms. */
export async function timeOnce(fn: () => unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = fn();
  if (isPromise(r)) await r;
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function once(s: Subject): Promise<Sample> {
  const fn = s.prepare ? s.prepare() : s.run!;
  return timeOnce(fn);
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export interface BothStats {
  /** On the selected CLOCK: what the comparisons use. */
  main: Stats;
  cpu: Stats;
  wall: Stats;
}

export async function measureSideBySide(subjects: Subject[], o: MeasureOptions): Promise<Map<string, BothStats>> {
  for (const s of subjects) for (let i = 0; i < o.warmup; i++) await once(s);
  const samples = new Map<string, Sample[]>(subjects.map((s) => [s.name, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (const s of shuffle([...subjects])) {
      const out = samples.get(s.name)!;
      for (let i = 0; i < o.perRound; i++) out.push(await once(s));
    }
  }
  return new Map(
    [...samples].map(([k, v]) => {
      const cpu = stats(v.map((x) => x.cpu));
      const wall = stats(v.map((x) => x.wall));
      return [k, { main: CLOCK === 'cpu' ? cpu : wall, cpu, wall }];
    }),
  );
}
