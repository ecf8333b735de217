// The headless host's connect tokens. The screen's WebSocket needs a token the host issued, and
// each token opens one connection only (spent at the upgrade, before any frame is sent), so a
// token copied from anywhere later is worthless. Two slots, at most one token in each:
// - pairing: handed out of band to a browser (the kiosk's own Chromium or a desktop browser of the
//   kiosk user) through a private file, never argv or stdout (see pairing-file.ts);
// - resume: sent to the live connection only, for its own reload or reconnect.
// Issuing a token into a slot revokes the one it held. Only digests are kept.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CONNECT_TOKEN } from '../../api/contract.ts';

export type TokenSlot = 'pairing' | 'resume';

const digest = (t: string) => createHash('sha256').update(t).digest();

export class OneTimeTokens {
  private slots: Record<TokenSlot, Buffer | null> = { pairing: null, resume: null };

  issue(slot: TokenSlot): string {
    const token = randomBytes(32).toString('base64url');
    this.slots[slot] = digest(token);
    return token;
  }

  /** Spends `given` when a slot holds it: returns that slot (now empty), else null. */
  spend(given: string | null | undefined): TokenSlot | null {
    if (!given || !CONNECT_TOKEN.test(given)) return null;
    const d = digest(given);
    for (const slot of ['pairing', 'resume'] as const) {
      const held = this.slots[slot];
      // Equal-length digests, compared in constant time: no timing hint about a held token.
      if (held && timingSafeEqual(held, d)) {
        this.slots[slot] = null;
        return slot;
      }
    }
    return null;
  }

  revokeAll(): void {
    this.slots = { pairing: null, resume: null };
  }
}

/** What may be printed of a token: enough to tell two pairings apart, too little to use. */
export function tokenHint(token: string): string {
  return `${token.slice(0, 4)}…`;
}
