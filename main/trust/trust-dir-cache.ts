// The kiosk's readers verify every credential against the trust DIR (load-dir.ts). Loading it parses
// every root and proves every self-signature and the VICAL signature: about 3 ms a read with the test
// roots, far more with a real VICAL of dozens of IACAs. A freshly loaded store also starts with an
// empty Document Signer cache (core/x509/chain.ts), so every read would pay the cold verification.
// So the kiosk keeps the store it loaded and loads again only when the answer could differ:
//  - a file in the DIR changed (staff imported a root, a VICAL or a card-face key; someone removed
//    one): every file's name, size, mtime and inode are compared on each read (a few stat calls);
//  - the clock reached a moment when a loaded certificate becomes valid or expires (which VICAL
//    signers anchor the VICAL depends on `now` at load time: core/trust/vical.ts), or went back;
//  - MAX_AGE_MS passed (a bound on anything else that reads the clock at load, e.g. warnings).
// Verification itself always takes its own `now` (validity of DS, MSO and IACA is checked per call).

import { readdirSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { TrustStore } from '../../core/trust/trust-store.ts';
import { REPLACEMENTS_FILE, TRUST_SUBDIRS } from './load-dir.ts';
import { loadTrust, withBuiltins } from './trust-sources.ts';

export const MAX_AGE_MS = 5 * 60_000;

interface Entry {
  crypto: CryptoProvider;
  stamp: string;
  loadedAt: number;
  /** The first time after loadedAt at which a loaded certificate's validity changes, or the max age. */
  reloadAt: number;
  store: TrustStore;
}

const entries = new Map<string, Entry>();

/** What the loader would read, as a string: changes whenever a file is added, removed or rewritten. */
export function dirStamp(dir: string): string {
  const parts: string[] = [];
  const stat = (p: string): Stats | null => {
    try {
      return statSync(p);
    } catch {
      return null;
    }
  };
  const top = stat(dir);
  parts.push(top ? (top.isDirectory() ? 'd' : 'f') : '-');
  const rep = stat(join(dir, REPLACEMENTS_FILE));
  parts.push(rep ? `${REPLACEMENTS_FILE}|${rep.size}|${rep.mtimeMs}|${rep.ino}` : `${REPLACEMENTS_FILE}:-`);
  for (const sub of TRUST_SUBDIRS) {
    const p = join(dir, sub);
    let names: string[];
    try {
      names = readdirSync(p).sort();
    } catch {
      parts.push(`${sub}:-`);
      continue;
    }
    parts.push(`${sub}:`);
    for (const n of names) {
      const s = stat(join(p, n));
      parts.push(s ? `${n}|${s.size}|${s.mtimeMs}|${s.ino}` : `${n}|?`);
    }
  }
  return parts.join('\n');
}

function nextValidityChange(store: TrustStore, after: number): number {
  let next = after + MAX_AGE_MS;
  const certs: Array<{ notBefore: Date; notAfter: Date }> = [
    ...store.iacas,
    ...store.jpkiRoots,
    ...store.vicalSigners,
    ...store.cscas,
  ].map((r) => r.cert);
  certs.push(...store.validityWatch);
  for (const c of certs) {
    for (const t of [c.notBefore.getTime(), c.notAfter.getTime() + 1]) if (t > after && t < next) next = t;
  }
  return next;
}

/**
 * The trust store of `dir` plus the built-in anchors, loaded again only when its files changed or the clock crossed a
 * certificate's validity boundary (see the top of this file). Same crypto provider required.
 */
export function cachedTrustStore(dir: string, opts: { crypto: CryptoProvider; now: Date }): TrustStore {
  const key = resolve(dir);
  const now = opts.now.getTime();
  const stamp = dirStamp(key);
  const e = entries.get(key);
  if (e && e.crypto === opts.crypto && e.stamp === stamp && now >= e.loadedAt && now < e.reloadAt) return e.store;
  const store = loadTrust(withBuiltins(dir), { crypto: opts.crypto, now: opts.now });
  entries.set(key, { crypto: opts.crypto, stamp, loadedAt: now, reloadAt: nextValidityChange(store, now), store });
  return store;
}

/** Forget every cached store (tests). */
export function clearTrustStoreCache(): void {
  entries.clear();
}
