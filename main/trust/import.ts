// `kakunin trust import`: check a root (or VICAL, or card-face key) and only then copy it into a trust
// DIR in the layout load-dir.ts reads. A file that claims to be a real J-LIS root but does not match its
// pinned SHA-256 fingerprint is refused (core/trust/pinned-roots.ts), as is anything that would not load,
// and so is a file that claims a built-in anchor's subject or key id with other bytes, unless staff
// replace the built-in on purpose (`replaceBuiltin`: the approval is written to
// DIR/builtin-replacements.json, which the loader honours; the caller writes the audit entry).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { checkPinnedRoot, subjectIsJapanese, type PinnedRoot } from '../../core/trust/pinned-roots.ts';
import {
  checkCardFaceKey,
  expiryWarnings,
  EXPIRY_WARNING_DAYS,
  TrustStore,
  type TrustIssue,
  type TrustKind,
} from '../../core/trust/trust-store.ts';
import { verifyVical, VicalError } from '../../core/trust/vical.ts';
import { addMasterList, MasterListError, verifyMasterList } from '../../core/trust/master-list.ts';
import { checkCsca } from '../../core/trust/csca.ts';
import type { MasterListInfo } from '../../core/trust/trust-store.ts';
import { loadTrustDir } from './load-dir.ts';
import { bytesEqual, certificatesFromFile, nameToString, parseCertificate } from '../../core/x509/certificate.ts';
import { DerError } from '../../core/x509/der.ts';
import { derToPem, pemToDer, toHex } from '../../core/x509/pem.ts';
import { loadTrustDirInto, MAX_TRUST_FILE_BYTES, REPLACEMENTS_FILE } from './load-dir.ts';
import { BUILTIN_TRUST_DIR } from './trust-sources.ts';
import { errorText } from '../../core/errors.ts';

/** Every kind of anchor the trust store holds can be imported. */
export type ImportKind = TrustKind;
export const IMPORT_KINDS: readonly ImportKind[] = [
  'iaca',
  'jpki',
  'vical',
  'vical-signer',
  'card-face',
  'csca',
  'masterlist',
  'masterlist-signer',
];
const SUBDIR: Record<ImportKind, string> = {
  iaca: 'iaca',
  jpki: 'jpki',
  vical: 'vical',
  'vical-signer': 'vical-signers',
  'card-face': 'card-face',
  csca: 'csca',
  masterlist: 'masterlist',
  'masterlist-signer': 'masterlist-signers',
};

export interface ImportOptions {
  crypto: CryptoProvider;
  now?: Date;
  /** card-face only: the 16-byte signer key id as 32 hex characters. */
  keyId?: string;
  /** Staff replace (or, for a root, stand beside) a built-in anchor on purpose. */
  replaceBuiltin?: boolean;
}

/** What a `replaceBuiltin` import approved (for the audit entry). */
export interface BuiltinReplacement {
  kind: ImportKind;
  /** The built-in's subject or card-face key id. */
  builtin: string;
  builtinFingerprint: string;
  fingerprint: string;
}

/** What the checks found out about an imported file. */
interface ImportedInfo {
  subject?: string;
  fingerprint?: string;
  pinned?: PinnedRoot;
  notBefore?: string;
  notAfter?: string;
  /** masterlist: the verified signer and what the list adds to the trust directory, per country. */
  masterList?: Pick<MasterListInfo, 'signer' | 'signerCountry' | 'entries' | 'countries'>;
  warnings: TrustIssue[];
}

export type ImportResult =
  | ({
      ok: true;
      kind: ImportKind;
      /** Where it was written. */
      file: string;
      /** True when an identical file was already there (or the anchor is built in: nothing written). */
      unchanged: boolean;
      /** The file is one of the built-in anchors: already trusted, nothing written. */
      builtIn?: boolean;
      /** Set when staff replaced a built-in anchor with this import. */
      replacedBuiltin?: BuiltinReplacement;
    } & ImportedInfo)
  | { ok: false; error: { code: string; message: string } };

