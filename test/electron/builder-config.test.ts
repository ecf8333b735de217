// electron-builder.yml: fuses flipped, targets, native rebuild, and every key known to
// electron-builder's own schema (so a typo cannot silently drop a fuse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): any };
const cfg = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));

test('Electron fuses: RunAsNode, NODE_OPTIONS and inspect off; asar integrity and asar-only on', () => {
  const f = cfg.electronFuses;
  assert.equal(f.runAsNode, false);
  assert.equal(f.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(f.enableNodeCliInspectArguments, false);
  assert.equal(f.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(f.onlyLoadAppFromAsar, true);
  assert.equal(f.grantFileProtocolExtraPrivileges, false);
});

test("fuse and top-level keys exist in electron-builder's schema (no silently ignored typo)", () => {
  const fuseProps = Object.keys(schema.definitions.FuseOptionsV1.properties);
  for (const k of Object.keys(cfg.electronFuses)) assert.ok(fuseProps.includes(k), `unknown fuse ${k}`);
  const top = Object.keys(schema.properties);
  for (const k of Object.keys(cfg)) assert.ok(top.includes(k), `unknown top-level key ${k}`);
});

test('targets AppImage and deb (Linux) and NSIS (Windows); asar on; native modules rebuilt for Electron', () => {
  assert.deepEqual(cfg.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(cfg.win.target, ['nsis']);
  assert.equal(cfg.asar, true);
  assert.equal(cfg.npmRebuild, true);
  assert.equal(cfg.appId, 'jp.kakunin.kiosk');
  assert.ok(cfg.files.includes('dist/renderer/**/*'));
  assert.ok(cfg.files.includes('!test/**'));
});

test('the package carries compiled JavaScript only: dist/ and the plain-JS start-up files, no TypeScript, built before packing', async () => {
  for (const f of [
    'dist/main/**/*',
    'dist/core/**/*',
    'dist/sim/**/*',
    'dist/renderer/**/*',
    'dist/build-stamp.json',
    'main/launch.mjs',
    'main/electron/main.cjs',
    'main/electron/preload.cjs',
    'sim/card/fixtures/**/*',
    '!**/*.ts',
  ]) {
    assert.ok(cfg.files.includes(f), `files: ${f}`);
  }
  for (const f of cfg.files as string[])
    assert.ok(!/^(main|core|sim)\/\*\*/.test(f), `no source folder shipped whole: ${f}`);
  const hook = require(join(root, cfg.beforePack));
  assert.equal(typeof hook.default, 'function', 'beforePack hook runs npm run build');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.ok(
    !pkg.dependencies.tsx,
    'the TypeScript loader is not a production dependency (electron-builder packs those)',
  );
});

test('package.json main points at the Electron entry that exists', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.main, 'main/electron/main.cjs');
  readFileSync(join(root, pkg.main));
});
