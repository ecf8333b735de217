// Electron entry (package.json "main"). Refuses debugging switches before Electron is touched, then
// hands the real `electron` module to the compiled shell (dist/main/electron/shell.js, made by
// `npm run build`; main/electron/shell.ts is tested under Node with stand-ins). Packaged builds also
// flip the fuses that turn NODE_OPTIONS and --inspect off (electron-builder.yml).
'use strict';

// Chromium switches that open the DevTools protocol, checked again on Electron's parsed command line.
const CHROMIUM_DEBUG_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'auto-open-devtools-for-tabs',
  'js-flags',
  'inspect',
  'inspect-brk',
  'inspect-port',
];

let electron = null;
import('../launch.mjs')
  .then(async (launch) => {
    // process.argv here: [electron, app folder, ...switches].
    launch.refuseDebugSwitches({ argv: process.argv.slice(1) });
    launch.requireBuild();
    electron = require('electron');
    const present = CHROMIUM_DEBUG_SWITCHES.filter((s) => electron.app.commandLine.hasSwitch(s));
    if (present.length)
      launch.refuseDebugSwitches({ argv: present.map((s) => `--${s}`), execArgv: [], nodeOptions: '' });
    const { runShell } = await launch.loadCompiled('main/electron/shell.js');
    const training = process.argv.includes('--training');
    return runShell(electron, { devices: training ? 'training' : 'auto' });
  })
  .catch((e) => {
    console.error('kakunin:', e && e.stack ? e.stack : e);
    if (electron && electron.app) electron.app.exit(1);
    else process.exit(1);
  });
