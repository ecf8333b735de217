// The headless host: the kiosk API over a WebSocket plus the built renderer over HTTP, both on
// loopback only (127.0.0.1, never 0.0.0.0), so `chromium --kiosk` and the end-to-end tests drive
// exactly the API the Electron preload exposes. One screen at a time: the WebSocket opens only with
// a one-time token the host issued (one-time-tokens.ts) and from the kiosk's own page
// (upgrade-guard.ts); a new screen with a fresh token replaces the old one, which then gets nothing.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { ROOT } from '../project-root.ts';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_REPLACED, RequestSchema, type ServerMessage } from '../../api/contract.ts';
import { ApiSession, type HostServices } from '../host/api-handler.ts';
import { OneTimeTokens } from './one-time-tokens.ts';
import { kioskHost, kioskOrigin, LOOPBACK, upgradeRefusal } from './upgrade-guard.ts';

export { LOOPBACK };

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
  port: number;
  server: Server;
  /**
   * A fresh one-time pairing token (revoking an unspent earlier one) and the kiosk URL carrying it
   * in its fragment (never sent over HTTP). Whoever connects with it becomes the one screen.
   */
  pair(): { token: string; url: string };
  /** Called each time a pairing token is spent by a connection. */
  onPaired(cb: () => void): () => void;
  close(): Promise<void>;
}

export interface HeadlessOptions {
  services: HostServices;
  distDir: string;
  port?: number;
  host?: string;
  /** Where a dropped connection is reported (default: stderr). */
  log?: (line: string) => void;
}

function refuse(socket: Duplex, status: 401 | 403 | 404): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export async function startHeadless(opts: HeadlessOptions): Promise<HeadlessHandle> {
  // Bound to loopback whatever the caller asks: the API is not for the network.
  const bindHost = LOOPBACK;
  if (opts.host && opts.host !== LOOPBACK)
    throw new Error(`headless host binds to ${LOOPBACK} only (asked for ${opts.host})`);
  const log = opts.log ?? ((line: string) => console.warn(`kakunin: ${line}`));
  const tokens = new OneTimeTokens();
  const pairedListeners = new Set<() => void>();
  let port = 0;

  const server = createServer(servePage(opts.distDir, () => port));

  // One screen: the live connection, and what it subscribed to.
  let live: { ws: WebSocket; retire(): void } | null = null;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 6 * 1024 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head) => {
    // A peer that resets mid-handshake must not take the host down.
    socket.on('error', () => socket.destroy());
    const refusal = upgradeRefusal(req, port);
    if (refusal) {
      refuse(socket, refusal.status);
      return;
    }
    // Spent here, before the handshake completes: two upgrades racing with one token cannot both pass.
    const slot = tokens.spend(new URL(req.url ?? '/', kioskOrigin(port)).searchParams.get('token'));
    if (!slot) {
      refuse(socket, 401);
      return;
    }
    // A spent pairing is announced now, even if the handshake below fails, so a new one is issued.
    if (slot === 'pairing') for (const cb of pairedListeners) cb();
    wss.handleUpgrade(req, socket, head, (ws) => {
      live?.retire();
      attach(ws);
    });
  });

  function attach(ws: WebSocket): void {
    const session = new ApiSession(opts.services);
    const isLive = () => live?.ws === ws;
    const send = (m: ServerMessage) => {
      if (isLive() && ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const unsub = opts.services.host.subscribe((snapshot) => send({ event: 'snapshot', snapshot }));
    const retire = () => {
      unsub();
      if (isLive()) live = null;
    };
    ws.on('close', retire);
    // Protocol errors (a frame over maxPayload, invalid UTF-8 in a text frame, a bad opcode...):
    // ws has already answered with its close code (RFC 6455 §7.4.1: 1009, 1007, 1002); drop this
    // connection only and keep serving.
    ws.on('error', (e) => {
      log(`dropped a screen connection: ${e.message}`);
      retire();
      ws.terminate();
    });
    ws.on('message', (data) => {
      // A connection that was replaced gets no say, even for frames already on their way.
      if (isLive()) void answerFrame(String(data), session, send, ws);
    });
    live = {
      ws,
      retire: () => {
        retire();
        // Replaced by a newer screen: say so (the page stops reconnecting), then cut it off.
        ws.close(CLOSE_REPLACED, 'replaced by another screen');
        setTimeout(() => ws.terminate(), 1000).unref();
      },
    };
    // The next connection of this screen (reload, reconnect) needs a token: only this one has it.
    send({ event: 'resume', token: tokens.issue('resume') });
    send({ event: 'snapshot', snapshot: opts.services.host.snapshot() });
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, bindHost, () => res());
  });
  port = (server.address() as AddressInfo).port;
  const origin = kioskOrigin(port);
  return {
    url: origin + '/',
    port,
    server,
    pair() {
      const token = tokens.issue('pairing');
      return { token, url: `${origin}/#pair=${token}` };
    },
    onPaired(cb) {
      pairedListeners.add(cb);
      return () => pairedListeners.delete(cb);
    },
    close: async () => {
      tokens.revokeAll();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The page's files from distDir, with the headers every answer carries; only GET and HEAD. */
function servePage(distDir: string, port: () => number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(`ws://${kioskHost(port())}`),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    // Another Host is a name that resolved to loopback (DNS rebinding): not this kiosk's page.
    if (req.headers.host !== kioskHost(port())) {
      res.writeHead(421, { ...headers, 'Content-Type': 'text/plain' }).end('misdirected request');
      return;
    }
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
    const file = staticFile(distDir, req.url ?? '/');
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  };
}

/** One API frame from the live screen: JSON, then the request schema, then the session's answer. */
async function answerFrame(
  text: string,
  session: ApiSession,
  send: (m: ServerMessage) => void,
  ws: WebSocket,
): Promise<void> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    ws.close(1003, 'not JSON');
    return;
  }
  const r = RequestSchema.safeParse(msg);
  if (!r.success) {
    const id = typeof (msg as { id?: unknown })?.id === 'number' ? (msg as { id: number }).id : -1;
    send({
      id,
      result: {
        ok: false,
        error: { code: 'bad_request', messageEn: 'Malformed request', messageJa: '不正な要求です' },
      },
    });
    return;
  }
  const result = await session.handle(r.data.method, r.data.params);
  send({ id: r.data.id, result });
}

export const DEFAULT_DIST = join(ROOT, 'dist', 'renderer');
