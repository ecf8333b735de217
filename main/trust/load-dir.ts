// Reads a trust DIR into a TrustStore. The layout is a contract (docs/architecture.md "Contracts"), exactly:
//   DIR/iaca/*.pem|*.der                  IACA roots
//   DIR/vical/*.cbor + DIR/vical-signers/*.pem   AAMVA-style VICAL (COSE_Sign1); its IACAs are trusted
//                                         only if the VICAL verifies against a vical signer
//   DIR/jpki/*.pem                        JPKI roots (My Number Card certificates)
//   DIR/card-face/<32 hex>.pem            RSA SubjectPublicKeyInfo of a card-face AP signer key,
//                                         named by the 16-byte signer key id
//   DIR/builtin-replacements.json         fingerprints staff approved to stand beside or replace a
//                                         built-in anchor (written by `trust import --replace-builtin`)
//   DIR/doctypes.json                     {"<docType>": ["<IACA SHA-256 hex>", ...]}: adds to the built-in
//                                         docType -> issuer binding (core/trust/doctype-binding.ts)
//   DIR/csca/*.pem|*.der                  ICAO Country Signing CAs (passports)
//   DIR/masterlist/*.ml + DIR/masterlist-signers/*.pem|*.der
//                                         ICAO CSCA master lists (CMS, eContentType 2.23.136.1.1.2);
//                                         their CSCAs are trusted only if the list's signer is in
//                                         masterlist-signers/ or was issued by a CSCA in csca/ or
//                                         masterlist-signers/
// Every certificate file holds exactly one certificate (a bundle would trust all of its members at
// once, which import refuses too). In a staff DIR, symbolic links and files owned by another user
// (not the kiosk's user, not root) are refused: a link can point out of the folder, and another
// local user must not be able to plant an anchor.
// A bad file becomes an error that names it; nothing here throws for file content.
// The built-in anchors and how a DIR adds to them: trust-sources.ts.

import { lstatSync, readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { expiryWarnings, TrustStore, type AnchorSource, type TrustIssue } from '../../core/trust/trust-store.ts';
import type { TrustIssueCode } from '../../core/trust/codes.ts';
import { addVical } from '../../core/trust/vical.ts';
import { parseDocTypeBindings } from '../../core/trust/doctype-binding.ts';
import { addMasterList } from '../../core/trust/master-list.ts';
import { DerError } from '../../core/x509/der.ts';
import { certificatesFromFile, parseCertificate, type Certificate } from '../../core/x509/certificate.ts';
import { pemToDer, toHex } from '../../core/x509/pem.ts';
import { errorText } from '../../core/errors.ts';

export interface LoadOptions {
  crypto: CryptoProvider;
  now?: Date;
  expiryWarningDays?: number;
}

/** Trust files are small; anything larger is refused before reading it. */
export const MAX_TRUST_FILE_BYTES = 4 * 1024 * 1024;

export const TRUST_SUBDIRS = [
  'iaca',
  'vical',
  'vical-signers',
  'jpki',
  'card-face',
  'csca',
  'masterlist',
  'masterlist-signers',
] as const;

/** Only DIR's anchors (no built-ins): trust-sources.ts loadTrust is what the kiosk and the CLI use. */
export function loadTrustDir(dir: string, opts: LoadOptions): TrustStore {
  const store = newTrustStore(opts);
  loadTrustDirInto(store, dir, 'imported');
  return store;
}

export function newTrustStore(opts: LoadOptions): TrustStore {
  return new TrustStore({
    crypto: opts.crypto,
    now: opts.now ?? new Date(),
    ...(opts.expiryWarningDays !== undefined ? { expiryWarningDays: opts.expiryWarningDays } : {}),
  });
}

export const REPLACEMENTS_FILE = 'builtin-replacements.json';
export const DOCTYPES_FILE = 'doctypes.json';

/** Add DIR's anchors to `store`, tagged with `source`. */
export function loadTrustDirInto(store: TrustStore, dir: string, source: AnchorSource): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    store.errors.push({ code: 'trust_dir_missing', detail: `trust directory ${dir} does not exist`, file: dir });
    return;
  }
  const r = new DirReader(store, source === 'imported');
  if (r.staffDir) {
    readReplacements(r, dir);
    readDocTypeBindings(r, dir);
  }
  // An empty staff DIR beside the built-in anchors is a new kiosk, not a problem.
  const hasBuiltins = store.builtins().roots.length + store.builtins().cardFaceKeys.length > 0;
  if (!hasBuiltins && !TRUST_SUBDIRS.some((s) => existsSync(join(dir, s)))) {
    store.warnings.push({
      code: 'trust_dir_empty',
      detail: `${dir} has none of ${TRUST_SUBDIRS.join(', ')}`,
      file: dir,
    });
  }

  for (const f of r.files(join(dir, 'iaca'), ['.pem', '.der', '.crt', '.cer'])) {
    for (const der of r.certificates(f)) store.addRoot(der, 'iaca', f, source);
  }
  for (const f of r.files(join(dir, 'jpki'), ['.pem', '.der', '.crt', '.cer'])) {
    for (const der of r.certificates(f)) store.addRoot(der, 'jpki', f, source);
  }
  for (const f of r.files(join(dir, 'card-face'), ['.pem'])) {
    const bytes = r.bytes(f);
    if (!bytes) continue;
    let spki: Uint8Array;
    try {
      spki = pemToDer(new TextDecoder().decode(bytes), 'PUBLIC KEY');
    } catch (e) {
      store.errors.push({ code: 'malformed_key', detail: errorText(e), file: f });
      continue;
    }
    store.addCardFaceKey(basename(f, '.pem'), spki, f, source);
  }
  // VICAL signers are the anchors of the VICAL signature: load them first, then each VICAL.
  const signers: Certificate[] = [];
  for (const { cert, f } of signerCertificates(r, join(dir, 'vical-signers'))) {
    signers.push(cert);
    // Listed like roots; they anchor only the VICAL signature.
    store.vicalSigners.push({
      cert,
      fingerprint: toHex(store.crypto.digest('SHA-256', cert.der)),
      kind: 'vical-signer',
      origin: f,
      source,
      profileChecks: [],
    });
  }
  for (const f of r.files(join(dir, 'vical'), ['.cbor'])) {
    const bytes = r.bytes(f);
    if (bytes) addVical(store, bytes, signers, f);
  }
  loadCscas(r, dir);
}