const refuse = (code: string, message: string): ImportResult => ({ ok: false, error: { code, message } });

export function importTrustFile(dir: string, kind: ImportKind, file: string, opts: ImportOptions): ImportResult {
  const now = opts.now ?? new Date();
  const bytes = readImportFile(file);
  if (!(bytes instanceof Uint8Array)) return bytes;

  // The built-ins are loaded first, so a file that claims one of them is seen for what it is.
  const builtins = new TrustStore({ crypto: opts.crypto, now });
  loadTrustDirInto(builtins, BUILTIN_TRUST_DIR, 'built-in');
  const c: ImportContext = { dir, file, bytes, opts, now, builtins, warnings: [] };

  try {
    return importKind(c, kind);
  } catch (e) {
    if (e instanceof DerError) return refuse(e.code, e.message);
    if (e instanceof VicalError) return refuse(e.code, e.message);
    if (e instanceof MasterListError) return refuse(e.code, e.message);
    throw e;
  }
}

/** The file's bytes: a regular file within MAX_TRUST_FILE_BYTES, else the refusal. */
function readImportFile(file: string): Uint8Array | ImportResult {
  try {
    const st = statSync(file);
    if (!st.isFile()) return refuse('not_a_file', `${file} is not a regular file`);
    if (st.size > MAX_TRUST_FILE_BYTES)
      return refuse('file_too_large', `${file} is ${st.size} bytes (limit ${MAX_TRUST_FILE_BYTES})`);
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    return refuse('file_unreadable', `${file}: ${errorText(e)}`);
  }
}

/** What each kind's import is given. */
interface ImportContext {
  dir: string;
  file: string;
  bytes: Uint8Array;
  opts: ImportOptions;
  now: Date;
  /** The built-in anchors only. */
  builtins: TrustStore;
  warnings: TrustIssue[];
}

function importKind(c: ImportContext, kind: ImportKind): ImportResult {
  switch (kind) {
    case 'iaca':
    case 'jpki':
      return importRoot(c, kind);
    case 'vical-signer':
      return importVicalSigner(c);
    case 'vical':
      return importVical(c);
    case 'csca':
      return importCsca(c);
    case 'masterlist-signer':
      return importMasterListSigner(c);
    case 'masterlist':
      return importMasterList(c);
    case 'card-face':
      return importCardFace(c);
  }
}

/**
 * An IACA (ISO 18013-5 Annex B profile) or JPKI root: pinned J-LIS fingerprints hold, a built-in is
 * not imported again, and one that claims a built-in's subject with other bytes needs `replaceBuiltin`.
 */
