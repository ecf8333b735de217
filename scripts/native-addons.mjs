#!/usr/bin/env node
// Native add-ons, built explicitly. The project's .npmrc sets ignore-scripts=true, so `npm ci` runs no
// package's install script (a dependency's install script is code run with the installer's rights;
// npm before version 12 only warns about package.json "allowScripts"). On Linux only two packages
// must be compiled at install; the rest ship working binaries or need no script:
//   - @pokusew/pcsclite: `node-gyp rebuild` (no prebuilt binary) -> built here;
//   - better-sqlite3: `prebuild-install || node-gyp rebuild` -> built here from source (the
//     prebuilt download needs GitHub, which build machines here cannot reach);
//   - @stoprocent/bluetooth-hci-socket, usb, @serialport/bindings-cpp: `node-gyp-build` only checks
//     that the shipped prebuilds/linux-<arch>/ binary loads; it loads at run time without the script;
//   - @stoprocent/noble, @stoprocent/bleno: their own add-ons are the macOS and Windows radios; on
//     Linux both talk HCI through bluetooth-hci-socket (above);
//   - cbor-extract: optional (cbor-x falls back to JavaScript) and ships as a prebuilt package;
//   - esbuild: its postinstall only re-checks the platform package (@esbuild/linux-x64);
//   - electron-winstaller: Windows packaging only, never needed.
// electron-builder rebuilds the same add-ons against Electron's ABI when it packages (npmRebuild).
//
// Usage: node scripts/native-addons.mjs [--force]   (npm run build calls ensureNativeAddons())
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../main/launch.mjs';

/** Each add-on that needs a compile on Linux, with a load that proves its binary works under this Node. */
export const NATIVE_ADDONS = [
  { pkg: '@pokusew/pcsclite', probe: "require('@pokusew/pcsclite')" },
  { pkg: 'better-sqlite3', probe: "require('better-sqlite3')(':memory:').close()" },
];

/** The add-ons whose binary is missing or does not load under this Node (a Node upgrade changes the ABI). */
export function brokenAddons() {
  return NATIVE_ADDONS.filter(
    (a) => spawnSync(process.execPath, ['-e', a.probe], { cwd: ROOT, stdio: 'ignore', timeout: 30_000 }).status !== 0,
  );
}

/** Build the add-ons that need it, with npm's own rebuild (their install scripts, explicitly allowed). */
export function ensureNativeAddons(log = () => {}, { force = false } = {}) {
  const todo = force ? NATIVE_ADDONS : brokenAddons();
  if (!todo.length) {
    log(`native add-ons load: ${NATIVE_ADDONS.map((a) => a.pkg).join(', ')}`);
    return;
  }
  const pkgs = todo.map((a) => a.pkg);
  log(`building native add-ons from source (about a minute): ${pkgs.join(', ')}`);
  // build_from_source: prebuild-install (better-sqlite3) then skips its download and compiles. npm
  // warns that it does not know the setting: it is prebuild-install's, read from the same variable.
  const env = { ...process.env, npm_config_build_from_source: 'true' };
  const r = spawnSync(
    'npm',
    ['rebuild', '--ignore-scripts=false', '--foreground-scripts', '--loglevel=notice', ...pkgs],
    { cwd: ROOT, stdio: 'inherit', env },
  );
  if (r.status !== 0)
    throw new Error(
      `npm rebuild ${pkgs.join(' ')} failed (exit ${r.status}); a C++ toolchain (g++, make, python3) and libpcsclite-dev are needed`,
    );
  const still = brokenAddons();
  if (still.length) throw new Error(`still not loadable after the rebuild: ${still.map((a) => a.pkg).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureNativeAddons((s) => console.log(`native: ${s}`), { force: process.argv.includes('--force') });
  } catch (e) {
    console.error(`native: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