/** DIR/doctypes.json (optional): adds IACAs to the docType -> issuer binding. */
function readDocTypeBindings(r: DirReader, dir: string): void {
  r.json(join(dir, DOCTYPES_FILE), 'malformed_doctypes', (j) => r.store.addDocTypeBindings(parseDocTypeBindings(j)));
}

/** DIR/builtin-replacements.json: `{"approved": [{"sha256": "<64 hex>", ...}]}`; other fields are notes. */
function readReplacements(r: DirReader, dir: string): void {
  r.json(join(dir, REPLACEMENTS_FILE), 'malformed_replacements', (j) => {
    const approved = (j as { approved?: unknown }).approved;
    if (!Array.isArray(approved)) throw new Error('no "approved" array');
    for (const a of approved) {
      const h = (a as { sha256?: unknown })?.sha256;
      if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h))
        throw new Error('an entry without a lower-case hex sha256');
      r.store.approvedReplacements.add(h);
    }
  });
}

/**
 * DIR/csca (self-signed CSCAs first, then link certificates until none more can be added), then the
 * master list signers and the master lists they vouch for (core/trust/master-list.ts).
 */
/**
 * The signer certificates of one folder (VICAL signers, master list signers): parsed and
 * expiry-warned; a file that does not parse is an error of that file, the others still load.
 */
function signerCertificates(r: DirReader, folder: string): Array<{ cert: Certificate; f: string }> {
  const store = r.store;
  const out: Array<{ cert: Certificate; f: string }> = [];
  for (const f of r.files(folder, ['.pem', '.der', '.crt', '.cer'])) {
    for (const der of r.certificates(f)) {
      try {
        const cert = parseCertificate(der);
        out.push({ cert, f });
        store.warnings.push(...expiryWarnings(cert, store.now, store.warnDays, f));
      } catch (e) {
        store.errors.push({
          code: e instanceof DerError ? e.code : 'malformed_certificate',
          detail: errorText(e),
          file: f,
        });
      }
    }
  }
  return out;
}

