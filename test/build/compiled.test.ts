// The compiled program (`npm run build` -> dist/) against the TypeScript sources it came from: the
// same outputs for the same commands, no TypeScript or loader left in it, a clear "run npm run build"
// when dist/ is missing or older than the sources, and no WebAssembly needed to start (the loader
// needed it, and failed under an address-space limit).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureRendererBuilt } from '../../main/headless/renderer-build.ts';
import { annexD as annexDFile } from '../support/reference-files.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'main', 'cli', 'kakunin.mjs');
const FROM_SOURCE = ['--import', 'tsx', join(ROOT, 'test', 'support', 'kakunin-from-source.ts')];
const v = annexDFile().values;

const work = mkdtempSync(join(tmpdir(), 'kakunin-compiled-'));
after(() => rmSync(work, { recursive: true, force: true }));
mkdirSync(join(work, 'trust', 'iaca'), { recursive: true });
writeFileSync(join(work, 'response.cbor'), Buffer.from(v.device_response, 'hex'));
writeFileSync(join(work, 'transcript.cbor'), Buffer.from(v.session_transcript_bytes, 'hex'));
writeFileSync(join(work, 'trust', 'iaca', 'annex-d.der'), Buffer.from(v.iaca_root_cert, 'hex'));
const annexD = (at: string) => [
  'verify-response',
  '--response',
  join(work, 'response.cbor'),
  '--transcript',
  join(work, 'transcript.cbor'),
  '--trust',
  join(work, 'trust'),
  '--at',
  at,
  '--reader-key',
  v.ephemeral_reader_key_d,
  '--json',
];