function importRoot(c: ImportContext, kind: 'iaca' | 'jpki'): ImportResult {
  const { file, bytes, opts, builtins: store, warnings } = c;
  const certs = certificatesFromFile(bytes);
  if (certs.length !== 1)
    return refuse('malformed_certificate', `${file} holds ${certs.length} certificates; import one root per file`);
  const fp = toHex(opts.crypto.digest('SHA-256', parseCertificate(certs[0]!).der));
  // Staff vouch for this exact certificate: it may stand beside a built-in with its subject
  // (a rotated root), or look like J-LIS without being pinned (a new generation).
  if (opts.replaceBuiltin) store.approvedReplacements.add(fp);
  const r = store.checkRoot(certs[0]!, kind, file);
  if (!r.ok) return refuse(r.error.code, r.error.detail);
  const root = r.value;
  const bad = root.profileChecks.filter((x) => !x.ok);
  if (bad.length)
    return refuse('iaca_profile_invalid', `not an ISO 18013-5 Annex B IACA: ${bad.map((x) => x.detail).join('; ')}`);
  const builtin = store.builtins().roots.find((b) => b.fingerprint === fp);
  if (builtin)
    return {
      ok: true,
      kind,
      file: builtin.origin,
      unchanged: true,
      builtIn: true,
      subject: nameToString(root.cert.subject),
      fingerprint: fp,
      ...(root.pinned ? { pinned: root.pinned } : {}),
      notBefore: root.cert.notBefore.toISOString(),
      notAfter: root.cert.notAfter.toISOString(),
      warnings,
    };
  const conflict = store.builtinRootConflict(root);
  if (conflict) return refuse(conflict.code, conflict.detail);
  const sameSubject = store.builtins().roots.find((b) => bytesEqual(b.cert.subject.der, root.cert.subject.der));
  const approvalNeeded =
    opts.replaceBuiltin &&
    !root.pinned &&
    ((sameSubject && sameSubject.fingerprint !== fp) || checkPinnedRoot(root.cert, fp, kind).status === 'mismatch');
  const replaced: BuiltinReplacement | undefined = approvalNeeded
    ? {
        kind,
        builtin: nameToString(root.cert.subject),
        builtinFingerprint: sameSubject?.fingerprint ?? '',
        fingerprint: fp,
      }
    : undefined;
  warnings.push(...expiryWarnings(root.cert, c.now, EXPIRY_WARNING_DAYS, file));
  if (!root.pinned && subjectIsJapanese(root.cert)) {
    warnings.push({
      code: 'unpinned_jp_root',
      detail: `C=JP but not a pinned J-LIS anchor: check the fingerprint ${root.fingerprint} with its publisher`,
      file,
    });
  }
  const name = safeBase(file) + (bytes[0] === 0x30 ? '.der' : '.pem');
  return approveAndWrite(c.dir, replaced, kind, name, bytes, {
    subject: nameToString(root.cert.subject),
    fingerprint: root.fingerprint,
    ...(root.pinned ? { pinned: root.pinned } : {}),
    notBefore: root.cert.notBefore.toISOString(),
    notAfter: root.cert.notAfter.toISOString(),
    warnings,
  });
}

/** A VICAL signer: one EC certificate, its pinned fingerprint when it has one; stored as PEM. */
function importVicalSigner(c: ImportContext): ImportResult {
  const certs = certificatesFromFile(c.bytes);
  if (certs.length !== 1)
    return refuse('malformed_certificate', `${c.file} holds ${certs.length} certificates; import one signer per file`);
  const cert = parseCertificate(certs[0]!);
  const fingerprint = toHex(c.opts.crypto.digest('SHA-256', cert.der));
  const pin = checkPinnedRoot(cert, fingerprint, 'vical-signer');
  if (pin.status === 'mismatch') return refuse('pinned_fingerprint_mismatch', pin.detail);
  if (cert.publicKey.kind !== 'ec')
    return refuse('unsupported_certificate', 'a VICAL signer key must be EC (ES256/ES384/ES512)');
  // Stored as PEM: load-dir reads vical-signers/*.pem.
  return writeSignerPem(c, 'vical-signer', cert, fingerprint);
}

/** A VICAL (ISO/IEC 18013-5 Annex C): trusted only if it verifies against the signers already in DIR/vical-signers. */
function importVical(c: ImportContext): ImportResult {
  const v = verifyVical(c.bytes, certificatesIn(join(c.dir, 'vical-signers')), c.opts.crypto, c.now);
  return write(c.dir, 'vical', safeBase(c.file) + '.cbor', c.bytes, {
    subject: `VICAL signed by ${nameToString(v.signer.subject)}`,
    fingerprint: toHex(c.opts.crypto.digest('SHA-256', c.bytes)),
    warnings: c.warnings,
  });
}

