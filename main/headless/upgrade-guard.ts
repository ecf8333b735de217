// Which WebSocket upgrades reach the token check at all. The screen is a page this host served
// itself, so a browser's upgrade carries exactly `Host: 127.0.0.1:<port>` and
// `Origin: http://127.0.0.1:<port>` (RFC 6455 §4.1 requires Origin from browsers; §10.2 leaves the
// check to the server). Anything else is another site (DNS rebinding: a name that resolves to
// 127.0.0.1 gives a different Host and Origin; a page in another tab gives its own Origin), or a
// non-browser client, which must say the kiosk's origin like a browser would.
import type { IncomingMessage } from 'node:http';

export const LOOPBACK = '127.0.0.1';

export const kioskHost = (port: number) => `${LOOPBACK}:${port}`;
export const kioskOrigin = (port: number) => `http://${kioskHost(port)}`;

export type UpgradeRefusal = { status: 403 | 404; why: string };

/** Null when the request may go on to the token check; else the HTTP status and why. */
export function upgradeRefusal(req: IncomingMessage, port: number): UpgradeRefusal | null {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/api') return { status: 404, why: 'not the API path' };
  if (req.headers.host !== kioskHost(port)) return { status: 403, why: "Host is not the kiosk's loopback address" };
  if (req.headers.origin !== kioskOrigin(port)) return { status: 403, why: "Origin is not the kiosk's own page" };
  return null;
}
