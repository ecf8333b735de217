// Which anchors a verification trusts: the built-in public anchors (resources/builtin-trust: the J-LIS
// mdoc IACA, the JPKI roots, the J-LIS card-face CVC keys; always loaded, so a fresh kiosk verifies a
// real card or iPhone My Number record out of the box) plus the staff's trust DIR.
//
//   kiosk:              built-ins + $KAKUNIN_HOME/trust
//   CLI, no --trust:    built-ins + $KAKUNIN_HOME/trust
//   CLI, --trust DIR:   built-ins + DIR
//   --no-builtin-trust: the built-ins are left out (tests that need an exact set)
// docs/trust.md says how a rotated key is added.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TrustStore } from '../../core/trust/trust-store.ts';
import { ROOT } from '../project-root.ts';
import { loadTrustDirInto, newTrustStore, type LoadOptions } from './load-dir.ts';

export const BUILTIN_TRUST_DIR = join(ROOT, 'resources', 'builtin-trust');

export interface TrustSources {
  builtin: boolean;
  /** Trust DIRs after the built-ins. `optional`: a missing DIR is an empty one (a fresh kiosk home). */
  dirs: readonly { path: string; optional?: boolean }[];
}

export function kakuninHome(): string {
  return process.env.KAKUNIN_HOME || join(homedir(), '.config', 'kakunin');
}

/** The staff's trust DIR of this kiosk. */
export function homeTrustDir(): string {
  return join(kakuninHome(), 'trust');
}

/** The CLI's rule: `--trust DIR` adds DIR to the built-ins, else the kiosk's own DIR. */
export function trustSourcesFromFlags(trust: string | undefined, noBuiltin: boolean | undefined): TrustSources {
  return {
    builtin: noBuiltin !== true,
    dirs: [trust !== undefined ? { path: trust } : { path: homeTrustDir(), optional: true }],
  };
}

/** What the kiosk's readers use for a trust DIR: the built-ins plus that DIR (the kiosk creates it). */
export function withBuiltins(dir: string): TrustSources {
  return { builtin: true, dirs: [{ path: dir }] };
}

export function loadTrust(src: TrustSources, opts: LoadOptions): TrustStore {
  const store = newTrustStore(opts);
  if (src.builtin) loadTrustDirInto(store, BUILTIN_TRUST_DIR, 'built-in');
  for (const d of src.dirs) {
    if (d.optional && !existsSync(d.path)) continue;
    loadTrustDirInto(store, d.path, 'imported');
  }
  return store;
}
