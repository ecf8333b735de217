// Electron entry (package.json "main"). Registers the TypeScript loader, then hands the real
// `electron` module to the shell (main/electron/shell.ts), which is tested under Node with stand-ins.
'use strict';
const electron = require('electron');
const { register } = require('tsx/esm/api');
register();
const training = process.argv.includes('--training');
import('./shell.ts')
  .then((m) => m.runShell(electron, { devices: training ? 'training' : 'auto' }))
  .catch((e) => {
    console.error('kakunin:', e && e.stack ? e.stack : e);
    electron.app.exit(1);
  });
