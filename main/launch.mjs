// Start-up shared by `npx kakunin` (main/cli/kakunin.mjs), `npm start` (main/start.mjs) and the
// Electron entry (main/electron/main.cjs). Two duties, before any of the kiosk's code runs:
//  1. refuse debugging switches: each one opens a port or pipe through which another program can
//     read the screen's data and drive the kiosk (Node's inspector, Chromium's DevTools protocol),
//     or changes how V8 runs the code (--js-flags);
//  2. run the JavaScript that `npm run build` compiled into dist/. Nothing here compiles TypeScript
//     at run time: a run-time loader keeps its compiled output in the system temp folder, which any
//     local user can create first and fill with code of their choosing.
// Plain JavaScript on purpose: it must run before (and without) any build.
import { existsSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
/** Written last by `npm run build`; its mtime is the build's. */
export const BUILD_STAMP = join(DIST, 'build-stamp.json');
/** The folders `npm run build` compiles (sim/ ships for training mode). */
export const SOURCE_DIRS = ['main', 'core', 'sim', 'api'];

// Node: --inspect, --inspect-brk, --inspect-port, --inspect-wait, --inspect-publish-uid, and the
// older --debug family. Chromium / Electron: --remote-debugging-port, -pipe, -address, -targets,
// --remote-allow-origins, --auto-open-devtools-for-tabs, --js-flags. Chromium also accepts a single
// leading dash and, on Windows, upper case, so both are matched.
const NODE_DEBUG = /^--(?:inspect|debug)(?:-[a-z-]+)?(?:=.*)?$/i;
const CHROMIUM_DEBUG =
  /^--?(?:remote-debugging-[a-z-]+|remote-allow-origins|auto-open-devtools-for-tabs|js-flags|inspect(?:-[a-z-]+)?|debug(?:-brk|-port)?)(?:=.*)?$/i;

/** The debugging switches in the command line, Node's own options or NODE_OPTIONS (empty when none). */
export function debugSwitches({
  argv = process.argv.slice(2),
  execArgv = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
} = {}) {
  const found = [];
  for (const a of argv) if (CHROMIUM_DEBUG.test(a)) found.push(a);
  for (const a of execArgv) if (NODE_DEBUG.test(a)) found.push(a);
  for (const a of nodeOptions.split(/\s+/)) if (NODE_DEBUG.test(a)) found.push(`NODE_OPTIONS ${a}`);
  return found;
}

/** Exit with code 2 (usage) and say why when any debugging switch is present. */
export function refuseDebugSwitches(opts) {
  const found = debugSwitches(opts);
  if (!found.length) return;
  say(
    `kakunin: デバッグ用のスイッチを付けて起動することはできません / refusing to start with debugging switches: ${found.join(', ')}\n` +
      "kakunin: (they let another program read the kiosk's data and control it; start it without them)\n",
  );
  process.exit(2);
}

/** Newest mtime of the TypeScript sources (files and folders, so a deleted file counts), or 0 when they are not shipped. */
export function newestSourceMtime(root = ROOT) {
  let newest = 0;
  const walk = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  return newest;
}

/** Why dist/ cannot be run as it is (missing, or older than the sources beside it), or null. */
export function distProblem(root = ROOT) {
  const stamp = join(root, 'dist', 'build-stamp.json');
  if (!existsSync(stamp)) return 'the compiled program (dist/) is missing';
  // A packaged kiosk ships dist/ without the sources: nothing to compare with.
  if (!existsSync(join(root, 'main', 'start.ts'))) return null;
  if (newestSourceMtime(root) > statSync(stamp).mtimeMs)
    return 'dist/ is older than the TypeScript sources in main/, core/ or sim/';
  return null;
}

/** Exit 2 with the fix when dist/ is missing or stale. */
export function requireBuild() {
  const problem = distProblem();
  if (!problem) return;
  say(`kakunin: ${problem}: run \`npm run build\` (in ${relative(process.cwd(), ROOT) || '.'})\n`);
  process.exit(2);
}

/** Import a module of the compiled program, e.g. 'main/cli/index.js' (after requireBuild()). */
export async function loadCompiled(rel) {
  requireBuild();
  return import(pathToFileURL(join(DIST, rel)).href);
}

// Synchronous, so the message is out before process.exit.
function say(s) {
  writeSync(2, s);
}
