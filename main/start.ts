// `npm start`: the kiosk. Electron where its binary exists; otherwise the headless host on loopback
// plus Chromium in kiosk mode pointed at it. With no reader attached the simulators are offered and
// every screen says 訓練モード / TRAINING.
//
// Options: --training (force simulators), --real (refuse to start without real readers),
//          --no-browser (print the URL instead of opening Chromium), --port N, --home DIR
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleKiosk, type DeviceChoice } from './host/assemble.ts';
import { ensureRendererBuilt, ROOT } from './headless/renderer-build.ts';
import { startHeadless } from './headless/server.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Where the Electron binary is, or null (its npm package installs without it offline). */
export function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

export function chromiumKioskArgs(url: string, profileDir: string): string[] {
  return [
    '--kiosk', '--no-first-run', '--disable-sync', '--disable-background-networking', '--disable-component-update',
    '--disable-quic', '--disable-translate', '--noerrdialogs', '--disable-features=Translate',
    `--user-data-dir=${profileDir}`, `--app=${url}`,
  ];
}

async function main(argv: string[]): Promise<number> {
  const flag = (f: string) => argv.includes(f);
  const val = (f: string) => { const i = argv.indexOf(f); return i >= 0 ? argv[i + 1] : undefined; };
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
  const port = val('--port');
  const h = await startHeadless({ services: kiosk.services, distDir: dist, ...(port ? { port: Number(port) } : {}) });
  console.log(`kakunin: devices: ${kiosk.deviceNote}`);
  console.log(`kakunin: host on ${h.url} (loopback only)`);
  const shutdown = async () => { await h.close(); await kiosk.close(); };
  if (flag('--no-browser') || !existsSync(CHROMIUM)) {
    console.log(`kakunin: open ${h.kioskUrl}`);
    await new Promise<void>((r) => { process.once('SIGINT', () => r()); process.once('SIGTERM', () => r()); });
    await shutdown();
    return 0;
  }
  const profile = join(kiosk.services.host.opts.settings.file ? join(kiosk.services.host.opts.settings.file, '..') : ROOT, 'chromium-profile');
  const browser = spawn(CHROMIUM, chromiumKioskArgs(h.kioskUrl, profile), { stdio: 'ignore' });
  const code = await new Promise<number>((r) => {
    browser.on('exit', (c) => r(c ?? 0));
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => { browser.kill('SIGTERM'); });
  });
  await shutdown();
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((c) => { process.exitCode = c; }, (e) => { console.error(`kakunin: ${(e as Error).message}`); process.exitCode = 1; });
}
