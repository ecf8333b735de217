// `npm start` (through main/start.mjs, which runs the compiled copy of this file): the kiosk. Electron where its binary exists; otherwise the headless host on loopback
// plus Chromium in kiosk mode pointed at it. With no reader attached the simulators are offered and
// every screen says 訓練モード / TRAINING.
//
// Options: --training (force simulators), --real (refuse to start without real readers),
//          --no-browser (say where the one-time pairing page is instead of opening Chromium), --port N, --home DIR
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { announceSetupCode, assembleKiosk, type DeviceChoice } from './host/assemble.ts';
import { ensureRendererBuilt, ROOT } from './headless/renderer-build.ts';
import { startHeadless } from './headless/server.ts';
import { publishPairing } from './headless/pairing-file.ts';
import { errorText } from '../core/errors.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Where the Electron binary is, or null (its npm package installs without it offline). */
export function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

/** `pairingFileUrl` is file://…/pair.html: argv is readable by every local user, so no token in it. */
export function chromiumKioskArgs(pairingFileUrl: string, profileDir: string, o: { root?: boolean } = {}): string[] {
  return [
    '--kiosk',
    '--no-first-run',
    '--disable-sync',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-quic',
    '--disable-translate',
    '--noerrdialogs',
    '--disable-features=Translate',
    // Chromium refuses to start as root with its sandbox on (zygote: "Running as root without
    // --no-sandbox is not supported"). Set-up machines often are root; a store kiosk should not be.
    ...(o.root ? ['--no-sandbox'] : []),
    `--user-data-dir=${profileDir}`,
    `--app=${pairingFileUrl}`,
  ];
}

export async function main(argv: string[]): Promise<number> {
  const flag = (f: string) => argv.includes(f);
  const val = (f: string) => {
    const i = argv.indexOf(f);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const devices: DeviceChoice = flag('--training') ? 'training' : flag('--real') ? 'real' : 'auto';

  const electron = electronBinary();
  if (electron && !flag('--headless')) {
    console.log(`kakunin: starting Electron (${electron})`);
    const child = spawn(electron, [ROOT, ...argv], { stdio: 'inherit' });
    return await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));
  }
  console.log('kakunin: Electron binary not present: headless host + Chromium kiosk');
  const dist = await ensureRendererBuilt((s) => console.log(`kakunin: ${s}`));
  const home = val('--home');
  const kiosk = await assembleKiosk({ devices, ...(home ? { home } : {}) });
  kiosk.host.start();
  announceSetupCode(kiosk);
  const port = val('--port');
  const h = await startHeadless({ services: kiosk.services, distDir: dist, ...(port ? { port: Number(port) } : {}) });
  console.log(`kakunin: devices: ${kiosk.deviceNote}`);
  console.log(`kakunin: host on ${h.url} (loopback only)`);
  const kioskHome = kiosk.services.host.opts.settings.file ? join(kiosk.services.host.opts.settings.file, '..') : ROOT;
  const pairing = publishPairing(join(kioskHome, 'run'), h, (s) => console.log(`kakunin: ${s}`));
  const shutdown = async () => {
    pairing.close();
    await h.close();
    await kiosk.close();
  };
  // The kiosk without its own window: print the URL and serve until Ctrl+C / SIGTERM.
  const serveOnly = async (): Promise<number> => {
    // The token stays in the 0600 files: stdout is often a log other users can read.
    console.log(
      `kakunin: open ${pairing.fileUrl} in a browser of this user (one-time pairing ${pairing.hint()}; the bare URL is in ${pairing.urlFile}, readable by this user only)`,
    );
    console.log('kakunin: (Ctrl+C stops the kiosk)');
    await new Promise<void>((r) => {
      process.once('SIGINT', () => r());
      process.once('SIGTERM', () => r());
    });
    await shutdown();
    return 0;
  };
  if (flag('--no-browser')) return serveOnly();
  const why = noWindowReason(process.env);
  if (why) {
    console.log(`kakunin: Chromium not opened: ${why}`);
    return serveOnly();
  }
  const profile = join(kioskHome, 'chromium-profile');
  const root = process.getuid?.() === 0;
  if (root)
    console.log(
      'kakunin: running as root: Chromium starts without its sandbox (run the kiosk as an ordinary user in a store)',
    );
  const startedAt = Date.now();
  const browser = spawn(CHROMIUM, chromiumKioskArgs(pairing.fileUrl, profile, { root }), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  browser.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const ended = await new Promise<{ code: number } | { signal: true }>((r) => {
    browser.on('exit', (c) => r({ code: c ?? 0 }));
    browser.on('error', () => r({ code: 1 }));
    for (const s of ['SIGINT', 'SIGTERM'] as const)
      process.once(s, () => {
        browser.kill('SIGTERM');
        r({ signal: true });
      });
  });
  if ('code' in ended && ended.code !== 0 && Date.now() - startedAt < 15_000) {
    // Chromium could not come up (no display, a broken profile...): keep the kiosk served and say
    // why, rather than end silently in front of the person setting it up.
    const last = stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
    console.log(
      `kakunin: Chromium could not open the kiosk window (exit ${ended.code}${last ? `: ${last.slice(0, 200)}` : ''})`,
    );
    return serveOnly();
  }
  await shutdown();
  return 'code' in ended ? ended.code : 0;
}

/** Why Chromium cannot open a window here, or null: the binary is missing or there is no display. */
export function noWindowReason(env: NodeJS.ProcessEnv): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return "no display (DISPLAY and WAYLAND_DISPLAY are unset: open the URL from a desktop session or another machine's browser via an SSH tunnel)";
  return null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (c) => {
      process.exitCode = c;
    },
    (e) => {
      console.error(`kakunin: ${errorText(e)}`);
      process.exitCode = 1;
    },
  );
}
