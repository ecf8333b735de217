// A pcscd of a test's own, that the test may kill and start again (the PC/SC service going away
// mid-read, as when the daemon crashes, is restarted, or loses a yanked USB reader). The suite's shared
// pcscd (test/run.mjs) must stay untouched, and vpcd's ports (35963/35964) are fixed, so the test body
// runs in a child process in its OWN network + mount namespace: its own loopback, its own tmpfs on
// /run/pcscd, its own `pcscd -f`. Nothing it does is visible to the other test files.
//
// Parent side:  runInPrivatePcscd(childScript, args) -> { code, stdout, stderr, result }
// Child side:   const d = await PrivatePcscd.setUp(); await d.start(); d.kill('SIGKILL'); ...; report(x)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { probePcscd } from '../../main/pcsc/pcscd-probe.ts';
import { VPCD_PORTS, VPCD_READER_NAMES } from './pcscd.ts';

/** Child side: the private daemon's vpcd slot 0, the reader every scenario uses. */
export const VPCD_PORT = VPCD_PORTS[0];
export const VPCD_READER = VPCD_READER_NAMES[0];

const SOCKET = '/run/pcscd/pcscd.comm';
const RESULT_PREFIX = 'PRIVATE-PCSCD-RESULT ';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why a private pcscd cannot be started here, or null. */
export function privatePcscdUnavailable(): string | null {
  if (process.platform !== 'linux')
    return `private pcscd needs Linux namespaces (this is ${process.platform}); pcscd-loss tests skipped`;
  if (process.getuid?.() !== 0)
    return 'private pcscd needs root (unshare -n -m, mount tmpfs on /run/pcscd); pcscd-loss tests skipped';
  const missing = ['unshare', 'pcscd', 'ip', 'mount'].filter((c) => !has(c));
  if (missing.length)
    return `private pcscd needs ${missing.join(', ')} (apt-get install -y pcscd vsmartcard-vpcd iproute2 util-linux); pcscd-loss tests skipped`;
  return null;
}

export interface ChildRun<T> {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** What the child passed to report(), or null if it never did (crash, hang). */
  result: T | null;
  /** The child was killed by the parent's timeout. */
  timedOut: boolean;
}

/**
 * Run `script` (a .ts file, through tsx) in a private network + mount namespace. The child and
 * everything it starts (its pcscd) form one process group, killed when the child ends or times out,
 * so no daemon outlives the test.
 */
export function runInPrivatePcscd<T>(script: string, args: string[] = [], timeoutMs = 20_000): Promise<ChildRun<T>> {
  return new Promise((resolve) => {
    const p = spawn(
      'unshare',
      ['-n', '-m', '--propagation', 'private', process.execPath, '--import', 'tsx', script, ...args],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, KAKUNIN_PRIVATE_PCSCD: '1', KAKUNIN_PCSCD: '1' },
      },
    );
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const killGroup = () => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        /* group already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      killGroup(); // its pcscd, if the child left it running
      // 'exit' can come before the pipes drain.
      const done = () => {
        const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
        resolve({
          code,
          signal,
          stdout,
          stderr,
          timedOut,
          result: line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as T) : null,
        });
      };
      if (p.stdout.readableEnded) done();
      else p.stdout.once('end', done);
    });
  });
}

/**
 * Child side: is the main thread free while the daemon hangs? Ticks every 50 ms and remembers the
 * longest gap between two ticks; `stop()` ends the watch and returns that gap in ms.
 */
export function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let maxGap = 0;
  const tick = setInterval(() => {
    const t = performance.now();
    maxGap = Math.max(maxGap, t - last);
    last = t;
  }, 50);
  return {
    stop() {
      clearInterval(tick);
      return maxGap;
    },
  };
}

/**
 * Child side: run one scenario and report it. The process must survive the daemon's death, so
 * anything escaping (uncaught exception, unhandled rejection) is recorded and reported with the
 * result, which fails the test. On failure every daemon is stopped so the child can end. No
 * process.exit(): the parent checks that the child ends by itself (no native handle left behind).
 */
