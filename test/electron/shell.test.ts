// The Electron shell's wiring and hardening, run under plain Node: main/electron/shell.ts receives
// stand-ins for the Electron objects it touches, so every checklist item is asserted here even
// though the Electron binary cannot run on this machine (no binary is downloaded offline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runShell, type ElectronLike } from '../../main/electron/shell.ts';
import {
  APP_INDEX,
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  webPreferences,
} from '../../main/electron/hardening.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';

class FakeWebContents extends EventEmitter {
  mainFrame = { url: APP_INDEX };
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  sent: [string, unknown][] = [];
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }) {
    this.openHandler = h;
  }
  send(ch: string, a: unknown) {
    this.sent.push([ch, a]);
  }
  isDestroyed() {
    return false;
  }
}

function navigate(wc: EventEmitter, ev: 'will-navigate' | 'will-redirect', url: string): boolean {
  let prevented = false;
  wc.emit(
    ev,
    {
      preventDefault: () => {
        prevented = true;
      },
    },
    url,
  );
  return prevented;
}

function fakeElectron() {
  const rec: any = {
    windows: [],
    ipc: new Map(),
    schemes: [],
    handlers: new Map(),
    menu: undefined,
    sandbox: false,
    appEvents: new EventEmitter(),
  };
  const session = {
    permissionRequest: null as any,
    permissionCheck: null as any,
    beforeRequest: null as any,
    setPermissionRequestHandler(h: any) {
      this.permissionRequest = h;
    },
    setPermissionCheckHandler(h: any) {
      this.permissionCheck = h;
    },
    setDevicePermissionHandler() {},
    webRequest: {
      onBeforeRequest: (_f: unknown, h: any) => {
        session.beforeRequest = h;
      },
    },
  };
  const electron: ElectronLike = {
    app: {
      enableSandbox: () => {
        rec.sandbox = true;
      },
      requestSingleInstanceLock: () => true,
      whenReady: async () => {
        rec.readyAfterSchemes = rec.schemes.length > 0;
      },
      on: (ev, cb) => rec.appEvents.on(ev, cb),
      quit: () => {
        rec.quit = true;
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s) => rec.schemes.push(...s),
      handle: (scheme, h) => rec.handlers.set(scheme, h),
    },
    session: { defaultSession: session },
    Menu: {
      setApplicationMenu: (m) => {
        rec.menu = m;
      },
    },
    ipcMain: { handle: (ch, h) => rec.ipc.set(ch, h) },
    BrowserWindow: class {
      webContents = new FakeWebContents();
      loaded: string | null = null;
      constructor(public opts: Record<string, any>) {
        rec.windows.push(this);
        rec.appEvents.emit('web-contents-created', {}, this.webContents);
      }
      async loadURL(u: string) {
        this.loaded = u;
      }
      on() {
        return this;
      }
      setMenu() {}
    } as any,
  };
  return { electron, rec, session };
}

