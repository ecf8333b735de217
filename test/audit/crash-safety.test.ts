// Crash-safety of the audit log: a child process appends entries while the parent kills
// it with SIGKILL at random moments, 50 times; after each, the database opens, the chain verifies,
// and no entry whose append had returned is missing. The child (crash-child.ts) reports each
// returned seq through a pipe with a synchronous write before it continues, so "returned" is exact.
// Kills land during start-up and migrations (early kills), inside appends, retention cuts, checkpoint
// signatures and epoch ratchets of the sealing key; after each, the log also verifies with the
// kiosk's public key (the signed layer survives the kill as the chain does).
// Random moments come from a seeded generator; the seed is printed so a failure can be replayed
// with KAKUNIN_CRASH_SEED=<seed>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson } from '../../core/audit/canonical.ts';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { readAuditPublicKey } from '../../main/audit/sealing-key.ts';
import { crashEntry, CRASH_VERIFY_NOW } from './crash-entries.ts';
import { tempDir } from './helpers.ts';
import { mulberry32 } from '../../sim/prng.ts';

const KILLS = 50;
const childSource = join(import.meta.dirname, 'crash-child.ts');
const repoModules = join(import.meta.dirname, '..', '..', 'node_modules');

/**
 * How to start the child. Starting tsx and compiling TypeScript in each of 50 children costs about a
 * second each on a busy machine, so the child is bundled once with esbuild (tsx's own compiler,
 * already installed) into one CommonJS file; better-sqlite3 stays external and is found through
 * NODE_PATH. Without esbuild the child runs under tsx (slower, same code).
 */
async function childCommand(dir: string): Promise<{ args: string[]; env: NodeJS.ProcessEnv; how: string }> {
  try {
    const { build } = await import('esbuild');
    const outfile = join(dir, 'crash-child.cjs');
    await build({
      entryPoints: [childSource],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      external: ['better-sqlite3'],
      logLevel: 'error',
    });
    return { args: [outfile], env: { ...process.env, NODE_PATH: repoModules }, how: 'esbuild bundle' };
  } catch (e) {
    console.log(
      `# crash-safety: esbuild unavailable (${(e as Error).message.split('\n')[0]}), running the child under tsx`,
    );
    return { args: ['--import', 'tsx', childSource], env: process.env, how: 'tsx' };
  }
}

/** Epoch certificates the key has made (each one a ratchet). */
function epochs(home: string): number {
  const f = join(home, 'audit-key', 'epochs.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0;
}

interface Run {
  appended: number[];
  prunes: number;
  ready: boolean;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Start the child; kill it `delayMs` after it is ready (or after spawn, when `early`). */
function runOnce(
  cmd: { args: string[]; env: NodeJS.ProcessEnv },
  db: string,
  home: string,
  delayMs: number,
  early: boolean,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...cmd.args, db, home], { stdio: ['ignore', 'pipe', 'pipe'], env: cmd.env });
    const run: Run = { appended: [], prunes: 0, ready: false, signal: null, stderr: '' };
    let buf = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => p.kill('SIGKILL');
    if (early) timer = setTimeout(kill, delayMs);
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === 'ready') {
          run.ready = true;
          if (!early) timer = setTimeout(kill, delayMs);
        } else if (line.startsWith('appended ')) run.appended.push(Number(line.slice(9)));
        else if (line.startsWith('pruned ')) run.prunes++;
      }
    });
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d: string) => (run.stderr += d));
    p.on('error', reject);
    // 'close' fires after stdout has ended, so every line the child wrote has been read.
    p.on('close', (_code, signal) => {
      clearTimeout(timer);
      run.signal = signal;
      resolve(run);
    });
  });
}