export async function runScenario(scenario: () => Promise<unknown>): Promise<void> {
  const escaped: string[] = [];
  process.on('uncaughtException', (e) =>
    escaped.push(`uncaughtException: ${e instanceof Error ? e.stack : String(e)}`),
  );
  process.on('unhandledRejection', (e) =>
    escaped.push(`unhandledRejection: ${e instanceof Error ? e.stack : String(e)}`),
  );
  try {
    const result = await scenario();
    // Let late events (the binding's exit notices) arrive before judging "nothing escaped".
    await new Promise((r) => setTimeout(r, 100));
    report({ ok: true, result, escaped });
  } catch (e) {
    report({ ok: false, error: e instanceof Error ? e.stack : String(e), escaped });
    await PrivatePcscd.stopAll();
  }
}

/** Child side: wait until `f()` holds (polled every 10 ms); resolves with the ms it took, or throws naming `what`. */
export async function until(f: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = performance.now();
  while (!f()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

/** Child side: hand the result to the parent (one line on stdout). */
export function report(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Child side: the private daemon. */
export class PrivatePcscd {
  #proc: ChildProcess | null = null;

  static readonly #all = new Set<PrivatePcscd>();

  private constructor() {
    PrivatePcscd.#all.add(this);
  }

  /** Stop every daemon this child started (after a failed scenario, so the child can end). */
  static async stopAll(): Promise<void> {
    for (const d of PrivatePcscd.#all) await d.stop();
  }

  /** Loopback up (quickack as in test/run.mjs), a private tmpfs on /run/pcscd. */
  static setUp(): PrivatePcscd {
    if (process.env.KAKUNIN_PRIVATE_PCSCD !== '1')
      throw new Error('PrivatePcscd runs only in a child of runInPrivatePcscd()');
    const sh = (c: string) => spawnSync('sh', ['-c', c], { stdio: 'inherit' }).status === 0;
    if (!sh('ip link set lo up')) throw new Error('ip link set lo up failed');
    for (const r of ['127.0.0.0/8', '127.0.0.1'])
      sh(`ip route change local ${r} dev lo table local proto kernel scope host src 127.0.0.1 quickack 1`);
    mkdirSync('/run/pcscd', { recursive: true });
    if (!sh('mount -t tmpfs tmpfs /run/pcscd')) throw new Error('mount tmpfs on /run/pcscd failed');
    const d = new PrivatePcscd();
    process.on('exit', () => d.#proc?.kill('SIGKILL'));
    return d;
  }

  get running(): boolean {
    return this.#proc !== null && this.#proc.exitCode === null && this.#proc.signalCode === null;
  }

  /** Start pcscd and wait until it answers on its socket. A killed daemon leaves its socket behind, so that goes first. */
  async start(timeoutMs = 5000): Promise<void> {
    if (this.running) throw new Error('pcscd already running');
    rmSync(SOCKET, { force: true });
    const proc = spawn('pcscd', ['-f'], { stdio: ['ignore', 'ignore', 'inherit'] });
    this.#proc = proc;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`pcscd exited at start (${proc.exitCode ?? proc.signalCode})`);
      if (existsSync(SOCKET) && (await probePcscd(200)).ok) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`pcscd did not answer within ${timeoutMs} ms`);
  }

  /** Send `signal` now (synchronously: usable inside a card's APDU handler). */
  kill(signal: NodeJS.Signals): void {
    this.#proc?.kill(signal);
  }

  /**
   * A device hook (called with n as the virtual card or phone receives its n-th command) that sends
   * `signal` to the daemon at command `atApdu`; `at()` is when it did (performance.now(), 0 before).
   */
  killAtApdu(atApdu: number, signal: NodeJS.Signals): { hook: (n: number) => void; at: () => number } {
    let at = 0;
    return {
      hook: (n) => {
        if (n !== atApdu) return;
        at = performance.now();
        this.kill(signal);
      },
      at: () => at,
    };
  }

  /** Resolves once the daemon has exited. */
  async exited(timeoutMs = 5000): Promise<void> {
    const p = this.#proc;
    if (!p || !this.running) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`pcscd still running after ${timeoutMs} ms`)), timeoutMs);
      p.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    await this.exited().catch(() => this.kill('SIGKILL'));
  }
}
