// Trust store status and import for the staff area, on top of the loader and importer
// (main/trust/trust-sources.ts, main/trust/import.ts): the same checks as `kakunin trust import`, so a
// file claiming to be a J-LIS root without the pinned fingerprint, or a built-in's subject or key id
// with other bytes, is refused here too unless staff replace the built-in on purpose.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { TrustStatus } from '../../api/contract.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { TrustedRoot } from '../../core/trust/trust-store.ts';
import { EXPIRY_WARNING_DAYS } from '../../core/trust/trust-store.ts';
import { nameToString } from '../../core/x509/certificate.ts';
import { nodeCrypto } from '../crypto/node-crypto.ts';
import { importTrustFile, type BuiltinReplacement, type ImportKind } from '../trust/import.ts';
import { BUILTIN_TRUST_DIR, loadTrust, withBuiltins } from '../trust/trust-sources.ts';
import { trustReadiness } from '../../core/trust/readiness.ts';
import { PINNED_CARD_FACE_KEYS } from '../../core/trust/pinned-roots.ts';
import { ApiFailure } from './api-failure.ts';

export type TrustImportKind = ImportKind;

/**
 * What an import did; `replacedBuiltin` is set when staff replaced a built-in anchor, and
 * `fingerprint` is the SHA-256 of what was imported when the importer gives one (the caller audits both).
 */
export interface TrustImportResult {
  stored: string;
  detail: string;
  replacedBuiltin: BuiltinReplacement | null;
  fingerprint?: string;
}

/** A file uploaded on the staff screen; `keyId` names a card-face key, `replaceBuiltin` is staff's approval. */
export interface TrustImportRequest {
  kind: TrustImportKind;
  fileName: string;
  bytes: Buffer;
  keyId?: string | undefined;
  replaceBuiltin?: boolean | undefined;
}

export interface TrustService {
  status(now: Date): Promise<TrustStatus> | TrustStatus;
  import(req: TrustImportRequest, now: Date): Promise<TrustImportResult> | TrustImportResult;
}

const DAY_MS = 86_400_000;

export class DirTrustService implements TrustService {
  constructor(
    readonly dir: string,
    private crypto: CryptoProvider = nodeCrypto,
  ) {}

  status(now: Date): TrustStatus {
    const store = loadTrust(withBuiltins(this.dir), { crypto: this.crypto, now });
    const rel = (f: string) =>
      f.startsWith(this.dir)
        ? relative(this.dir, f)
        : f.startsWith(BUILTIN_TRUST_DIR)
          ? `built-in/${relative(BUILTIN_TRUST_DIR, f)}`
          : f;
    const issuesFor = (origin: string) => store.warnings.filter((w) => w.file === origin).map((w) => w.detail);
    const row = (r: TrustedRoot): TrustStatus['roots'][number] => {
      const daysLeft = Math.floor((r.cert.notAfter.getTime() - now.getTime()) / DAY_MS);
      const expired = daysLeft < 0;
      return {
        file: rel(r.origin),
        origin: r.source ?? 'imported',
        kind: r.kind,
        subject: nameToString(r.cert.subject) + (r.pinned ? ' [pinned]' : ''),
        notAfter: r.cert.notAfter.toISOString().slice(0, 10),
        daysLeft,
        fingerprint: r.fingerprint,
        warnings: [
          ...issuesFor(r.origin),
          ...(expired && r.source === 'built-in' ? ['期限切れ（使用しません）/ expired (not used)'] : []),
          ...(!expired && daysLeft < EXPIRY_WARNING_DAYS && !issuesFor(r.origin).length
            ? ['まもなく期限切れ / expires soon']
            : []),
        ],
      };
    };
    const roots: TrustStatus['roots'] = [...store.iacas, ...store.jpkiRoots, ...store.vicalSigners].map(row);
    // Passport CSCAs (DIR/csca and verified master lists): one row each, the country first.
    for (const c of store.cscas) {
      const daysLeft = Math.floor((c.cert.notAfter.getTime() - now.getTime()) / DAY_MS);
      roots.push({
        file: rel(c.origin),
        origin: 'imported',
        kind: c.origin.includes('#') ? 'csca (master list)' : c.link ? 'csca (link)' : 'csca',
        subject: `${c.country}: ${c.subjectText}`,
        notAfter: c.cert.notAfter.toISOString().slice(0, 10),
        daysLeft,
        fingerprint: c.fingerprint,
        warnings: daysLeft < 0 ? ['期限切れ / expired'] : [],
      });
    }
    for (const k of store.cardFaceKeys.values()) {
      const pinned = PINNED_CARD_FACE_KEYS.find((p) => p.keyId === k.keyId);
      roots.push({
        file: rel(k.origin),
        origin: k.source ?? 'imported',
        kind: 'card-face',
        subject: `card-face key ${pinned ? `${pinned.label} (${pinned.signs})` : k.keyId} (RSA-${k.key.n.length * 8})`,
        notAfter: '',
        daysLeft: 0,
        fingerprint: k.fingerprint ?? k.keyId,
        warnings: [],
      });
    }
    const warnings = [
      ...store.errors.map((e) => `${e.code}: ${e.detail}${e.file ? ` (${rel(e.file)})` : ''}`),
      ...store.warnings
        .filter((w) => !w.file || !roots.some((r) => r.file === rel(w.file!)))
        .map((w) => `${w.code}: ${w.detail}`),
    ];
    for (const w of store.unpinnedJapaneseRoots())
      warnings.push(`⚠ C=JPの非公式ルート / unpinned C=JP root: ${w.detail}`);
    if (store.iacas.length === 0)
      warnings.push(
        'IACAルートがありません：スマートフォンの身分証を検証できません / no IACA root: phone credentials cannot be verified',
      );
    return {
      dir: this.dir,
      source: 'built-in anchors + main/trust/load-dir.ts',
      ready: trustReadiness(store, now),
      roots,
      warnings,
    };
  }

