// Build the renderer when its sources are newer than dist/renderer (or it is missing), so
// `npm start` and `npm test` work on a fresh clone. Concurrent callers (parallel test files)
// serialise on a lock directory and the second finds the build fresh.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../project-root.ts';

export { ROOT };
export const DIST = join(ROOT, 'dist', 'renderer');

function newestMtime(dir: string): number {
  let m = 0;
  if (!existsSync(dir)) return 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    m = Math.max(m, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return m;
}

export function rendererIsFresh(): boolean {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return newestMtime(join(ROOT, 'renderer')) <= built && newestMtime(join(ROOT, 'api')) <= built;
}

export async function ensureRendererBuilt(log: (s: string) => void = () => {}): Promise<string> {
  if (rendererIsFresh()) return DIST;
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const lock = join(ROOT, 'dist', '.renderer-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A stale lock (crashed build) older than 3 minutes is taken over.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmdirSync(lock);
      } catch {
        /* gone */
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another renderer build');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (rendererIsFresh()) return DIST;
    log('building renderer (vite build)…');
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const r = spawnSync(
      process.execPath,
      [vite, 'build', '--config', join(ROOT, 'renderer', 'vite.config.ts'), '--logLevel', 'warn'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
    return DIST;
  } finally {
    rmdirSync(lock);
  }
}
