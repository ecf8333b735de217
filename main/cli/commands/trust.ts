// `kakunin trust list|import` (CLI contract):
//   kakunin trust list   [--trust DIR] [--no-builtin-trust] [--at ISOTIME] [--json]
//   kakunin trust import [--trust DIR] --kind iaca|jpki|vical|vical-signer|card-face|csca|masterlist|masterlist-signer
//                        [--key-id HEX]
//                        [--replace-builtin] FILE [--json]
//   kakunin trust import [--trust DIR] --kind reader-auth [--key KEYFILE] CHAIN.pem [--json]
//     (the kiosk's reader authentication certificate chain and private key, ISO 18013-5 §9.1.4;
//     the key is stored with mode 0600 and never printed: output shows subject + fingerprint)
// Without --trust the kiosk's own DIR ($KAKUNIN_HOME/trust) is listed with the built-in anchors, or
// imported into. Exit codes: 0 ok; 1 refused (import) or the DIR has errors (list); 2 usage.
// `import --kind masterlist` reports how many CSCAs per country the list adds; `list` says which
// countries' passports can be verified (CSCAs from csca/ and from verified master lists).
// `import` refuses a file that claims to be a real J-LIS root but does not match its pinned
// SHA-256 fingerprint (core/trust/pinned-roots.ts), or a built-in's subject or key id with other
// bytes, unless --replace-builtin says staff mean it.

import { parseArgs } from 'node:util';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { nameToString } from '../../../core/x509/certificate.ts';
import { colonHex, fromHex } from '../../../core/x509/pem.ts';
import type { TrustedRoot } from '../../../core/trust/trust-store.ts';
import { trustReadiness } from '../../../core/trust/readiness.ts';
import type { CardFaceKey } from '../../../core/trust/trust-store.ts';
import { PINNED_CARD_FACE_KEYS } from '../../../core/trust/pinned-roots.ts';
import { importTrustFile, IMPORT_KINDS, type ImportKind, type ImportResult } from '../../trust/import.ts';
import { homeTrustDir, kakuninHome, loadTrust, trustSourcesFromFlags } from '../../trust/trust-sources.ts';
import { openAuditSink } from '../../host/audit-store-adapter.ts';
import { join, resolve } from 'node:path';
import { importReaderAuth, readerAuthInfo, ReaderAuthError } from '../../trust/reader-auth.ts';
import { errorText } from '../../../core/errors.ts';

const USAGE = `usage:
  kakunin trust list   [--trust DIR] [--no-builtin-trust] [--at ISOTIME] [--json]
  kakunin trust import [--trust DIR] --kind iaca|jpki|vical|vical-signer|card-face|csca|masterlist|masterlist-signer
                       [--key-id HEX] [--replace-builtin] FILE [--json]
  kakunin trust import [--trust DIR] --kind reader-auth [--key KEYFILE] CHAIN.pem [--json]

The built-in anchors (J-LIS mdoc IACA, JPKI roots, J-LIS card-face CVC keys) are always trusted;
DIR adds to them (default: $KAKUNIN_HOME/trust). Trust DIR layout: iaca/*.pem|*.der,
vical/*.cbor + vical-signers/*.pem, jpki/*.pem, card-face/<32 hex of the 16-byte key id>.pem,
doctypes.json (docType -> IACA fingerprints), reader-auth/chain.pem + reader-auth/reader.key (mode
0600): the kiosk's reader authentication certificate and key; every mdoc request is then signed;
csca/*.pem|*.der (ICAO Country Signing CAs for passports), masterlist/*.ml (ICAO CSCA master lists,
trusted only when signed by a signer in masterlist-signers/ or issued by a CSCA in csca/ or
masterlist-signers/).
A file claiming to be a real J-LIS root with a wrong SHA-256 fingerprint, or a built-in's subject or
key id with other bytes, is refused; --replace-builtin imports it on purpose (recorded).`;

const DAY_MS = 86_400_000;

function usageError(msg: string): number {
  process.stderr.write(`kakunin trust: ${msg}\n\n${USAGE}\n`);
  return 2;
}

