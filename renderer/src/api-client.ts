// The renderer's only door to the host: `window.kakunin` from the Electron preload, or the same
// calls over the headless host's loopback WebSocket (token from the URL fragment, then kept in
// sessionStorage so a reload reconnects). Answers and pushes are parsed with the shared zod schemas.
import { ServerMessageSchema, SnapshotSchema, type ApiResult, type KioskApi, type MethodName, type Params, type Snapshot, type Value } from '../../main/api/contract.ts';

declare global {
  interface Window {
    kakunin?: KioskApi;
  }
}

export type Connection = KioskApi & { onConnection(cb: (up: boolean) => void): () => void };

export function connectApi(): Connection {
  if (window.kakunin) {
    const bridge = window.kakunin;
    return {
      call: bridge.call.bind(bridge),
      onSnapshot: (cb) => bridge.onSnapshot((s) => {
        const r = SnapshotSchema.safeParse(s);
        if (r.success) cb(r.data);
      }),
      onConnection: (cb) => { cb(true); return () => {}; },
    };
  }
  return wsApi();
}

function tokenFromLocation(): string | null {
  const m = /(?:^|[#&])token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem('kakunin-token', m[1]!);
    history.replaceState(null, '', location.pathname);
    return m[1]!;
  }
  return sessionStorage.getItem('kakunin-token');
}

function wsApi(): Connection {
  const token = tokenFromLocation();
  let ws: WebSocket | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  const snapshotListeners = new Set<(s: Snapshot) => void>();
  const connListeners = new Set<(up: boolean) => void>();
  let up = false;
  let backoff = 250;

  const setUp = (v: boolean) => {
    up = v;
    for (const l of connListeners) l(v);
  };

  const open = () => {
    ws = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token ?? '')}`);
    ws.onopen = () => { backoff = 250; setUp(true); };
    ws.onmessage = (ev) => {
      let parsed;
      try {
        parsed = ServerMessageSchema.safeParse(JSON.parse(String(ev.data)));
      } catch {
        return;
      }
      if (!parsed.success) return;
      const m = parsed.data;
      if ('event' in m) {
        for (const l of snapshotListeners) l(m.snapshot);
      } else {
        pending.get(m.id)?.(m.result as ApiResult<unknown>);
        pending.delete(m.id);
      }
    };
    ws.onclose = () => {
      setUp(false);
      for (const [, r] of pending) r({ ok: false, error: { code: 'disconnected', messageEn: 'Disconnected from the kiosk host', messageJa: '本体との接続が切れました' } });
      pending.clear();
      setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, 4000);
    };
  };
  open();

  return {
    call<M extends MethodName>(method: M, params: Params<M>): Promise<ApiResult<Value<M>>> {
      return new Promise((resolve) => {
        if (!ws || ws.readyState !== WebSocket.OPEN) {
          resolve({ ok: false, error: { code: 'disconnected', messageEn: 'Not connected to the kiosk host', messageJa: '本体に接続していません' } });
          return;
        }
        const id = nextId++;
        pending.set(id, resolve as (r: ApiResult<unknown>) => void);
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    onSnapshot(cb) {
      snapshotListeners.add(cb);
      return () => snapshotListeners.delete(cb);
    },
    onConnection(cb) {
      connListeners.add(cb);
      cb(up);
      return () => connListeners.delete(cb);
    },
  };
}
