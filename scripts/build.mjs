#!/usr/bin/env node
// `npm run build`: everything `npm start`, `npx kakunin` and the Electron entry need after `npm ci`.
//  1. native add-ons: install scripts are off (.npmrc ignore-scripts), so the two packages that must
//     be compiled on Linux are built here from source (scripts/native-addons.mjs);
//  2. main/, core/, sim/ and api/ compiled to dist/ with esbuild: one .js file a .ts file, same folders,
//     imports kept as imports (.ts -> .js), so stack traces and the code stay readable;
//  3. the renderer (vite) into dist/renderer/, when its sources are newer than the last build.
//
// Usage: node scripts/build.mjs [--no-native] [--no-renderer]
//   test/run.mjs calls compileTypeScript() alone (fast) when dist/ is older than the sources.
import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILD_STAMP, DIST, ROOT, SOURCE_DIRS, distProblem } from '../main/launch.mjs';
import { ensureNativeAddons } from './native-addons.mjs';

/** Every .ts file `npm run build` compiles (tests and type declarations excluded). */
export function sourceFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts'))
        out.push(relative(ROOT, p));
    }
  };
  for (const d of SOURCE_DIRS) walk(join(ROOT, d));
  return out.sort();
}

// esbuild's bundler is used only to see every import: each one stays external, relative ones
// re-pointed from .ts to the .js file compiled beside it. So each source becomes exactly one file.
const oneFilePerSource = {
  name: 'one-file-per-source',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) =>
      a.kind === 'entry-point' ? undefined : { path: a.path.replace(/\.ts$/, '.js'), external: true },
    );
  },
};

/** Compile main/, core/, sim/, api/ into dist/ (serialised with other builds of this checkout). */
export async function compileTypeScript(log = () => {}) {
  const { build } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  return withLock(join(DIST, '.build.lock'), async () => {
    const files = sourceFiles();
    const staging = join(DIST, `.staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    const t0 = Date.now();
    const r = await build({
      absWorkingDir: ROOT,
      entryPoints: files,
      outbase: '.',
      outdir: staging,
      bundle: true,
      plugins: [oneFilePerSource],
      platform: 'node',
      format: 'esm',
      target: 'node20',
      charset: 'utf8',
      legalComments: 'inline',
      logLevel: 'warning',
    });
    if (r.errors.length) throw new Error(`esbuild: ${r.errors.length} error(s)`);
    // Swap folder by folder; a file deleted from the sources disappears from dist/ too.
    for (const d of SOURCE_DIRS) {
      rmSync(join(DIST, d), { recursive: true, force: true });
      renameSync(join(staging, d), join(DIST, d));
    }
    rmSync(staging, { recursive: true, force: true });
    writeFileSync(
      BUILD_STAMP,
      JSON.stringify({ built: new Date().toISOString(), files: files.length, by: 'scripts/build.mjs (esbuild)' }) +
        '\n',
    );
    log(`compiled ${files.length} files to dist/ in ${Date.now() - t0} ms`);
  });
}

/** compileTypeScript() only when dist/ is missing or older than the sources. */
export async function compileIfStale(log = () => {}) {
  const why = distProblem();
  if (!why) return false;
  log(`${why}: compiling`);
  await compileTypeScript(log);
  return true;
}

async function withLock(lock, fn) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a crashed build (older than two minutes) is taken over.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        /* gone */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another build (${lock})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

async function main(argv) {
  const log = (s) => console.log(`build: ${s}`);
  if (!argv.includes('--no-native')) ensureNativeAddons(log);
  await compileTypeScript(log);
  if (!argv.includes('--no-renderer')) {
    // The renderer build lives in the host (it also runs when `npm start` finds the renderer stale).
    const { ensureRendererBuilt, rendererIsFresh } = await import(
      pathToFileURL(join(DIST, 'main', 'headless', 'renderer-build.js')).href
    );
    if (rendererIsFresh()) log('renderer up to date (dist/renderer/)');
    else await ensureRendererBuilt(log);
  }
  log('done: `npm start` and `npx kakunin` run dist/');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`build: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