function loadCscas(r: DirReader, dir: string): void {
  const store = r.store;
  let pending: Array<{ der: Uint8Array; f: string }> = [];
  for (const f of r.files(join(dir, 'csca'), ['.pem', '.der', '.crt', '.cer']))
    for (const der of r.certificates(f)) pending.push({ der, f });
  for (let progress = true; progress && pending.length;) {
    progress = false;
    const next: typeof pending = [];
    for (const p of pending) {
      if (store.addCsca(p.der, p.f, { quiet: true })) progress = true;
      else next.push(p);
    }
    pending = next;
  }
  // What is left is refused; say why once per file.
  for (const p of pending) store.addCsca(p.der, p.f);
  const anchors = { signers: [] as Certificate[], cscas: store.cscas.slice() };
  for (const { cert } of signerCertificates(r, join(dir, 'masterlist-signers'))) {
    anchors.signers.push(cert);
    store.validityWatch.push(cert);
  }
  for (const f of r.files(join(dir, 'masterlist'), ['.ml'])) {
    const bytes = r.bytes(f);
    if (bytes) addMasterList(store, bytes, anchors, f);
  }
}

/** Reads one DIR's files into a store, with its rules: a staff DIR refuses links and foreign files. */
class DirReader {
  constructor(
    readonly store: TrustStore,
    readonly staffDir: boolean,
  ) {}

  /** True (and an error recorded) when `p` may not be read: a symbolic link, or owned by another user. */
  refused(p: string): boolean {
    if (!this.staffDir) return false;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return false; // missing: the caller says so
    }
    const uid = process.getuid?.();
    let issue: Omit<TrustIssue, 'file'> | null = null;
    if (st.isSymbolicLink())
      issue = { code: 'symlink_refused', detail: 'a symbolic link in the trust folder is not followed' };
    else if (uid !== undefined && st.uid !== uid && st.uid !== 0)
      issue = { code: 'foreign_owner', detail: `owned by uid ${st.uid}, not the kiosk's user (${uid}) or root` };
    if (issue) this.store.errors.push({ ...issue, file: p });
    return issue !== null;
  }

  files(sub: string, exts: string[]): string[] {
    const store = this.store;
    if (!existsSync(sub) || this.refused(sub)) return [];
    let names: string[];
    try {
      names = readdirSync(sub).sort();
    } catch (e) {
      store.errors.push({ code: 'trust_dir_unreadable', detail: errorText(e), file: sub });
      return [];
    }
    const out: string[] = [];
    for (const n of names) {
      if (n.startsWith('.') || n === 'README.md') continue;
      const p = join(sub, n);
      if (this.refused(p)) continue;
      if (!exts.includes(extname(n).toLowerCase())) {
        store.warnings.push({ code: 'ignored_file', detail: `not a ${exts.join('/')} file, ignored`, file: p });
        continue;
      }
      out.push(p);
    }
    return out;
  }

  bytes(f: string): Uint8Array | null {
    const store = this.store;
    try {
      const st = statSync(f);
      if (!st.isFile()) {
        store.errors.push({ code: 'not_a_file', detail: 'not a regular file', file: f });
        return null;
      }
      if (st.size > MAX_TRUST_FILE_BYTES) {
        store.errors.push({
          code: 'file_too_large',
          detail: `${st.size} bytes exceeds ${MAX_TRUST_FILE_BYTES}`,
          file: f,
        });
        return null;
      }
      return new Uint8Array(readFileSync(f));
    } catch (e) {
      store.errors.push({ code: 'file_unreadable', detail: errorText(e), file: f });
      return null;
    }
  }

  /** An optional JSON file of the DIR, handed to `use`; anything it throws is an error named `code`. */
  json(f: string, code: TrustIssueCode, use: (j: unknown) => void): void {
    if (!existsSync(f) || this.refused(f)) return;
    const bytes = this.bytes(f);
    if (!bytes) return;
    try {
      use(JSON.parse(new TextDecoder().decode(bytes)));
    } catch (e) {
      this.store.errors.push({ code, detail: `${basename(f)}: ${errorText(e)}`, file: f });
    }
  }

  /** The one certificate of a file (a bundle trusts nothing: one anchor per file). */
  certificates(f: string): Uint8Array[] {
    const bytes = this.bytes(f);
    if (!bytes) return [];
    try {
      const certs = certificatesFromFile(bytes);
      if (certs.length !== 1) {
        this.store.errors.push({
          code: 'multiple_certificates',
          detail: `holds ${certs.length} certificates: one anchor per file (none of them is trusted)`,
          file: f,
        });
        return [];
      }
      return certs;
    } catch (e) {
      this.store.errors.push({
        code: e instanceof DerError ? e.code : 'malformed_certificate',
        detail: errorText(e),
        file: f,
      });
      return [];
    }
  }
}
