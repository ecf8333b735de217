// How a browser gets the headless host's pairing token without anyone else seeing it. Other local
// users can read every process's command line (/proc/<pid>/cmdline) and often the console log, so
// the token goes into files only this user can read: a private directory (0700, owned by us, not a
// symlink) holding
//   pair.html  a page that forwards to the kiosk URL with the token in its fragment: Chromium is
//              started on file://…/pair.html (argv names the file, not the token), and a desktop
//              browser of the same user opens it the same way;
//   pair.url   the kiosk URL alone (0600), for copying into a browser elsewhere (SSH tunnel).
// Each token opens one connection; once it is spent the files get a fresh one, so the kiosk user
// can pair again (the new screen replaces the old) and nobody else ever can.
import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HeadlessHandle } from './server.ts';
import { tokenHint } from './one-time-tokens.ts';
import { errorText } from '../../core/errors.ts';

export interface PairingFiles {
  /** file:// URL of pair.html: what Chromium is started on. Carries nothing secret. */
  fileUrl: string;
  htmlFile: string;
  urlFile: string;
  /** The current token's printable hint (first characters + '…'). */
  hint(): string;
  /** Revoke nothing (the host does that on close) but remove the files. */
  close(): void;
}

/** Make `dir` (and parents) and insist it is ours alone: a real directory, owned by us, mode 0700. */
export function privateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new Error(
      `${dir} belongs to uid ${st.uid}, not to this user (${uid}): refusing to put the kiosk's pairing token there`,
    );
  chmodSync(dir, 0o700);
  return dir;
}

/** Write `text` as `file` (0600): a new file renamed into place, so no reader sees half of it. */
function writePrivate(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function pairingPage(url: string): string {
  const u = escapeHtml(url);
  // A meta refresh needs no script (file:// pages run under Chromium's default policy) and keeps
  // the fragment out of every HTTP request; the page holds no other copy of the token than the link.
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${u}"><title>Kakunin 確認</title></head>
<body><p><a href="${u}">確認キオスクを開く / Open the Kakunin kiosk</a> (1回限り / one-time)</p></body></html>
`;
}

/**
 * Publish a pairing token of `h` in `dir` and renew it each time one is spent. `log` hears about
 * each pairing (token hints only), so the console shows when a screen took over.
 */
export function publishPairing(dir: string, h: HeadlessHandle, log: (line: string) => void = () => {}): PairingFiles {
  privateDir(dir);
  const htmlFile = join(dir, 'pair.html');
  const urlFile = join(dir, 'pair.url');
  let hint = '';
  const renew = () => {
    const { token, url } = h.pair();
    writePrivate(urlFile, url + '\n');
    writePrivate(htmlFile, pairingPage(url));
    hint = tokenHint(token);
  };
  renew();
  const off = h.onPaired(() => {
    const used = hint;
    try {
      renew();
      log(`a screen paired (pairing ${used}); the next one-time pairing (${hint}) is in ${htmlFile}`);
    } catch (e) {
      // The screen that paired keeps working; only pairing another one waits for a restart.
      log(`a screen paired (pairing ${used}); no new pairing could be written: ${errorText(e)}`);
    }
  });
  return {
    fileUrl: pathToFileURL(htmlFile).href,
    htmlFile,
    urlFile,
    hint: () => hint,
    close() {
      off();
      rmSync(htmlFile, { force: true });
      rmSync(urlFile, { force: true });
    },
  };
}
