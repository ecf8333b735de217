// `kakunin read-card` as a child process (the built CLI, as `npx kakunin` runs it): exit code,
// output and the parsed JSON (null for usage errors, which print none).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'main', 'cli', 'kakunin.mjs');

export function readCardCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, 'read-card', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      let json: any = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* usage errors print no JSON */
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}
