// The Electron security checklist, as small functions over the few Electron objects they touch, so
// every rule runs under plain Node in test/electron/ with stand-ins (Electron cannot run here).
// Items: contextIsolation, sandbox, no nodeIntegration, strict CSP, custom protocol instead of
// file://, navigation and window.open denied, permission requests denied (but the kiosk page's own
// camera, video only, for QR codes), IPC sender checked,
// no <webview>, no network requests leaving the app.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { contentSecurityPolicy, staticFile } from '../headless/server.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

/** CSP for app://: no network at all (the API goes over IPC). */
export const ELECTRON_CSP = contentSecurityPolicy("'none'");

export function webPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: false,
    safeDialogs: true,
  } as const;
}

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

interface PreventableEvent {
  preventDefault(): void;
}
export interface WebContentsLike {
  on(ev: 'will-navigate' | 'will-redirect', cb: (e: PreventableEvent, url: string) => void): unknown;
  /** Electron passes one details object carrying url and preventDefault (sub-frames included). */
  on(ev: 'will-frame-navigate', cb: (e: PreventableEvent & { url: string }) => void): unknown;
  on(ev: 'will-attach-webview', cb: (e: PreventableEvent) => void): unknown;
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/** Navigation only inside app://kiosk; window.open, <webview> and redirects elsewhere denied. */
export function hardenWebContents(wc: WebContentsLike): void {
  const guard = (e: PreventableEvent, url: string) => {
    if (!isAppUrl(url)) e.preventDefault();
  };
  wc.on('will-navigate', guard);
  wc.on('will-redirect', guard);
  wc.on('will-frame-navigate', (e) => guard(e, e.url));
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Electron's details for a permission request / check (the fields used here). */
export interface PermissionDetails {
  requestingUrl?: string;
  securityOrigin?: string;
  /** Request: what a 'media' request asks for. */
  mediaTypes?: string[];
  /** Check: the one media type being checked. */
  mediaType?: string;
  isMainFrame?: boolean;
}

export interface SessionLike {
  setPermissionRequestHandler(
    h: (wc: unknown, permission: string, cb: (granted: boolean) => void, details?: PermissionDetails) => void,
  ): void;
  setPermissionCheckHandler(
    h: (wc: unknown, permission: string, requestingOrigin?: string, details?: PermissionDetails) => boolean,
  ): void;
  setDevicePermissionHandler?(h: (...a: unknown[]) => boolean): void;
  webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      h: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void,
    ): void;
  };
}

/**
 * The one permission granted: the camera ('media' with video only, no microphone) for the kiosk's
 * own page at app://kiosk, which reads phones' QR codes from a webcam while a phone read is armed.
 * Everything else (microphone, HID, serial, notifications, geolocation, other origins) is denied.
 */
export function cameraAllowed(
  permission: string,
  details: PermissionDetails | undefined,
  requestingOrigin?: string,
): boolean {
  if (permission !== 'media' || !details) return false;
  const origin = details.securityOrigin ?? requestingOrigin ?? details.requestingUrl ?? '';
  if (!isAppUrl(origin.endsWith('/') ? origin : `${origin}/`)) return false;
  if (details.requestingUrl !== undefined && !isAppUrl(details.requestingUrl)) return false;
  if (details.mediaTypes !== undefined)
    return details.mediaTypes.length > 0 && details.mediaTypes.every((m) => m === 'video');
  return details.mediaType === 'video';
}

/** Every permission but the kiosk's own camera denied (cameraAllowed); no request leaves app://. */
export function hardenSession(s: SessionLike): void {
  s.setPermissionRequestHandler((_wc, perm, cb, details) => cb(cameraAllowed(perm, details)));
  s.setPermissionCheckHandler((_wc, perm, origin, details) => cameraAllowed(perm, details, origin));
  s.setDevicePermissionHandler?.(() => false);
  s.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (d, cb) => cb({ cancel: !isAppUrl(d.url) }));
}

const MIME: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The app:// handler: files from dist/renderer only, with the CSP; anything else 404. */
export function appProtocolHandler(distDir: string): (req: { url: string }) => Response {
  return (req) => {
    if (!isAppUrl(req.url)) return new Response('not found', { status: 404 });
    const file = staticFile(distDir, new URL(req.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(readFileSync(file), {
      status: 200,
      headers: {
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': ELECTRON_CSP,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  };
}

/** IPC is answered only for the kiosk window's own top frame, loaded from app://kiosk. */
export function isTrustedSender(frame: { url: string } | null | undefined, expectedFrame: unknown): boolean {
  return !!frame && frame === expectedFrame && isAppUrl(frame.url);
}