test('audit appends survive SIGKILL at random moments, 50 times: opens, verifies, nothing returned is lost', async () => {
  const seed = Number(process.env.KAKUNIN_CRASH_SEED ?? Date.now() % 2 ** 31);
  console.log(`# crash-safety seed ${seed} (replay: KAKUNIN_CRASH_SEED=${seed})`);
  const rnd = mulberry32(seed);
  const t = tempDir('kakunin-crash-');
  const db = join(t.dir, 'audit.sqlite');
  const home = join(t.dir, 'home');
  const pem = join(home, 'audit-key', 'kiosk.pub.pem');
  const cmd = await childCommand(t.dir);
  let signedChecks = 0;
  const started = Date.now();
  const returned = new Set<number>();
  let killedBeforeReady = 0;
  let killedDuringAppends = 0;
  let prunes = 0;
  try {
    for (let k = 0; k < KILLS; k++) {
      // Every fifth run (and the first, which creates the file and runs the migrations) is killed
      // at a random moment from spawn, often before the store is even open.
      const early = k % 5 === 0;
      const delay = early ? Math.floor(rnd() * 400) : Math.floor(rnd() * 120);
      const run = await runOnce(cmd, db, home, delay, early);
      assert.equal(run.signal, 'SIGKILL', `run ${k}: the child was not killed but ended by itself: ${run.stderr}`);
      if (!run.ready) killedBeforeReady++;
      else if (run.appended.length) killedDuringAppends++;
      for (const s of run.appended) returned.add(s);
      prunes += run.prunes;
      if (!existsSync(db)) continue; // killed before the file was created

      // The database opens (read-write like a restarting kiosk, or read-only like `audit verify`).
      const store = AuditStore.open(db, { readOnly: k % 2 === 1 });
      try {
        const report = store.verify();
        assert.equal(
          report.ok,
          true,
          `run ${k} (seed ${seed}): chain broken after SIGKILL at seq ${report.firstBroken?.seq}: ${report.firstBroken?.detail}`,
        );
        // The key is made before the log, and its public half right after: a kill in between
        // leaves no public key yet (the next run writes it).
        if (existsSync(pem)) {
          const signed = store.verify([], {
            publicKey: readAuditPublicKey(readFileSync(pem, 'utf8')),
            now: CRASH_VERIFY_NOW,
          });
          assert.equal(
            signed.ok,
            true,
            `run ${k} (seed ${seed}): signed layer broken after SIGKILL at seq ${signed.firstBroken?.seq}: ${signed.firstBroken?.reason} ${signed.firstBroken?.detail}`,
          );
          signedChecks++;
        }
        const head = store.head();
        const maxReturned = Math.max(0, ...returned);
        assert.ok((head?.seq ?? 0) >= maxReturned, `run ${k}: head ${head?.seq} is behind returned seq ${maxReturned}`);
      } finally {
        store.close();
      }
      // Every returned append at or after the retention anchor is there, byte for byte.
      const raw = new Database(db, { readonly: true });
      try {
        const anchor = raw.prepare('SELECT MAX(first_seq) AS f FROM audit_retention_anchor').get() as {
          f: number | null;
        };
        const firstSeq = anchor.f ?? 1;
        const get = raw.prepare('SELECT kind, body FROM audit_chain WHERE seq = ?');
        for (const s of returned) {
          if (s < firstSeq) continue; // legitimately removed by a retention cut
          const row = get.get(s) as { kind: string; body: string } | undefined;
          assert.ok(row, `run ${k} (seed ${seed}): returned seq ${s} is missing`);
          assert.equal(row.kind, 'entry');
          assert.equal(row.body, canonicalJson(crashEntry(s)), `run ${k}: seq ${s} content differs`);
        }
      } finally {
        raw.close();
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `# crash-safety: ${KILLS} SIGKILLs in ${seconds.toFixed(1)} s (child via ${cmd.how}); ${returned.size} appends returned before a kill; ` +
        `${prunes} retention cuts; ${killedBeforeReady} kills before the store was open, ${killedDuringAppends} during appends; ` +
        `signed layer verified after ${signedChecks} kills (${epochs(home)} key epochs)`,
    );
    assert.ok(
      killedDuringAppends >= KILLS / 2,
      `too few kills landed during appends (${killedDuringAppends}): the test would prove little`,
    );
    assert.ok(returned.size > 0);
    assert.ok(signedChecks >= KILLS / 2, `the signed layer was checked after only ${signedChecks} kills`);
    assert.ok(prunes > 0, 'no retention cut ran: raise the append count or lower the cut interval');
  } finally {
    t.cleanup();
  }
});
