#!/usr/bin/env node
// The README's test command runs this (npm test). It gathers test/**/*.test.ts and runs them with
// Node's own test runner. Where it can (root, unshare, pcscd installed), it first moves into a private
// network + mount namespace and starts a real pcscd there, so the vpcd virtual readers and the pcscd
// socket belong to this run alone (parallel runs do not collide) and loopback has quickack on
// (delayed ACKs: ~44 ms -> ~0.3 ms per APDU). Tests that need pcscd read KAKUNIN_PCSCD=1; without it
// they skip and print why. First it compiles dist/ when the sources are newer (npm run build's
// TypeScript step, under a second), so the CLI and start-up tests run what `npx kakunin` and
// `npm start` run, built from the sources under test.
//
// Usage: node test/run.mjs [substring filters...]
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

if (!process.env.KAKUNIN_IN_NS) {
  const { compileIfStale } = await import('../scripts/build.mjs');
  await compileIfStale((s) => console.log(`# test/run: ${s}`));
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

if (!process.env.KAKUNIN_IN_NS && process.env.KAKUNIN_NO_NS !== '1') {
  const canNs = process.getuid?.() === 0 && has('unshare') && has('pcscd') && has('ip');
  if (canNs) {
    const r = spawnSync(
      'unshare',
      ['-n', '-m', '--propagation', 'private', process.execPath, fileURLToPath(import.meta.url), ...filters],
      {
        stdio: 'inherit',
        env: { ...process.env, KAKUNIN_IN_NS: '1' },
      },
    );
    process.exit(r.status ?? 1);
  }
  console.log('# test/run: not root or no pcscd/unshare/ip: running without pcscd (PC/SC tests will skip and say why)');
}

let pcscd = null;
if (process.env.KAKUNIN_IN_NS) {
  const sh = (c) => spawnSync('sh', ['-c', c], { stdio: 'inherit' }).status === 0;
  sh('ip link set lo up');
  for (const r of ['127.0.0.0/8', '127.0.0.1']) {
    sh(`ip route change local ${r} dev lo table local proto kernel scope host src 127.0.0.1 quickack 1`);
  }
  mkdirSync('/run/pcscd', { recursive: true });
  if (sh('mount -t tmpfs tmpfs /run/pcscd')) {
    pcscd = spawn('pcscd', ['-f'], { stdio: ['ignore', 'ignore', 'inherit'] });
    // Wait for the daemon's socket before any test connects.
    for (let i = 0; i < 100 && !existsSync('/run/pcscd/pcscd.comm'); i++) {
      spawnSync('sleep', ['0.05']);
    }
    if (existsSync('/run/pcscd/pcscd.comm')) process.env.KAKUNIN_PCSCD = '1';
    else console.log('# test/run: pcscd did not start: PC/SC tests will skip');
  }
}

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.mjs')) out.push(p);
  }
  return out;
}
let files = collect(join(root, 'test'), []).sort();
if (filters.length) files = files.filter((f) => filters.some((s) => relative(root, f).includes(s)));
if (!files.length) {
  console.error('test/run: no test files matched');
  process.exit(1);
}

// Each test file gets 5 minutes: enough for the 10,000-transaction soak (about a minute alone, now with
// the sealed audit log) on a busy 2-core machine, still a bound on a hang.
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files];
const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root, env: process.env });
const stop = () => {
  if (pcscd) pcscd.kill('SIGTERM');
};
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
for (const s of ['SIGINT', 'SIGTERM'])
  process.on(s, () => {
    child.kill(s);
    stop();
  });