const OPTIONS = {
  trust: { type: 'string' },
  json: { type: 'boolean', default: false },
  at: { type: 'string' },
  kind: { type: 'string' },
  'key-id': { type: 'string' },
  'replace-builtin': { type: 'boolean', default: false },
  'no-builtin-trust': { type: 'boolean', default: false },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parse = (args: string[]) => parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
type Parsed = ReturnType<typeof parse>;
type Values = Parsed['values'];

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stderr.write(USAGE + '\n');
    return sub ? 0 : 2;
  }
  let parsed: Parsed;
  try {
    parsed = parse(rest);
  } catch (e) {
    return usageError(errorText(e));
  }
  const v = parsed.values;
  if (v.help) {
    process.stderr.write(USAGE + '\n');
    return 0;
  }
  let at = new Date();
  if (v.at !== undefined) {
    at = new Date(v.at);
    if (Number.isNaN(at.getTime())) return usageError(`--at "${v.at}" is not an ISO time`);
  }

  if (sub === 'list') {
    if (parsed.positionals.length) return usageError(`unexpected argument ${parsed.positionals[0]}`);
    if (v['replace-builtin']) return usageError('--replace-builtin is only for import');
    return list(v.trust, v['no-builtin-trust'] === true, at, v.json ?? false);
  }
  if (sub === 'import' && v.kind === 'reader-auth') return importReaderAuthCommand(v, parsed.positionals, at);
  if (v.key) return usageError('--key is only for --kind reader-auth');
  if (sub === 'import') return importFileCommand(v, parsed.positionals, at);
  return usageError(`unknown subcommand "${sub}"`);
}

/** `import --kind reader-auth CHAIN.pem [--key KEYFILE]` (ISO 18013-5 §9.1.4): the key is never printed. */
function importReaderAuthCommand(v: Values, positionals: string[], at: Date): number {
  if (positionals.length !== 1) return usageError('exactly one CHAIN.pem to import is required');
  if (v['key-id']) return usageError('--key-id is only for --kind card-face');
  try {
    const info = importReaderAuth(v.trust ?? homeTrustDir(), positionals[0]!, v.key, { crypto: nodeCrypto, now: at });
    if (v.json) process.stdout.write(JSON.stringify({ ok: true, kind: 'reader-auth', ...info }, null, 2) + '\n');
    else
      process.stdout.write(
        `imported reader authentication certificate (key stored with mode 0600):\n  subject:     ${info.subject}\n  SHA-256:     ${colonHex(fromHex(info.fingerprint)!)}\n  valid:       ${info.notBefore} .. ${info.notAfter}\n  chain:       ${info.chainLength} certificate(s)\n`,
      );
    return 0;
  } catch (e) {
    const code = e instanceof ReaderAuthError ? e.code : 'file_unreadable';
    // Never the key or a parser message quoting it: the code and our own sentence only.
    const message =
      e instanceof ReaderAuthError ? e.message : `cannot read ${positionals[0]}${v.key ? ` or ${v.key}` : ''}`;
    if (v.json) process.stdout.write(JSON.stringify({ ok: false, error: { code, message } }, null, 2) + '\n');
    else process.stderr.write(`kakunin trust import: REFUSED (${code}): ${message}\n`);
    return 1;
  }
}

/** `import --kind KIND FILE`: importTrustFile, the audit record, then the outcome. */
async function importFileCommand(v: Values, positionals: string[], at: Date): Promise<number> {
  if (!v.kind || !IMPORT_KINDS.includes(v.kind as ImportKind))
    return usageError(`--kind must be one of ${[...IMPORT_KINDS, 'reader-auth'].join(', ')}`);
  if (positionals.length !== 1) return usageError('exactly one FILE to import is required');
  if (v.kind === 'card-face') {
    if (!v['key-id']) return usageError('--key-id HEX is required with --kind card-face');
    const id = fromHex(v['key-id']);
    if (!id || id.length !== 16) return usageError('--key-id must be 32 hex characters (the 16-byte signer key id)');
  } else if (v['key-id']) {
    return usageError('--key-id is only for --kind card-face');
  }
  const dir = v.trust ?? homeTrustDir();
  const r = importTrustFile(dir, v.kind as ImportKind, positionals[0]!, {
    crypto: nodeCrypto,
    now: at,
    ...(v['key-id'] ? { keyId: v['key-id'] } : {}),
    ...(v['replace-builtin'] ? { replaceBuiltin: true } : {}),
  });
  const auditNote = r.ok && !r.unchanged && resolve(dir) === resolve(homeTrustDir()) ? await recordImport(r) : '';
  if (v.json) process.stdout.write(JSON.stringify(r.ok ? { ...r, pinned: r.pinned?.name } : r, null, 2) + '\n');
  else if (r.ok) process.stdout.write(importText(r) + auditNote);
  else process.stderr.write(`kakunin trust import: REFUSED (${r.error.code}): ${r.error.message}\n`);
  return r.ok ? 0 : 1;
}

