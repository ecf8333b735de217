// The layer rules of docs/architecture.md "Layers", enforced: core/ imports nothing of Node, Electron,
// the DOM or native packages; renderer/ talks only to the typed API (api/); core/ reaches nothing of
// ours outside core/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\W)import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  return out;
}

const CORE_PACKAGES = [/^cbor-x$/, /^@noble\/(curves|hashes|ciphers)(\/.*)?$/];
// zxing-wasm: the QR decoder (WebAssembly, runs in the camera Worker; its .wasm ships with the build).
// uplot: the staff dashboard's chart (bundled by vite; no network).
const RENDERER_PACKAGES = [
  /^react(\/.*)?$/,
  /^react-dom(\/.*)?$/,
  /^zod(\/.*)?$/,
  /^zxing-wasm\/reader(\/zxing_reader\.wasm\?url)?$/,
  /^uplot(\/.*)?$/,
];

test('core/ imports only core/ and pure packages (no node:, electron, DOM or native modules)', () => {
  const bad: string[] = [];
  for (const f of sources(join(root, 'core'))) {
    for (const spec of importsOf(f)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(f), spec);
        if (!target.startsWith(join(root, 'core') + '/')) bad.push(`${relative(root, f)} -> ${spec}`);
      } else if (!CORE_PACKAGES.some((re) => re.test(spec))) {
        bad.push(`${relative(root, f)} -> ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('core/ uses no Node or DOM globals (type-checked alone with lib ES2022 and no @types)', () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'core', 'tsconfig.json'), '--noEmit'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('renderer/ imports only renderer/, the typed API contract and UI packages', () => {
  const bad: string[] = [];
  for (const f of sources(join(root, 'renderer'))) {
    if (f.endsWith('vite.config.ts')) continue;
    for (const spec of importsOf(f)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(f), spec);
        const ok = target.startsWith(join(root, 'renderer') + '/') || target.startsWith(join(root, 'api') + '/');
        if (!ok) bad.push(`${relative(root, f)} -> ${spec}`);
      } else if (!RENDERER_PACKAGES.some((re) => re.test(spec)) && !/\.css$/.test(spec)) {
        bad.push(`${relative(root, f)} -> ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('api/ (the contract renderer/ and main/ share) imports only api/ and zod', () => {
  const bad: string[] = [];
  for (const f of sources(join(root, 'api'))) {
    for (const spec of importsOf(f)) {
      const inside = spec.startsWith('.') && resolve(dirname(f), spec).startsWith(join(root, 'api') + '/');
      if (!inside && spec !== 'zod') bad.push(`${relative(root, f)} -> ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('renderer/ and api/ type-check alone: the renderer with DOM types and no Node types, the contract with neither', () => {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const dir of ['renderer', 'api']) {
    const r = spawnSync(process.execPath, [tsc, '-p', join(root, dir, 'tsconfig.json'), '--noEmit'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${dir}: ${r.stdout}${r.stderr}`);
  }
});

test('main/ and sim/ never import renderer/', () => {
  const bad: string[] = [];
  for (const dir of ['main', 'sim']) {
    for (const f of sources(join(root, dir))) {
      for (const spec of importsOf(f)) {
        if (spec.startsWith('.') && resolve(dirname(f), spec).startsWith(join(root, 'renderer') + '/'))
          bad.push(`${relative(root, f)} -> ${spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
