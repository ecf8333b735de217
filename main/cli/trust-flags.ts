// The trust flags every verifying command shares: `--trust DIR` adds DIR to the built-in anchors,
// `--no-builtin-trust` leaves the built-ins out, and without `--trust` the kiosk's own trust DIR
// ($KAKUNIN_HOME/trust) is used (main/trust/trust-sources.ts).
import { statSync } from 'node:fs';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { TrustStore } from '../../core/trust/trust-store.ts';
import { loadTrust, trustSourcesFromFlags } from '../trust/trust-sources.ts';
import { UsageError } from './flags.ts';

export const TRUST_FLAGS_HELP = `  --trust DIR         trust directory added to the built-in anchors (DIR/iaca/*.pem|*.der,
                      DIR/vical/*.cbor + DIR/vical-signers/*.pem, DIR/jpki/*.pem, DIR/card-face/<id>.pem);
                      default: $KAKUNIN_HOME/trust
  --no-builtin-trust  leave the built-in J-LIS / JPKI anchors out (tests)`;

export interface TrustIssueJson {
  code: string;
  detail?: string;
  file?: string;
}

/** Throws UsageError when `--trust` names something that is not a directory. */
export function checkTrustFlag(trust: string | undefined): void {
  if (trust === undefined) return;
  let ok: boolean;
  try {
    ok = statSync(trust).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`--trust ${trust}: not a readable directory`);
}

/** The store the trust flags name; null when `--trust` names a directory that does not exist. */
export function loadFlagTrust(
  trust: string | undefined,
  noBuiltin: boolean | undefined,
  crypto: CryptoProvider,
  now: Date,
): ReturnType<typeof loadTrust> | null {
  const store = loadTrust(trustSourcesFromFlags(trust, noBuiltin), { crypto, now });
  return store.errors.some((e) => e.code === 'trust_dir_missing') ? null : store;
}

/** The store, and its load errors and warnings as the commands print them. */
export function loadCliTrust(
  trust: string | undefined,
  noBuiltin: boolean | undefined,
  crypto: CryptoProvider,
  now: Date,
): { store: TrustStore; issues: TrustIssueJson[] } {
  const store = loadTrust(trustSourcesFromFlags(trust, noBuiltin), { crypto, now });
  const issues: TrustIssueJson[] = [];
  for (const e of [...store.errors, ...store.warnings])
    issues.push({ code: e.code, detail: e.detail, ...(e.file ? { file: e.file } : {}) });
  return { store, issues };
}