function run(args: string[], o: { cwd?: string; limitKb?: number } = {}) {
  const r = o.limitKb
    ? spawnSync('bash', ['-c', `ulimit -v ${o.limitKb} && exec "$@"`, 'bash', process.execPath, ...args], {
        cwd: o.cwd ?? ROOT,
        encoding: 'utf8',
        timeout: 90_000,
      })
    : spawnSync(process.execPath, args, { cwd: o.cwd ?? ROOT, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('compiled CLI = CLI from the sources: Annex D valid and expired, --help, trust list, a usage error', () => {
  const cases = [
    annexD('2020-10-02T00:00:00Z'),
    annexD('2022-01-01T00:00:00Z'),
    ['--help'],
    ['trust', 'list', '--trust', join(ROOT, 'resources', 'test-trust'), '--at', '2026-11-22T10:00:00Z', '--json'],
    ['verify-response', '--response'],
  ];
  const codes: (number | null)[] = [];
  for (const args of cases) {
    const compiled = run([CLI, ...args]);
    const source = run([...FROM_SOURCE, ...args]);
    assert.equal(compiled.code, source.code, `${args.join(' ')}: exit code`);
    assert.equal(compiled.out, source.out, `${args.join(' ')}: stdout`);
    assert.equal(compiled.err, source.err, `${args.join(' ')}: stderr`);
    codes.push(compiled.code);
  }
  assert.deepEqual(codes, [0, 1, 0, 0, 2]);
  const valid = JSON.parse(run([CLI, ...annexD('2020-10-02T00:00:00Z')]).out);
  assert.equal(valid.verdict, 'valid');
  assert.equal(valid.documents[0].elements['org.iso.18013.5.1'].family_name, 'Doe');
});

test('dist/ holds only JavaScript: no import of a .ts file, no loader', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.push(join(d, e.name));
    }
  };
  for (const d of ['main', 'core', 'sim', 'api']) walk(join(ROOT, 'dist', d));
  assert.ok(files.length > 150, `${files.length} compiled files`);
  for (const f of files) {
    assert.ok(f.endsWith('.js'), `${relative(ROOT, f)}: only .js`);
    const js = readFileSync(f, 'utf8');
    assert.doesNotMatch(js, /(?:from|import\()\s*["'][^"']*\.ts["']/, `${relative(ROOT, f)} imports a .ts file`);
    assert.doesNotMatch(js, /["']tsx(?:\/[^"']*)?["']/, `${relative(ROOT, f)} refers to the tsx loader`);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.ok(!('tsx' in pkg.dependencies), 'the loader is a development dependency only (not packaged)');
  assert.equal(pkg.scripts.start, 'node main/start.mjs');
  assert.equal(pkg.bin.kakunin, 'main/cli/kakunin.mjs');
});

test('runtime file lookups find the same files from dist/ as from the sources', async () => {
  const pairs: [string, string, string][] = [
    ['main/project-root', 'ROOT', ''],
    ['main/project-root', 'TEST_TRUST_DIR', 'iaca'],
    ['main/trust/trust-sources', 'BUILTIN_TRUST_DIR', ''],
    ['main/headless/renderer-build', 'DIST', 'index.html'],
    ['main/headless/server', 'DEFAULT_DIST', 'index.html'],
    ['main/electron/shell', 'PRELOAD', ''],
    ['sim/card/generate-test-keys', 'FIXTURES', 'face.jp2'],
  ];
  for (const [mod, name, inside] of pairs) {
    const fromSource = (await import(join(ROOT, `${mod}.ts`)))[name] as string;
    const fromDist = (await import(join(ROOT, 'dist', `${mod}.js`)))[name] as string;
    assert.equal(fromDist, fromSource, `${mod} ${name}`);
    assert.ok(existsSync(join(fromDist, inside)), `${mod} ${name}: ${fromDist} exists`);
  }
});

test('source files find project files through main/project-root.ts, not by counting folders up from themselves', () => {
  // dist/ is one folder deeper than the sources: `join(import.meta.dirname, '..', ...)` finds
  // different files there. Allowed: createRequire, "am I the script being run" checks, and the
  // development-only generators (run from the sources, never shipped).
  const allowed = [
    /createRequire\(import\.meta\.url\)/,
    /import\.meta\.url === `file:\/\/\$\{process\.argv\[1\]\}`/,
    /fileURLToPath\(import\.meta\.url\) === process\.argv\[1\]/,
    /^export const COMPILED = /,
    /^export const ROOT = /,
  ];
  const devOnly = ['sim/pki/generate-test-trust.ts', 'sim/mdoc/make-sample-portrait.ts'];
  const bad: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !devOnly.includes(relative(ROOT, p))) {
        readFileSync(p, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (
              /import\.meta\.(url|dirname|filename)/.test(line) &&
              !line.trim().startsWith('//') &&
              !allowed.some((a) => a.test(line.trim()))
            )
              bad.push(`${relative(ROOT, p)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
  };
  for (const d of ['main', 'core', 'sim', 'api']) walk(join(ROOT, d));
  assert.deepEqual(bad, [], 'use ROOT (or COMPILED) from main/project-root.ts');
});

test('dist/ missing or older than the sources: each entry says "run `npm run build`" (exit 2), never falls back to the loader', () => {
  // A copy of the start-up files alone (no dist/), laid out like the project.
  const copy = join(work, 'project');
  for (const f of [
    'main/launch.mjs',
    'main/cli/kakunin.mjs',
    'main/start.mjs',
    'main/electron/main.cjs',
    'package.json',
  ]) {
    mkdirSync(join(copy, f, '..'), { recursive: true });
    copyFileSync(join(ROOT, f), join(copy, f));
  }
  writeFileSync(join(copy, 'main', 'start.ts'), '// a source file\n');
  for (const entry of [
    ['main/cli/kakunin.mjs', '--help'],
    ['main/start.mjs', '--no-browser'],
    ['main/electron/main.cjs'],
  ]) {
    const r = run([join(copy, entry[0]!), ...entry.slice(1)], { cwd: copy });
    assert.equal(r.code, 2, `${entry[0]}: ${r.err}`);
    assert.match(r.err, /the compiled program \(dist\/\) is missing: run `npm run build`/, entry[0]);
    assert.doesNotMatch(r.err, /at .*\(.*:\d+:\d+\)/, 'a message, not a stack trace');
  }
  // Built once, then a source file changed.
  mkdirSync(join(copy, 'dist'));
  writeFileSync(join(copy, 'dist', 'build-stamp.json'), '{}\n');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(copy, 'dist', 'build-stamp.json'), old, old);
  const stale = run([join(copy, 'main/cli/kakunin.mjs'), '--help'], { cwd: copy });
  assert.equal(stale.code, 2);
  assert.match(stale.err, /dist\/ is older than the TypeScript sources .*: run `npm run build`/);
});

/** Start the kiosk (no browser) under `ulimit -v`, until the URL is printed; what it printed. */
function startLimited(limitKb: number): Promise<{ out: string; code: number | null }> {
  const home = mkdtempSync(join(work, 'home-'));
  const child = spawn(
    'bash',
    [
      '-c',
      `ulimit -v ${limitKb} && exec "$@"`,
      'bash',
      process.execPath,
      join(ROOT, 'main', 'start.mjs'),
      '--no-browser',
      '--port',
      '0',
      '--home',
      home,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, PCSCLITE_CSOCK_NAME: join(home, 'no.sock') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const seen = (d: Buffer) => {
      out += d;
      if (/http:\/\/127\.0\.0\.1:\d+\//.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ out, code });
    });
  });
}

test('no WebAssembly at start: under a 2 GiB address-space limit the compiled CLI and kiosk start; the loader could not', async () => {
  const LIMIT_KB = 2 * 1024 * 1024;
  // Before: the loader instantiates its WebAssembly lexer at start, which reserves more address
  // space than the limit allows; the process dies (exit 1), its message (RangeError:
  // WebAssembly.instantiate(): Out of memory) is sometimes lost on the way out.
  const old = run([...FROM_SOURCE, '--help'], { limitKb: LIMIT_KB });
  assert.notEqual(old.code, 0, 'the loader path fails under the limit');
  if (old.err.trim()) assert.match(old.err, /WebAssembly|Wasm/);

  const help = run([CLI, '--help'], { limitKb: LIMIT_KB });
  assert.equal(help.code, 0, help.err);
  const verify = run([CLI, ...annexD('2020-10-02T00:00:00Z')], { limitKb: LIMIT_KB });
  assert.equal(verify.code, 0, verify.err);
  assert.equal(JSON.parse(verify.out).verdict, 'valid');
  // `npm run build` made the renderer (vite needs WebAssembly); the kiosk's start-up only serves it.
  await ensureRendererBuilt();
  const start = await startLimited(LIMIT_KB);
  assert.match(start.out, /kakunin: host on http:\/\/127\.0\.0\.1:\d+\//, start.out);
  assert.doesNotMatch(start.out, /WebAssembly|Wasm|out of memory/i);
});