type Imported = Extract<ImportResult, { ok: true }>;

/**
 * An import into the kiosk's own trust DIR is a staff action: recorded in the kiosk's audit log
 * (sealed with its key; the key's lock serialises this with a running kiosk). Returns the line saying so.
 */
async function recordImport(r: Imported): Promise<string> {
  try {
    const sink = await openAuditSink(join(kakuninHome(), 'audit.sqlite'), kakuninHome());
    try {
      const fp = (x: string | undefined) => (x && /^[0-9a-f]{64}$/.test(x) ? x : null);
      await sink.event('trust_imported', { kind: r.kind.replace(/-/g, '_'), fingerprint: fp(r.fingerprint) });
      if (r.replacedBuiltin)
        await sink.event('trust_builtin_replaced', {
          kind: r.kind.replace(/-/g, '_'),
          builtinFingerprint: fp(r.replacedBuiltin.builtinFingerprint),
          fingerprint: fp(r.replacedBuiltin.fingerprint),
        });
    } finally {
      await sink.close();
    }
    return '  audit:       recorded in the kiosk audit log\n';
  } catch (e) {
    return `  WARNING:     not recorded in the audit log (${errorText(e)})\n`;
  }
}

/** The text report of an accepted import (without the audit line). */
function importText(r: Imported): string {
  const ml = r.masterList;
  return (
    `${r.builtIn ? 'built in (already trusted, nothing written)' : r.unchanged ? 'already present' : 'imported'}: ${r.file}\n` +
    (ml
      ? `  signer:      ${ml.signer} (verified)\n  entries:     ${ml.entries}\n  CSCAs added per country:\n` +
        Object.entries(ml.countries)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([c, n]) =>
              `    ${c}  ${n.added} added${n.duplicate ? `, ${n.duplicate} already trusted` : ''}${n.refused ? `, ${n.refused} refused` : ''}\n`,
          )
          .join('')
      : '') +
    (r.subject ? `  subject:     ${r.subject}\n` : '') +
    (r.fingerprint ? `  SHA-256:     ${colonHex(fromHex(r.fingerprint)!)}\n` : '') +
    (r.pinned ? `  pinned:      ${r.pinned.name} (fingerprint matches)\n` : '') +
    (r.replacedBuiltin
      ? `  REPLACES:    built-in ${r.replacedBuiltin.builtin}${r.replacedBuiltin.builtinFingerprint ? ` (${r.replacedBuiltin.builtinFingerprint})` : ''}: approved by --replace-builtin\n`
      : '') +
    (r.notAfter ? `  valid:       ${r.notBefore} .. ${r.notAfter}\n` : '') +
    r.warnings.map((w) => `  warning:     ${w.code}: ${w.detail}\n`).join('')
  );
}

type Status = 'valid' | 'expired' | 'not_yet_valid';
const statusAt = (notBefore: Date, notAfter: Date, at: Date): Status =>
  at > notAfter ? 'expired' : at < notBefore ? 'not_yet_valid' : 'valid';

