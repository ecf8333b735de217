// The headless host: the kiosk API over a WebSocket plus the built renderer over HTTP, both on
// loopback only (127.0.0.1, never 0.0.0.0), so `chromium --kiosk` and the end-to-end tests drive
// exactly the API the Electron preload exposes. Each start makes a fresh random token; a WebSocket
// without it (or from another origin) is refused before any API call is possible.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { RequestSchema, type ServerMessage } from '../api/contract.ts';
import { ApiSession, type HostServices } from '../host/api-handler.ts';

export const LOOPBACK = '127.0.0.1';

/** Strict CSP for the renderer (Electron serves the same through app://, main/electron/hardening.ts). */
export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' lets WebAssembly compile (the QR decoder); it allows no JavaScript eval.
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // 'self': the QR decoder's .wasm is fetched from the renderer build; wsOrigin: the API socket.
    `connect-src 'self'${wsOrigin === "'none'" ? '' : ` ${wsOrigin}`}`,
    "media-src 'self' mediastream: blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Resolve a URL path inside `root`, or null when it escapes it (path traversal) or does not exist. */
export function staticFile(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (p.includes('\0')) return null;
  if (p === '/' || p === '') p = '/index.html';
  const full = resolve(root, '.' + normalize(p));
  if (full !== resolve(root) && !full.startsWith(resolve(root) + sep)) return null;
  if (!existsSync(full) || !statSync(full).isFile()) return null;
  return full;
}

export interface HeadlessHandle {
  url: string;
  /** URL to open in the browser: carries the token in the fragment (never sent over HTTP). */
  kioskUrl: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface HeadlessOptions {
  services: HostServices;
  distDir: string;
  port?: number;
  host?: string;
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHeadless(opts: HeadlessOptions): Promise<HeadlessHandle> {
  // Bound to loopback whatever the caller asks: the API is not for the network.
  const bindHost = LOOPBACK;
  if (opts.host && opts.host !== LOOPBACK) throw new Error(`headless host binds to ${LOOPBACK} only (asked for ${opts.host})`);
  const token = randomBytes(32).toString('base64url');
  let origin = '';

  const server = createServer((req, res) => {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(`ws://${LOOPBACK}:${(server.address() as AddressInfo).port}`),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    // Chromium asks for a favicon on its own, at a moment that depends on load; a kiosk has none, so
    // answer "nothing" rather than a 404 that shows up as a console error.
    if ((req.url ?? '').split('?')[0] === '/favicon.ico') {
      res.writeHead(204, headers).end();
      return;
    }
    const file = staticFile(opts.distDir, req.url ?? '/');
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 6 * 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const u = new URL(req.url ?? '/', origin);
    const reqOrigin = req.headers.origin;
    // Refuse: wrong path, wrong or missing token, or a page from another origin (DNS rebinding,
    // a web page in another tab). Node clients (tests, CLI) send no Origin header.
    const ok = u.pathname === '/api' && tokenMatches(u.searchParams.get('token'), token) && (reqOrigin === undefined || reqOrigin === origin);
    if (!ok) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const session = new ApiSession(opts.services);
    const send = (m: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const unsub = opts.services.host.subscribe((snapshot) => send({ event: 'snapshot', snapshot }));
    ws.on('close', unsub);
    ws.on('message', async (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        ws.close(1003, 'not JSON');
        return;
      }
      const r = RequestSchema.safeParse(msg);
      if (!r.success) {
        const id = typeof (msg as { id?: unknown })?.id === 'number' ? (msg as { id: number }).id : -1;
        send({ id, result: { ok: false, error: { code: 'bad_request', messageEn: 'Malformed request', messageJa: '不正な要求です' } } });
        return;
      }
      const result = await session.handle(r.data.method, r.data.params);
      send({ id: r.data.id, result });
    });
    send({ event: 'snapshot', snapshot: opts.services.host.snapshot() });
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, bindHost, () => res());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${LOOPBACK}:${port}`;
  return {
    url: origin + '/',
    kioskUrl: `${origin}/#token=${token}`,
    token,
    port,
    server,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export const DEFAULT_DIST = join(import.meta.dirname, '..', '..', 'dist', 'renderer');