async function boot() {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-shell-'));
  const dist = join(home, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>k</title>');
  writeFileSync(join(home, 'secret.txt'), 'x');
  const f = fakeElectron();
  const r = await runShell(f.electron, {
    home,
    devices: 'training',
    stepMs: 0,
    audit: new MemoryAuditSink(),
    distDir: dist,
  });
  assert.ok(r);
  return {
    ...f,
    r,
    done: async () => {
      await r.kiosk.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

test('the kiosk window: fullscreen kiosk, no menu, sandboxed, context-isolated, no Node, app:// not file://', async () => {
  const { rec, done } = await boot();
  assert.equal(rec.sandbox, true, 'app.enableSandbox()');
  assert.equal(rec.menu, null, 'application menu removed');
  assert.equal(rec.readyAfterSchemes, true, 'app:// registered as privileged before ready');
  const w = rec.windows[0];
  assert.equal(w.opts.kiosk, true);
  assert.equal(w.opts.fullscreen, true);
  const wp = w.opts.webPreferences;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.nodeIntegrationInSubFrames, false);
  assert.equal(wp.webviewTag, false);
  assert.equal(wp.webSecurity, true);
  assert.equal(wp.allowRunningInsecureContent, false);
  assert.match(wp.preload, /preload\.cjs$/);
  assert.equal(w.loaded, 'app://kiosk/index.html');
  assert.ok(!String(w.loaded).startsWith('file:'));
  await done();
});

test('navigation to another origin, redirects, window.open and <webview> are blocked', async () => {
  const { rec, done } = await boot();
  const wc = rec.windows[0].webContents as FakeWebContents;
  assert.equal(navigate(wc, 'will-navigate', 'https://evil.example/'), true);
  assert.equal(navigate(wc, 'will-navigate', 'file:///etc/passwd'), true);
  assert.equal(navigate(wc, 'will-navigate', 'app://other/index.html'), true);
  assert.equal(navigate(wc, 'will-redirect', 'http://127.0.0.1:1/'), true);
  assert.equal(navigate(wc, 'will-navigate', 'app://kiosk/index.html'), false, 'own origin allowed');
  let framePrevented = false;
  wc.emit('will-frame-navigate', {
    url: 'https://evil.example/',
    preventDefault: () => {
      framePrevented = true;
    },
  });
  assert.equal(framePrevented, true);
  assert.deepEqual(wc.openHandler!({ url: 'https://evil.example/' }), { action: 'deny' });
  assert.deepEqual(wc.openHandler!({ url: 'app://kiosk/index.html' }), { action: 'deny' });
  let webview = false;
  wc.emit('will-attach-webview', {
    preventDefault: () => {
      webview = true;
    },
  });
  assert.equal(webview, true);
  await done();
});

test('permission requests and checks are denied; no request may leave app://', async () => {
  const { session, done } = await boot();
  for (const p of ['media', 'geolocation', 'notifications', 'hid', 'serial', 'usb', 'clipboard-read']) {
    const granted = await new Promise((r) => session.permissionRequest({}, p, r));
    assert.equal(granted, false, p);
    assert.equal(session.permissionCheck({}, p), false, p);
  }
  const cancel = (url: string) =>
    new Promise<boolean>((r) => session.beforeRequest({ url }, (x: { cancel: boolean }) => r(x.cancel)));
  assert.equal(await cancel('https://example.com/x.js'), true);
  assert.equal(await cancel('ws://127.0.0.1:9/api'), true);
  assert.equal(await cancel('app://kiosk/assets/index.js'), false);
  await done();
});

test("the camera (video only) is allowed for the kiosk's own page and nothing else: no microphone, no other origin, no other permission", async () => {
  const { session, done } = await boot();
  const req = (perm: string, details: Record<string, unknown>) =>
    new Promise((r) => session.permissionRequest({}, perm, r, details));
  const app = { securityOrigin: 'app://kiosk/', requestingUrl: 'app://kiosk/index.html', isMainFrame: true };
  assert.equal(await req('media', { ...app, mediaTypes: ['video'] }), true);
  assert.equal(await req('media', { ...app, mediaTypes: ['audio'] }), false);
  assert.equal(await req('media', { ...app, mediaTypes: ['video', 'audio'] }), false);
  assert.equal(await req('media', { ...app, mediaTypes: [] }), false);
  assert.equal(
    await req('media', {
      securityOrigin: 'https://evil.example/',
      requestingUrl: 'https://evil.example/',
      mediaTypes: ['video'],
    }),
    false,
  );
  assert.equal(
    await req('media', { securityOrigin: 'app://other/', requestingUrl: 'app://other/', mediaTypes: ['video'] }),
    false,
  );
  for (const p of ['geolocation', 'notifications', 'hid', 'serial', 'usb', 'display-capture'])
    assert.equal(await req(p, { ...app, mediaTypes: ['video'] }), false, p);
  assert.equal(session.permissionCheck({}, 'media', 'app://kiosk', { ...app, mediaType: 'video' }), true);
  assert.equal(session.permissionCheck({}, 'media', 'app://kiosk', { ...app, mediaType: 'audio' }), false);
  assert.equal(
    session.permissionCheck({}, 'media', 'https://evil.example', {
      securityOrigin: 'https://evil.example/',
      mediaType: 'video',
    }),
    false,
  );
  await done();
});

test('app:// serves the renderer build with the strict CSP and nothing outside it', async () => {
  const { rec, done } = await boot();
  const h = rec.handlers.get('app');
  const ok: Response = await h(new Request('app://kiosk/index.html'));
  assert.equal(ok.status, 200);
  const csp = ok.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'none'/);
  // No network: only the renderer's own files (the QR decoder's .wasm) over app://; no socket.
  assert.match(csp, /connect-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/); // 'wasm-unsafe-eval' compiles WebAssembly only
  for (const u of [
    'app://kiosk/../secret.txt',
    'app://kiosk/%2e%2e/secret.txt',
    'app://kiosk/..%2fsecret.txt',
    'app://elsewhere/index.html',
  ]) {
    assert.equal((await h({ url: u })).status, 404, u);
  }
  await done();
});

test("IPC answers only the kiosk window's own app:// top frame", async () => {
  const { rec, done } = await boot();
  const handler = rec.ipc.get('kakunin:call');
  const w = rec.windows[0];
  const trusted = await handler({ senderFrame: w.webContents.mainFrame }, 'staffStatus', {});
  assert.equal(trusted.ok, true);
  const foreignFrame = { url: 'https://evil.example/' };
  const r1 = await handler({ senderFrame: foreignFrame }, 'staffStatus', {});
  assert.equal(r1.error.code, 'untrusted_sender');
  const sameUrlOtherFrame = { url: APP_INDEX };
  assert.equal((await handler({ senderFrame: sameUrlOtherFrame }, 'staffStatus', {})).error.code, 'untrusted_sender');
  assert.equal((await handler({ senderFrame: null }, 'staffStatus', {})).error.code, 'untrusted_sender');
  // And the trusted path still goes through the zod boundary.
  assert.equal(
    (await handler({ senderFrame: w.webContents.mainFrame }, 'setLang', { lang: 'de' })).error.code,
    'bad_params',
  );
  await done();
});

test('snapshots are pushed to the window over IPC', async () => {
  const { rec, r, done } = await boot();
  await r.kiosk.host.setLang('en');
  const sent = (rec.windows[0].webContents as FakeWebContents).sent;
  assert.ok(sent.some(([ch, s]) => ch === 'kakunin:snapshot' && (s as { lang: string }).lang === 'en'));
  await done();
});

test('hardening helpers reject look-alike URLs and frames', () => {
  assert.equal(isTrustedSender({ url: 'app://kiosk.evil/index.html' }, null), false);
  const f = { url: 'app://kiosk.evil/' };
  assert.equal(isTrustedSender(f, f), false);
  const g = { url: 'app://kiosk/index.html' };
  assert.equal(isTrustedSender(g, g), true);
  assert.equal(webPreferences('/p').devTools, false);
  // The functions work on any object with the right shape (no hidden Electron dependency).
  const wc = new FakeWebContents();
  hardenWebContents(wc as never);
  assert.equal(navigate(wc, 'will-navigate', 'javascript:alert(1)'), true);
  const s: any = {
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
    webRequest: { onBeforeRequest() {} },
  };
  hardenSession(s);
});
