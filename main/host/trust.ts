// Trust store status and import for the staff area. The trust model and directory loader belong to
// engineer H1a (main/trust/load-dir.ts); until that lands this service reads the directory itself
// with Node's X509Certificate so the staff screen can show each root, its expiry and warnings.
// Import refuses a file that claims to be a J-LIS / JPKI root but does not match a pinned
// fingerprint (shared/trust/real/README.md lists the published fingerprints).
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TrustStatus } from '../api/contract.ts';
import { ApiFailure } from './api-handler.ts';

/** Published SHA-256 fingerprints of the real J-LIS roots (facts, not the certificates). */
export const PINNED_REAL_ROOTS: Record<string, string> = {
  '6E8A3108609316961D142426CE842B7927FD2817553170561E574EB9EDE80A0E': 'J-LIS mncmdocRootCA (My Number Card on smartphones IACA)',
  '4DCFC4CA0AAF9FB2A3081B3F0C991C320B3ACC008667A341EEAEC5AF1D58CA7D': 'JPKI user authentication CA (2015)',
  '64114F29620C24ED2631D46476A040E7EE740D956089C00B036A6A8118C322B5': 'JPKI user authentication CA (2023)',
  '19645405A1FE14377434BD55957628AC4038557C542403A2243F21C706FC9355': 'JPKI digital signature CA (2015)',
  'D227F6CDE11D35C5252178F106F843D24651944975413B539FA2FB68DBFA365F': 'JPKI digital signature CA (2023)',
};

/** Warn this many days before a root expires. */
export const EXPIRY_WARNING_DAYS = 90;

const SUBDIR = { 'iaca-root': 'iaca', 'jpki-root': 'jpki', vical: 'vical', 'card-face-key': 'card-keys' } as const;
export type TrustImportKind = keyof typeof SUBDIR;

export interface TrustService {
  status(now: Date): Promise<TrustStatus> | TrustStatus;
  import(kind: TrustImportKind, fileName: string, bytes: Buffer, now: Date): Promise<{ stored: string; detail: string }> | { stored: string; detail: string };
}

function pemBlocks(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return out;
}

function certsIn(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) return pemBlocks(text);
  return [bytes];
}

const fp = (der: Buffer) => createHash('sha256').update(der).digest('hex').toUpperCase();

export class DirTrustService implements TrustService {
  constructor(readonly dir: string) {}

  status(now: Date): TrustStatus {
    const roots: TrustStatus['roots'] = [];
    const warnings: string[] = [];
    if (!existsSync(this.dir)) warnings.push(`trust directory ${this.dir} does not exist: no roots, every credential will be rejected`);
    for (const [kind, sub] of Object.entries(SUBDIR)) {
      const d = join(this.dir, sub);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d).sort()) {
        const bytes = readFileSync(join(d, f));
        if (kind === 'vical' || kind === 'card-face-key') {
          roots.push({ file: `${sub}/${f}`, kind, subject: f, notAfter: '', daysLeft: 99999, fingerprint: fp(bytes), warnings: [] });
          continue;
        }
        for (const der of certsIn(bytes)) {
          try {
            const c = new X509Certificate(der);
            const notAfter = new Date(c.validTo);
            const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
            const w: string[] = [];
            if (daysLeft < 0) w.push('expired');
            else if (daysLeft <= EXPIRY_WARNING_DAYS) w.push(`expires in ${daysLeft} days`);
            if (new Date(c.validFrom) > now) w.push('not yet valid');
            roots.push({ file: `${sub}/${f}`, kind, subject: c.subject.replace(/\n/g, ', '), notAfter: notAfter.toISOString().slice(0, 10), daysLeft, fingerprint: fp(der), warnings: w });
          } catch (e) {
            roots.push({ file: `${sub}/${f}`, kind, subject: '(unreadable)', notAfter: '', daysLeft: 0, fingerprint: fp(der), warnings: [`cannot parse: ${(e as Error).message}`] });
          }
        }
      }
    }
    if (!roots.some((r) => r.kind === 'iaca-root')) warnings.push('no IACA root: phone credentials cannot be verified');
    return { dir: this.dir, source: 'main/host/trust.ts (directory scan)', roots, warnings };
  }

  import(kind: TrustImportKind, fileName: string, bytes: Buffer, now: Date): { stored: string; detail: string } {
    const safe = basename(fileName).replace(/[^A-Za-z0-9._-]/g, '_');
    if (!safe || safe.startsWith('.')) throw new ApiFailure('bad_file_name', 'Bad file name', 'ファイル名が正しくありません');
    let detail = `${bytes.length} bytes`;
    if (kind === 'iaca-root' || kind === 'jpki-root') {
      const ders = certsIn(bytes);
      if (ders.length !== 1) throw new ApiFailure('trust_import_one_cert', 'Import exactly one certificate per file', '1ファイルにつき証明書は1つにしてください');
      let c: X509Certificate;
      try {
        c = new X509Certificate(ders[0]!);
      } catch {
        throw new ApiFailure('trust_import_unparseable', 'Not an X.509 certificate', '証明書として読み取れません');
      }
      if (!c.ca) throw new ApiFailure('trust_import_not_ca', 'The certificate is not a CA', 'CA証明書ではありません');
      const f = fp(ders[0]!);
      const claimsJlis = /Japan Agency for Local Authority Information Systems|O=JPKI/.test(c.subject.replace(/\n/g, ', ').replace(/^/, ''));
      const pinned = PINNED_REAL_ROOTS[f];
      if (claimsJlis && !pinned) throw new ApiFailure('trust_import_pin_mismatch', 'Claims to be a J-LIS root but its fingerprint is not the published one', 'J-LISのルートを名乗っていますが、公開されている指紋と一致しません');
      if (new Date(c.validTo) < now) throw new ApiFailure('trust_import_expired', 'The certificate has expired', '証明書の有効期限が切れています');
      detail = pinned ? `pinned: ${pinned}` : `subject ${c.subject.replace(/\n/g, ', ')}`;
    }
    const d = join(this.dir, SUBDIR[kind]);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, safe), bytes, { mode: 0o644 });
    return { stored: `${SUBDIR[kind]}/${safe}`, detail };
  }
}