function rootJson(r: TrustedRoot, at: Date) {
  const c = r.cert;
  return {
    origin: r.source ?? 'imported',
    status: statusAt(c.notBefore, c.notAfter, at),
    kind: r.kind,
    source: r.origin.includes('#') ? 'vical' : 'file',
    file: r.origin,
    subject: nameToString(c.subject),
    fingerprint: r.fingerprint,
    fingerprintColon: colonHex(fromHex(r.fingerprint)!),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    expiresInDays: Math.floor((c.notAfter.getTime() - at.getTime()) / DAY_MS),
    publicKey:
      c.publicKey.kind === 'ec'
        ? `EC ${c.publicKey.curve}`
        : c.publicKey.kind === 'rsa'
          ? `RSA-${c.publicKey.n.length * 8}`
          : 'Ed25519',
    signatureAlgorithm: c.signatureAlgorithm.name,
    pinned: r.pinned ? r.pinned.name : null,
    profile: r.profileChecks.map((p) => ({ code: p.code, ok: p.ok, ...(p.detail ? { detail: p.detail } : {}) })),
  };
}

function cardFaceJson(k: CardFaceKey) {
  const pinned = PINNED_CARD_FACE_KEYS.find((p) => p.keyId === k.keyId);
  return {
    origin: k.source ?? 'imported',
    keyId: k.keyId,
    label: pinned?.label ?? null,
    signs: pinned?.signs ?? null,
    fingerprint: k.fingerprint ?? null,
    file: k.origin,
    bits: k.key.n.length * 8,
  };
}

