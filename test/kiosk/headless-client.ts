// Clients for the headless host's tests: a kiosk on a scratch home, the `ws` client with the
// headers a browser on the kiosk's page sends, and a raw TCP client that writes RFC 6455 frames
// itself (so what reaches the host does not depend on what the `ws` client agrees to send).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { startHeadless, type HeadlessHandle } from '../../main/headless/server.ts';
import { assembleKiosk, type Kiosk } from '../../main/host/assemble.ts';
import { MemoryAuditSink } from '../../main/host/audit-sink.ts';

export interface HeadlessSetup {
  h: HeadlessHandle;
  kiosk: Kiosk;
  home: string;
  logged: string[];
  done(): Promise<void>;
}

/** `distDir`: the real renderer build (browser tests); default a one-page stand-in. */
export async function setupHeadless(o: { distDir?: string } = {}): Promise<HeadlessSetup> {
  const home = mkdtempSync(join(tmpdir(), 'kakunin-hl-'));
  const dist = o.distDir ?? join(home, 'dist');
  if (!o.distDir) {
    mkdirSync(dist);
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
  }
  writeFileSync(join(home, 'secret.txt'), 'outside dist');
  const kiosk = await assembleKiosk({ home, devices: 'training', stepMs: 0, audit: new MemoryAuditSink() });
  kiosk.host.start();
  const logged: string[] = [];
  const h = await startHeadless({ services: kiosk.services, distDir: dist, log: (l) => logged.push(l) });
  return {
    h,
    kiosk,
    home,
    logged,
    done: async () => {
      await h.close();
      await kiosk.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The headers Chromium sends for the kiosk page's WebSocket. */
export const pageHeaders = (port: number) => ({ Origin: `http://127.0.0.1:${port}` });

export interface WsResult {
  ok: boolean;
  status?: number;
  ws?: WebSocket;
  messages: any[];
}

/** Opens `/api?token=…` with the page's headers (overridable); collects every message from the start. */
export function wsOpen(
  port: number,
  token: string | null,
  headers: Record<string, string> = {},
  path = '/api',
): Promise<WsResult> {
  return new Promise((resolve) => {
    const messages: any[] = [];
    const q = token === null ? '' : `?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}${q}`, { headers: { ...pageHeaders(port), ...headers } });
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws.on('open', () => resolve({ ok: true, ws, messages }));
    ws.on('unexpected-response', (_req, res) => resolve({ ok: false, status: res.statusCode, messages }));
    ws.on('error', () => resolve({ ok: false, messages }));
  });
}

export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve({ code: -1, reason: 'already closed' });
  return new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
}

export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A client frame (RFC 6455 §5.2): FIN, `opcode`, masked, with the 7/16/64-bit length forms. */
export function clientFrame(opcode: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = randomBytes(4);
  let head: Buffer;
  if (declaredLength < 126) head = Buffer.from([0x80 | opcode, 0x80 | declaredLength]);
  else if (declaredLength < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt8(0x80 | opcode, 0);
    head.writeUInt8(0x80 | 126, 1);
    head.writeUInt16BE(declaredLength, 2);
  } else {
    head = Buffer.alloc(10);
    head.writeUInt8(0x80 | opcode, 0);
    head.writeUInt8(0x80 | 127, 1);
    head.writeBigUInt64BE(BigInt(declaredLength), 2);
  }
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

export const textFrame = (text: string) => clientFrame(0x1, Buffer.from(text, 'utf8'));

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A raw TCP client after a hand-written upgrade: `status` is the HTTP status line's code;
 * `frames` are the server's frames (unmasked, §5.1) parsed as they arrive; `ended` when the host
 * closed the TCP connection.
 */
export interface RawClient {
  status: number;
  socket: Socket;
  frames: ServerFrame[];
  texts(): any[];
  ended: boolean;
}

/** `headers` override the page's Host and Origin; null leaves one out. */
export function rawUpgrade(
  port: number,
  token: string,
  headers: Record<string, string | null> = {},
): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const hdr = { Host: `127.0.0.1:${port}`, ...pageHeaders(port), ...headers };
    socket.on('error', () => {});
    socket.write(
      `GET /api?token=${token} HTTP/1.1\r\n` +
        Object.entries(hdr)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let buf = Buffer.alloc(0);
    let client: RawClient | null = null;
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!client) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buf.subarray(0, end).toString())?.[1] ?? 0);
        buf = buf.subarray(end + 4);
        const frames: ServerFrame[] = [];
        client = {
          status,
          socket,
          frames,
          ended: false,
          texts: () => frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString())),
        };
        resolve(client);
      }
      for (;;) {
        if (buf.length < 2) return;
        let len = buf[1]! & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        client.frames.push({ opcode: buf[0]! & 0x0f, payload: buf.subarray(off, off + len) });
        buf = buf.subarray(off + len);
      }
    });
    socket.on('close', () => {
      if (client) client.ended = true;
      else reject(new Error('closed before the HTTP answer'));
    });
  });
}

/** A server close frame's code (§5.5.1), or null. */
export function closeCode(c: RawClient): number | null {
  const f = c.frames.find((x) => x.opcode === 0x8);
  return f && f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null;
}
