#!/usr/bin/env node
// `npm start`: refuses debugging switches, then runs the compiled kiosk start-up (dist/main/start.js,
// made by `npm run build`; main/launch.mjs says so when it is missing or stale). Options: main/start.ts.
import { loadCompiled, refuseDebugSwitches } from './launch.mjs';

refuseDebugSwitches();
const { main } = await loadCompiled('main/start.js');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(`kakunin: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
}
