// Trust store status and import for the staff area, on top of engineer H1a's loader and importer
// (main/trust/load-dir.ts, main/trust/import.ts): the same checks as `kakunin trust import`, so a
// file claiming to be a J-LIS root without the pinned fingerprint is refused here too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { TrustStatus } from '../api/contract.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { TrustedRoot } from '../../core/trust/trust-store.ts';
import { EXPIRY_WARNING_DAYS } from '../../core/trust/trust-store.ts';
import { nameToString } from '../../core/x509/certificate.ts';
import { nodeCrypto } from '../crypto/node-crypto.ts';
import { loadTrustDir } from '../trust/load-dir.ts';
import { importTrustFile, type ImportKind } from '../trust/import.ts';
import { ApiFailure } from './api-handler.ts';

export type TrustImportKind = ImportKind;

export interface TrustService {
  status(now: Date): Promise<TrustStatus> | TrustStatus;
  import(kind: TrustImportKind, fileName: string, bytes: Buffer, now: Date, keyId?: string): Promise<{ stored: string; detail: string }> | { stored: string; detail: string };
}

const DAY_MS = 86_400_000;

export class DirTrustService implements TrustService {
  constructor(readonly dir: string, private crypto: CryptoProvider = nodeCrypto) {}

  status(now: Date): TrustStatus {
    const store = loadTrustDir(this.dir, { crypto: this.crypto, now });
    const rel = (f: string) => (f.startsWith(this.dir) ? relative(this.dir, f) : f);
    const issuesFor = (origin: string) => store.warnings.filter((w) => w.file === origin).map((w) => w.detail);
    const row = (r: TrustedRoot) => ({
      file: rel(r.origin),
      kind: r.kind,
      subject: nameToString(r.cert.subject) + (r.pinned ? ' [pinned]' : ''),
      notAfter: r.cert.notAfter.toISOString().slice(0, 10),
      daysLeft: Math.floor((r.cert.notAfter.getTime() - now.getTime()) / DAY_MS),
      fingerprint: r.fingerprint,
      warnings: [
        ...issuesFor(r.origin),
        ...(r.cert.notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS && !issuesFor(r.origin).length ? ['まもなく期限切れ / expires soon'] : []),
      ],
    });
    const roots: TrustStatus['roots'] = [...store.iacas, ...store.jpkiRoots, ...store.vicalSigners].map(row);
    for (const k of store.cardFaceKeys.values()) {
      roots.push({ file: rel(k.origin), kind: 'card-face', subject: `card-face key ${k.keyId} (RSA-${k.key.n.length * 8})`, notAfter: '', daysLeft: 0, fingerprint: k.keyId, warnings: [] });
    }
    const warnings = [
      ...store.errors.map((e) => `${e.code}: ${e.detail}${e.file ? ` (${rel(e.file)})` : ''}`),
      ...store.warnings.filter((w) => !w.file || !roots.some((r) => r.file === rel(w.file!))).map((w) => `${w.code}: ${w.detail}`),
    ];
    if (store.iacas.length === 0) warnings.push('IACAルートがありません：スマートフォンの身分証を検証できません / no IACA root: phone credentials cannot be verified');
    if (store.cardFaceKeys.size === 0 && store.jpkiRoots.length === 0) warnings.push('J-LISの鍵がありません：マイナンバーカードを検証できません / no J-LIS card keys: My Number Cards cannot be verified');
    return { dir: this.dir, source: 'main/trust/load-dir.ts', roots, warnings };
  }

  import(kind: TrustImportKind, fileName: string, bytes: Buffer, now: Date, keyId?: string): { stored: string; detail: string } {
    // The importer reads from a path; the upload goes to a private temp dir under its own name
    // (only the base name, so "../" in it cannot steer the write).
    const tmp = mkdtempSync(join(tmpdir(), 'kakunin-import-'));
    try {
      const name = basename(fileName).replace(/[^A-Za-z0-9._-]/g, '_') || 'imported';
      const f = join(tmp, name);
      writeFileSync(f, bytes, { mode: 0o600 });
      const r = importTrustFile(this.dir, kind, f, { crypto: this.crypto, now, ...(keyId ? { keyId } : {}) });
      if (!r.ok) throw new ApiFailure(r.error.code, r.error.message, `取り込めません（${r.error.code}）: ${r.error.message}`);
      const detail = [r.subject, r.pinned ? 'J-LIS公式ルート（指紋一致）/ pinned J-LIS root' : undefined, r.notAfter ? `有効期限 / until ${r.notAfter.slice(0, 10)}` : undefined, r.unchanged ? '登録済み / already present' : undefined, ...r.warnings.map((w) => w.detail)]
        .filter(Boolean)
        .join('; ');
      return { stored: relative(this.dir, r.file), detail };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