/** A CSCA: self-signed, or a link certificate under a CSCA already in DIR/csca (Doc 9303-12 §5.1.1). */
function importCsca(c: ImportContext): ImportResult {
  const certs = certificatesFromFile(c.bytes);
  if (certs.length !== 1)
    return refuse('malformed_certificate', `${c.file} holds ${certs.length} certificates; import one CSCA per file`);
  const have = loadTrustDir(c.dir, { crypto: c.opts.crypto, now: c.now });
  const r = checkCsca(certs[0]!, c.file, c.opts.crypto, have.cscas);
  if (!r.ok) return refuse(r.error.code, r.error.detail);
  c.warnings.push(...expiryWarnings(r.value.cert, c.now, EXPIRY_WARNING_DAYS, c.file));
  return write(c.dir, 'csca', safeBase(c.file) + (c.bytes[0] === 0x30 ? '.der' : '.pem'), c.bytes, {
    subject: `${r.value.subjectText} (CSCA ${r.value.country}${r.value.link ? ', link certificate' : ''})`,
    fingerprint: r.value.fingerprint,
    notBefore: r.value.cert.notBefore.toISOString(),
    notAfter: r.value.cert.notAfter.toISOString(),
    warnings: c.warnings,
  });
}

/** A master list signer: one certificate, stored as PEM. */
function importMasterListSigner(c: ImportContext): ImportResult {
  const certs = certificatesFromFile(c.bytes);
  if (certs.length !== 1)
    return refuse('malformed_certificate', `${c.file} holds ${certs.length} certificates; import one signer per file`);
  const cert = parseCertificate(certs[0]!);
  return writeSignerPem(c, 'masterlist-signer', cert, toHex(c.opts.crypto.digest('SHA-256', cert.der)));
}

/** A signer certificate as PEM, with its expiry warnings. */
function writeSignerPem(
  c: ImportContext,
  kind: 'vical-signer' | 'masterlist-signer',
  cert: ReturnType<typeof parseCertificate>,
  fingerprint: string,
): ImportResult {
  c.warnings.push(...expiryWarnings(cert, c.now, EXPIRY_WARNING_DAYS, c.file));
  return write(c.dir, kind, safeBase(c.file) + '.pem', new TextEncoder().encode(derToPem(cert.der)), {
    subject: nameToString(cert.subject),
    fingerprint,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    warnings: c.warnings,
  });
}

/**
 * A CSCA master list (Doc 9303-12 §9): trusted only when its signer chains to what the operator
 * already trusts: DIR/csca and DIR/masterlist-signers, never CSCAs that arrived in other master lists.
 */
function importMasterList(c: ImportContext): ImportResult {
  const store = loadTrustDir(c.dir, { crypto: c.opts.crypto, now: c.now });
  const signers = certificatesIn(join(c.dir, 'masterlist-signers'));
  const anchors = { signers, cscas: store.cscas.filter((x) => !x.origin.includes('#')) };
  verifyMasterList(c.bytes, anchors, c.opts.crypto, c.now); // throws MasterListError when not trusted
  const info = addMasterList(store, c.bytes, anchors, c.file)!;
  return write(c.dir, 'masterlist', safeBase(c.file) + '.ml', c.bytes, {
    subject: `CSCA master list signed by ${info.signer}`,
    fingerprint: toHex(c.opts.crypto.digest('SHA-256', c.bytes)),
    masterList: {
      signer: info.signer,
      signerCountry: info.signerCountry,
      entries: info.entries,
      countries: info.countries,
    },
    warnings: c.warnings,
  });
}

