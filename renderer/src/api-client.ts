// The renderer's only door to the host: `window.kakunin` from the Electron preload, or the same
// calls over the headless host's loopback WebSocket. Every connect token there opens one connection
// only: the first comes from the URL fragment (`#pair=`, the host's pairing page), each connection
// then receives the token for the next one (kept in sessionStorage so a reload reconnects). Answers
// and pushes are parsed with the shared zod schemas.
import {
  CLOSE_REPLACED,
  ServerMessageSchema,
  SnapshotSchema,
  type ApiResult,
  type KioskApi,
  type MethodName,
  type Params,
  type Snapshot,
  type Value,
} from '../../api/contract.ts';

declare global {
  interface Window {
    kakunin?: KioskApi;
  }
}

/**
 * 'replaced': another screen paired with the host and took over; 'unpaired': opened without a
 * pairing (the bare address). Neither retries: only the host's pairing page can pair this screen.
 */
export type ConnectionState = 'up' | 'down' | 'replaced' | 'unpaired';
export type Connection = KioskApi & { onConnection(cb: (state: ConnectionState) => void): () => void };

export function connectApi(): Connection {
  if (window.kakunin) {
    const bridge = window.kakunin;
    return {
      call: bridge.call.bind(bridge),
      onSnapshot: (cb) =>
        bridge.onSnapshot((s) => {
          const r = SnapshotSchema.safeParse(s);
          if (r.success) cb(r.data);
        }),
      onConnection: (cb) => {
        cb('up');
        return () => {};
      },
    };
  }
  return wsApi();
}

const RESUME_KEY = 'kakunin-resume';

/** The pairing token from `#pair=…`, taken off the address bar at once. */
function pairingFromLocation(): string | null {
  const m = /(?:^|[#&])pair=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname);
  // A fresh pairing outranks a token left from an earlier visit in this tab.
  sessionStorage.removeItem(RESUME_KEY);
  return m[1]!;
}

function wsApi(): Connection {
  let pairing = pairingFromLocation();
  let ws: WebSocket | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: ApiResult<unknown>) => void>();
  const snapshotListeners = new Set<(s: Snapshot) => void>();
  const connListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'down';
  let backoff = 250;
  let refused = 0;

  const setState = (v: ConnectionState) => {
    state = v;
    for (const l of connListeners) l(v);
  };

  const open = () => {
    // Read each time: the token of the last connection, or the pairing token before the first.
    const token = sessionStorage.getItem(RESUME_KEY) ?? pairing;
    if (!token) {
      setState('unpaired');
      return;
    }
    ws = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
    let opened = false;
    ws.onopen = () => {
      opened = true;
      backoff = 250;
      refused = 0;
      setState('up');
    };
    ws.onmessage = (ev) => {
      let parsed;
      try {
        parsed = ServerMessageSchema.safeParse(JSON.parse(String(ev.data)));
      } catch {
        return;
      }
      if (!parsed.success) return;
      const m = parsed.data;
      if ('event' in m && m.event === 'resume') {
        sessionStorage.setItem(RESUME_KEY, m.token);
        pairing = null;
      } else if ('event' in m) {
        for (const l of snapshotListeners) l(m.snapshot);
      } else {
        pending.get(m.id)?.(m.result as ApiResult<unknown>);
        pending.delete(m.id);
      }
    };
    ws.onclose = (ev) => {
      for (const [, r] of pending)
        r({
          ok: false,
          error: {
            code: 'disconnected',
            messageEn: 'Disconnected from the kiosk host',
            messageJa: '本体との接続が切れました',
          },
        });
      pending.clear();
      if (ev.code === CLOSE_REPLACED) {
        sessionStorage.removeItem(RESUME_KEY);
        setState('replaced');
        return;
      }
      // Tokens are never valid again once refused (spent, revoked, or a host that restarted with
      // new ones): after a few refusals in a row, say the screen needs pairing instead of spinning.
      if (!opened && ++refused >= 3) {
        sessionStorage.removeItem(RESUME_KEY);
        setState('unpaired');
        return;
      }
      setState('down');
      setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, 4000);
    };
  };
  open();

  return {
    call<M extends MethodName>(method: M, params: Params<M>): Promise<ApiResult<Value<M>>> {
      return new Promise((resolve) => {
        if (!ws || ws.readyState !== WebSocket.OPEN) {
          resolve({
            ok: false,
            error: {
              code: 'disconnected',
              messageEn: 'Not connected to the kiosk host',
              messageJa: '本体に接続していません',
            },
          });
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
      cb(state);
      return () => connListeners.delete(cb);
    },
  };
}
