// The Electron main process: a thin shell over main/host. It receives the `electron` module as an
// argument (main.cjs passes the real one; test/electron/shell.test.ts passes stand-ins), so all of
// this wiring runs under plain Node in the tests.
import { join } from 'node:path';
import { ROOT } from '../project-root.ts';
import { ApiSession } from '../host/api-handler.ts';
import { announceSetupCode, assembleKiosk, type KioskConfig } from '../host/assemble.ts';
import { DIST } from '../headless/renderer-build.ts';
import {
  APP_INDEX,
  APP_SCHEME,
  appProtocolHandler,
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  webPreferences,
  type SessionLike,
  type WebContentsLike,
} from './hardening.ts';

/** The slice of Electron's API the shell uses. */
export interface ElectronLike {
  app: {
    enableSandbox(): void;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<unknown>;
    on(ev: string, cb: (...a: never[]) => void): unknown;
    quit(): void;
  };
  protocol: {
    registerSchemesAsPrivileged(s: { scheme: string; privileges: Record<string, boolean> }[]): void;
    handle(scheme: string, h: (req: Request) => Response | Promise<Response>): void;
  };
  session: { defaultSession: SessionLike };
  Menu: { setApplicationMenu(m: null): void };
  ipcMain: {
    handle(channel: string, h: (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown): void;
  };
  BrowserWindow: new (opts: Record<string, unknown>) => {
    webContents: WebContentsLike & {
      mainFrame: unknown;
      send(channel: string, ...args: unknown[]): void;
      isDestroyed(): boolean;
    };
    loadURL(url: string): Promise<void>;
    on(ev: string, cb: () => void): unknown;
    setMenu?(m: null): void;
  };
}

// The preload is plain CommonJS and not compiled: it stays in main/electron/ beside main.cjs.
export const PRELOAD = join(ROOT, 'main', 'electron', 'preload.cjs');

export async function runShell(electron: ElectronLike, cfg: KioskConfig & { distDir?: string } = {}) {
  const { app, protocol, session, Menu, ipcMain, BrowserWindow } = electron;
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  // Must run before 'ready': app:// behaves like a standard secure origin.
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  app.on('web-contents-created', (_e: unknown, wc: WebContentsLike) => hardenWebContents(wc));
  await app.whenReady();

  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(cfg.distDir ?? DIST));
  Menu.setApplicationMenu(null);

  const kiosk = await assembleKiosk(cfg);
  kiosk.host.start();
  announceSetupCode(kiosk);

  const win = new BrowserWindow({
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    frame: false,
    backgroundColor: '#f4f6f8',
    title: 'Kakunin 確認',
    webPreferences: webPreferences(PRELOAD),
  });
  win.setMenu?.(null);
  const session1 = new ApiSession(kiosk.services);
  ipcMain.handle('kakunin:call', async (event, method, params) => {
    if (!isTrustedSender(event.senderFrame, win.webContents.mainFrame)) {
      return {
        ok: false,
        error: { code: 'untrusted_sender', messageEn: 'IPC from an untrusted frame', messageJa: '不正な送信元です' },
      };
    }
    return session1.handle(String(method), params);
  });
  const unsub = kiosk.host.subscribe((s) => {
    if (!win.webContents.isDestroyed()) win.webContents.send('kakunin:snapshot', s);
  });
  win.on('closed', () => {
    unsub();
    void kiosk.close().then(() => app.quit());
  });
  await win.loadURL(APP_INDEX);
  return { win, kiosk, session: session1 };
}