/** A card-face public key under its 16-byte key id; a built-in J-LIS key id with other bytes needs `replaceBuiltin`. */
function importCardFace(c: ImportContext): ImportResult {
  const { opts, bytes } = c;
  if (!opts.keyId)
    return refuse(
      'usage',
      '--key-id HEX (32 hex characters, the 16-byte signer key id) is required for --kind card-face',
    );
  const text = new TextDecoder().decode(bytes);
  const spki = bytes[0] === 0x30 ? bytes : pemToDer(text, 'PUBLIC KEY');
  const r = checkCardFaceKey(opts.keyId, spki, c.file);
  if (!r.ok) return refuse(r.error.code, r.error.detail);
  const fingerprint = toHex(opts.crypto.digest('SHA-256', spki));
  const builtin = c.builtins.cardFaceKeys.get(r.value.keyId);
  let replaced: BuiltinReplacement | undefined;
  if (builtin && builtin.fingerprint === fingerprint) {
    return {
      ok: true,
      kind: 'card-face',
      file: builtin.origin,
      unchanged: true,
      builtIn: true,
      subject: `built-in card-face key ${r.value.keyId}`,
      fingerprint,
      warnings: c.warnings,
    };
  }
  if (builtin) {
    if (!opts.replaceBuiltin) {
      return refuse(
        'builtin_conflict',
        `card-face key id ${r.value.keyId} is a built-in J-LIS key and this file holds other bytes (${fingerprint}); replace it on purpose with --replace-builtin`,
      );
    }
    replaced = { kind: 'card-face', builtin: r.value.keyId, builtinFingerprint: builtin.fingerprint!, fingerprint };
  }
  return approveAndWrite(
    c.dir,
    replaced,
    'card-face',
    `${r.value.keyId}.pem`,
    new TextEncoder().encode(derToPem(spki, 'PUBLIC KEY')),
    {
      subject: `RSA-${r.value.key.n.length * 8} card-face key ${r.value.keyId}`,
      fingerprint,
      warnings: c.warnings,
    },
  );
}

/** Every certificate in the PEM/DER files of a trust subfolder, in file-name order. */
function certificatesIn(sub: string): ReturnType<typeof parseCertificate>[] {
  const out: ReturnType<typeof parseCertificate>[] = [];
  for (const f of listPem(sub))
    for (const der of certificatesFromFile(new Uint8Array(readFileSync(f)))) out.push(parseCertificate(der));
  return out;
}

/** Write the file; when it replaces a built-in, record the approval the loader needs beside it. */
function approveAndWrite(
  dir: string,
  replaced: BuiltinReplacement | undefined,
  kind: ImportKind,
  name: string,
  bytes: Uint8Array,
  info: Parameters<typeof write>[4],
): ImportResult {
  const r = write(dir, kind, name, bytes, info);
  if (!r.ok || !replaced) return r;
  const f = join(dir, REPLACEMENTS_FILE);
  let list: { approved: Array<Record<string, string>> } = { approved: [] };
  if (existsSync(f)) list = JSON.parse(readFileSync(f, 'utf8')) as typeof list;
  if (!list.approved.some((a) => a.sha256 === replaced.fingerprint)) {
    list.approved.push({
      sha256: replaced.fingerprint,
      kind,
      replaces: replaced.builtin,
      builtinSha256: replaced.builtinFingerprint,
      file: name,
      at: new Date().toISOString(),
    });
    // Write-then-rename: a crash never leaves half a file the loader would refuse.
    writeFileSync(`${f}.tmp`, JSON.stringify(list, null, 2) + '\n', { mode: 0o600 });
    renameSync(`${f}.tmp`, f);
  }
  return { ...r, replacedBuiltin: replaced };
}

function safeBase(file: string): string {
  const b = basename(file, extname(file)).replace(/[^A-Za-z0-9._-]/g, '_');
  return b.length ? b : 'imported';
}

function listPem(sub: string): string[] {
  if (!existsSync(sub)) return [];
  return readdirSync(sub)
    .sort()
    .filter((n) => /\.(pem|der|crt|cer)$/i.test(n))
    .map((n) => join(sub, n));
}

function write(dir: string, kind: ImportKind, name: string, bytes: Uint8Array, info: ImportedInfo): ImportResult {
  const sub = join(dir, SUBDIR[kind]);
  const dest = join(sub, name);
  if (existsSync(dest)) {
    const old = readFileSync(dest);
    if (Buffer.compare(old, Buffer.from(bytes)) === 0) return { ok: true, kind, file: dest, unchanged: true, ...info };
    return refuse('file_exists', `${dest} already exists with different content; remove it first`);
  }
  mkdirSync(sub, { recursive: true });
  writeFileSync(dest, bytes, { flag: 'wx' });
  return { ok: true, kind, file: dest, unchanged: false, ...info };
}
