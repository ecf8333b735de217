// The project's root folder (package.json, resources/, dist/renderer/, sim/card/fixtures/), found
// the same way from the TypeScript sources (main/project-root.ts, development and tests) and from
// the compiled copy that `npm start` and `npx kakunin` run (dist/main/project-root.js, one folder
// deeper). Every runtime file lookup goes through ROOT so both layouts find the same files.
import { join, resolve } from 'node:path';

/** True when this module runs from dist/ (compiled by `npm run build`), not from the sources. */
export const COMPILED = import.meta.url.endsWith('.js');

export const ROOT = resolve(import.meta.dirname, ...(COMPILED ? ['..', '..'] : ['..']));

/** The project's TEST trust roots (never a production store): training mode and `kakunin demo`. */
export const TEST_TRUST_DIR = join(ROOT, 'resources', 'test-trust');
