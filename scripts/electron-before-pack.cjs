// electron-builder `beforePack` hook (electron-builder.yml): compile dist/ (host and renderer) from
// the sources being packaged, so an installer never carries a stale or missing build. Native add-ons
// are left to electron-builder, which rebuilds them against Electron's ABI (npmRebuild).
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

exports.default = async function beforePack() {
  const r = spawnSync(process.execPath, [join(__dirname, 'build.mjs'), '--no-native'], {
    cwd: join(__dirname, '..'),
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status})`);
};
