#!/usr/bin/env node
// `npx kakunin ...`: refuses debugging switches, then runs the compiled CLI (dist/main/cli/index.js,
// made by `npm run build`; main/launch.mjs says so when it is missing or stale).
import { loadCompiled, refuseDebugSwitches } from '../launch.mjs';

refuseDebugSwitches();
const { main } = await loadCompiled('main/cli/index.js');
process.exitCode = await main(process.argv.slice(2));