  import({ kind, fileName, bytes, keyId, replaceBuiltin }: TrustImportRequest, now: Date): TrustImportResult {
    // The importer reads from a path; the upload goes to a private temp dir under its own name
    // (only the base name, so "../" in it cannot steer the write).
    const tmp = mkdtempSync(join(tmpdir(), 'kakunin-import-'));
    try {
      const name = basename(fileName).replace(/[^A-Za-z0-9._-]/g, '_') || 'imported';
      const f = join(tmp, name);
      writeFileSync(f, bytes, { mode: 0o600 });
      const r = importTrustFile(this.dir, kind, f, {
        crypto: this.crypto,
        now,
        ...(keyId ? { keyId } : {}),
        ...(replaceBuiltin ? { replaceBuiltin: true } : {}),
      });
      if (!r.ok)
        throw new ApiFailure(r.error.code, r.error.message, `取り込めません（${r.error.code}）: ${r.error.message}`);
      const detail = [
        r.subject,
        r.pinned ? 'J-LIS公式ルート（指紋一致）/ pinned J-LIS root' : undefined,
        r.builtIn ? '組み込み済み（書き込みなし）/ built in already, nothing written' : undefined,
        r.replacedBuiltin
          ? `組み込みの ${r.replacedBuiltin.builtin} を置き換え / replaces the built-in ${r.replacedBuiltin.builtin}`
          : undefined,
        r.notAfter ? `有効期限 / until ${r.notAfter.slice(0, 10)}` : undefined,
        r.unchanged && !r.builtIn ? '登録済み / already present' : undefined,
        r.masterList
          ? `マスターリスト（署名者 ${r.masterList.signer}）/ master list signed by ${r.masterList.signer}: ${
              Object.entries(r.masterList.countries)
                .map(([c, n]) => `${c} +${n.added}`)
                .join(', ') || '—'
            }`
          : undefined,
        ...r.warnings.map((w) => w.detail),
      ]
        .filter(Boolean)
        .join('; ');
      return {
        stored: r.builtIn ? rel0(r.file) : relative(this.dir, r.file),
        detail,
        replacedBuiltin: r.replacedBuiltin ?? null,
        ...(r.fingerprint && /^[0-9a-f]{64}$/.test(r.fingerprint) ? { fingerprint: r.fingerprint } : {}),
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

const rel0 = (f: string) => (f.startsWith(BUILTIN_TRUST_DIR) ? `built-in/${relative(BUILTIN_TRUST_DIR, f)}` : f);
