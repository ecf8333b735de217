// Start-up of the shipped program (JavaScript compiled by `npm run build`) beside the run-time
// TypeScript loader it replaced (tsx), as separate processes exactly as a user starts them:
//   kakunin --help                        goal <= 300 ms
//   verify-response of ISO 18013-5 Annex D  goal <= 400 ms (end to end: start, verify, JSON out)
//   npm start to the printed kiosk URL     goal <= 600 ms (no reader attached; headless host)
// Wall-clock medians. The loader runs get their own warmed cache folder (a private TMPDIR), so they
// are timed at their best and never touch the shared temp folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { REFERENCE_DIR } from '../support/reference-files.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ANNEX_D = join(REFERENCE_DIR, 'vectors', 'iso18013-5-annex-d.json');

export interface StartupRow {
  name: string;
  compiled_command: string;
  loader_command: string;
  compiled_median_ms: number;
  loader_median_ms: number;
  goal_ms: number;
  met: boolean;
  runs: { compiled: number; loader: number };
}
export type StartupResult = StartupRow | { name: string; missing: string };

interface Subject {
  name: string;
  goal_ms: number;
  compiled: string[];
  loader: string[];
  /** Resolves when the process has done the job (exit 0, or printed the URL); the caller stops it. */
  until: 'exit' | RegExp;
  check?: (stdout: string) => void;
}

const command = (argv: string[], work: string): string =>
  [basename(argv[0]!), ...argv.slice(1)].join(' ').replaceAll(work, '$WORK');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One timed start: ms from spawn to exit (or to the line `until` matches). */
function timeOnce(argv: string[], s: Subject, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Its own process group: `npm start` runs the kiosk in a child of npm, and the whole group is stopped.
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stop = (sig: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        /* gone */
      }
    };
    let out = '';
    let err = '';
    let done = false;
    const timer = setTimeout(() => {
      stop('SIGKILL');
      reject(new Error(`${s.name}: no result in 60 s: ${err.slice(-300)}`));
    }, 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (s.until instanceof RegExp && !done && s.until.test(out)) {
        done = true;
        const ms = performance.now() - t0;
        clearTimeout(timer);
        child.once('exit', () => resolve(ms));
        stop('SIGTERM');
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) => {
      if (done) return;
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (s.until !== 'exit' || code !== 0)
        return reject(new Error(`${s.name}: ${argv.join(' ')} exited ${code}: ${err.slice(-300)}`));
      try {
        s.check?.(out);
      } catch (e) {
        return reject(e);
      }
      resolve(ms);
    });
  });
}

async function timeMany(argv: string[], s: Subject, env: NodeJS.ProcessEnv, n: number): Promise<number> {
  await timeOnce(argv, s, env); // warm-up: page cache, and the loader's own compile cache
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(await timeOnce(argv, s, env));
  return median(t);
}

export async function benchStartup(o: { quick: boolean; log?: (s: string) => void }): Promise<StartupResult[]> {
  const nCompiled = o.quick ? 2 : 9;
  const nLoader = o.quick ? 1 : 3;
  const work = mkdtempSync(join(tmpdir(), 'kakunin-bench-startup-'));
  const loaderTmp = join(work, 'tmp');
  mkdirSync(loaderTmp, { mode: 0o700 });
  const home = join(work, 'home');
  const node = process.execPath;
  // No pcscd socket: the "no reader attached" start every newcomer sees.
  const env = { ...process.env, PCSCLITE_CSOCK_NAME: join(work, 'no-pcscd.sock') };
  const loaderEnv = { ...env, TMPDIR: loaderTmp };
  const FROM_SOURCE = ['--import', 'tsx', join('test', 'support', 'kakunin-from-source.ts')];
  const subjects: (Subject | { name: string; missing: string })[] = [
    {
      name: 'kakunin --help',
      goal_ms: 300,
      compiled: [node, 'main/cli/kakunin.mjs', '--help'],
      loader: [node, ...FROM_SOURCE, '--help'],
      until: 'exit',
    },
  ];
  if (existsSync(ANNEX_D)) {
    const v = JSON.parse(readFileSync(ANNEX_D, 'utf8')).values as Record<string, string>;
    mkdirSync(join(work, 'trust', 'iaca'), { recursive: true });
    writeFileSync(join(work, 'response.cbor'), Buffer.from(v.device_response!, 'hex'));
    writeFileSync(join(work, 'transcript.cbor'), Buffer.from(v.session_transcript_bytes!, 'hex'));
    writeFileSync(join(work, 'trust', 'iaca', 'annex-d.der'), Buffer.from(v.iaca_root_cert!, 'hex'));
    const args = [
      'verify-response',
      '--response',
      join(work, 'response.cbor'),
      '--transcript',
      join(work, 'transcript.cbor'),
      '--trust',
      join(work, 'trust'),
      '--at',
      '2020-10-02T00:00:00Z',
      '--reader-key',
      v.ephemeral_reader_key_d!,
      '--json',
    ];
    subjects.push({
      name: 'verify-response Annex D',
      goal_ms: 400,
      compiled: [node, 'main/cli/kakunin.mjs', ...args],
      loader: [node, ...FROM_SOURCE, ...args],
      until: 'exit',
      check: (out) => {
        if (JSON.parse(out).verdict !== 'valid') throw new Error('Annex D did not verify');
      },
    });
  } else subjects.push({ name: 'verify-response Annex D', missing: `${ANNEX_D} not found` });
  const startArgs = ['--no-browser', '--port', '0', '--home', home];
  subjects.push({
    name: 'npm start to the printed URL',
    goal_ms: 600,
    compiled: ['npm', 'start', '--', ...startArgs],
    loader: [node, '--import', 'tsx', 'main/start.ts', ...startArgs],
    until: /http:\/\/127\.0\.0\.1:\d+\//,
  });

  const rows: StartupResult[] = [];
  try {
    for (const s of subjects) {
      if ('missing' in s) {
        rows.push(s);
        continue;
      }
      o.log?.(`timing start-up: ${s.name} ...`);
      const compiled = await timeMany(s.compiled, s, env, nCompiled);
      const loader = await timeMany(s.loader, s, loaderEnv, nLoader);
      const r = (x: number) => Math.round(x * 10) / 10;
      rows.push({
        name: s.name,
        compiled_command: command(s.compiled, work),
        loader_command: command(s.loader, work),
        compiled_median_ms: r(compiled),
        loader_median_ms: r(loader),
        goal_ms: s.goal_ms,
        met: r(compiled) <= s.goal_ms,
        runs: { compiled: nCompiled, loader: nLoader },
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