function list(dirFlag: string | undefined, noBuiltin: boolean, at: Date, json: boolean): number {
  const src = trustSourcesFromFlags(dirFlag, noBuiltin);
  const store = loadTrust(src, { crypto: nodeCrypto, now: at });
  if (store.errors.some((e) => e.code === 'trust_dir_missing'))
    return usageError(`trust directory ${dirFlag} does not exist`);
  const out = listJson(store, src, at);
  if (json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else printList(out, store);
  return store.errors.length ? 1 : 0;
}

type Store = ReturnType<typeof loadTrust>;
type ListJson = ReturnType<typeof listJson>;

/** Which passports' issuing states have a trusted CSCA, and where each came from (csca/ or a master list). */
function passportCountries(store: Store): Record<string, { cscas: number; sources: string[] }> {
  const countries: Record<string, { cscas: number; sources: string[] }> = {};
  for (const c of store.cscas) {
    const e = (countries[c.country] ??= { cscas: 0, sources: [] });
    e.cscas++;
    const src = c.origin.includes('#')
      ? `masterlist ${c.origin.slice(0, c.origin.lastIndexOf('#'))}`
      : `csca ${c.origin}`;
    if (!e.sources.includes(src)) e.sources.push(src);
  }
  return countries;
}

/** `trust list --json`: every anchor, readiness per document, CSCAs, master lists, VICALs, card-face keys. */
function listJson(store: Store, src: ReturnType<typeof trustSourcesFromFlags>, at: Date) {
  const dir = src.dirs[0]!.path;
  const roots = [...store.iacas, ...store.jpkiRoots, ...store.vicalSigners];
  const rootRows = roots.map((r) => ({
    ...rootJson(r, at),
    warnings: store.warnings.filter((w) => w.file === r.origin),
  }));
  const keyRows = [...store.cardFaceKeys.values()].map(cardFaceJson);
  return {
    trust: dir,
    builtin: src.builtin,
    at: at.toISOString(),
    // Every anchor on one list: where it came from, what it is, its fingerprint and expiry.
    anchors: [
      ...rootRows.map((r) => ({
        origin: r.origin,
        kind: r.kind,
        subject: r.subject,
        keyId: null,
        fingerprint: r.fingerprint,
        notAfter: r.notAfter,
        status: r.status,
        file: r.file,
      })),
      ...keyRows.map((k) => ({
        origin: k.origin,
        kind: 'card-face',
        subject: null,
        keyId: k.keyId,
        fingerprint: k.fingerprint,
        notAfter: null,
        status: 'valid' as Status,
        file: k.file,
      })),
    ],
    ready: trustReadiness(store, at),
    unpinnedJapaneseRoots: store.unpinnedJapaneseRoots(),
    roots: rootRows,
    cscas: store.cscas.map((c) => ({
      country: c.country,
      subject: c.subjectText,
      fingerprint: c.fingerprint,
      file: c.origin,
      source: c.origin.includes('#') ? 'masterlist' : 'csca',
      link: c.link,
      notBefore: c.cert.notBefore.toISOString(),
      notAfter: c.cert.notAfter.toISOString(),
    })),
    /** Passports of these states can be verified (a CSCA is trusted); others end `unverified`. */
    passportCountries: passportCountries(store),
    masterLists: store.masterLists,
    vicals: store.vicals,
    cardFaceKeys: keyRows,
    // The kiosk's own reader certificate (identity only; the key is never listed).
    readerAuth: readerAuthInfo(dir, { crypto: nodeCrypto }),
    warnings: store.warnings,
    errors: store.errors,
  };
}

/** `trust list` as text: the anchors, readiness, and every warning and error. */
function printList(out: ListJson, store: Store): void {
  process.stdout.write(`trust ${out.trust} (at ${out.at})\n`);
  for (const r of out.roots) {
    process.stdout.write(
      `\n[${r.kind}${r.source === 'vical' ? ' via VICAL' : ''}, ${r.origin}${r.status === 'valid' ? '' : `, ${r.status.toUpperCase()}`}] ${r.subject}\n` +
        `  file:     ${r.file}\n  SHA-256:  ${r.fingerprintColon}\n  valid:    ${r.notBefore} .. ${r.notAfter} (${r.expiresInDays} days left)\n` +
        `  key:      ${r.publicKey}, ${r.signatureAlgorithm}${r.pinned ? `\n  pinned:   ${r.pinned}` : ''}\n` +
        r.warnings.map((w) => `  WARNING:  ${w.code}: ${w.detail}\n`).join(''),
    );
  }
  for (const k of out.cardFaceKeys) {
    process.stdout.write(
      `\n[card-face, ${k.origin}] key id ${k.keyId}${k.label ? ` (${k.label}, signs the ${k.signs} certificate)` : ''}, RSA-${k.bits}\n  file:     ${k.file}\n  SHA-256:  ${k.fingerprint} (SubjectPublicKeyInfo)\n`,
    );
  }
  if (out.readerAuth)
    process.stdout.write(
      `\n[reader-auth] ${out.readerAuth.subject}\n  SHA-256:  ${colonHex(fromHex(out.readerAuth.fingerprint)!)}\n  valid:    ${out.readerAuth.notBefore} .. ${out.readerAuth.notAfter}\n`,
    );
  process.stdout.write('\n');
  for (const r of out.ready)
    process.stdout.write(
      `${r.ready ? '[x]' : '[ ]'} ready for ${r.labelEn} / ${r.labelJa}${r.ready ? '' : `: missing ${r.missing.join('; ')}`}\n`,
    );
  for (const v of out.vicals)
    process.stdout.write(
      `\n[vical] ${v.origin}: ${v.provider}, ${v.accepted}/${v.entries} IACA(s) accepted, signed by ${v.signer}\n`,
    );
  for (const w of store.unpinnedJapaneseRoots()) process.stdout.write(`\n!!! WARNING ${w.code}: ${w.detail}\n`);
  for (const m of out.masterLists)
    process.stdout.write(`\n[masterlist] ${m.origin}: ${m.entries} entries, signed by ${m.signer}\n`);
  const countries = out.passportCountries;
  const cc = Object.keys(countries).sort();
  process.stdout.write(
    `\npassport countries covered (${cc.length}): ${cc.map((c) => `${c} (${countries[c]!.cscas})`).join(', ') || 'none: every passport reads as unverified'}\n`,
  );
  const other = store.warnings.filter((w) => !out.roots.some((r) => r.file === w.file));
  for (const w of other) process.stdout.write(`\nWARNING ${w.code}: ${w.detail}${w.file ? ` (${w.file})` : ''}\n`);
  for (const e of store.errors) process.stdout.write(`\nERROR ${e.code}: ${e.detail}${e.file ? ` (${e.file})` : ''}\n`);
  process.stdout.write(
    `\n${out.roots.length} root(s), ${out.cardFaceKeys.length} card-face key(s), ${store.cscas.length} CSCA(s), ${store.warnings.length} warning(s), ${store.errors.length} error(s)\n`,
  );
}
