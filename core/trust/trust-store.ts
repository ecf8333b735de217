// The trust-store model (docs/architecture.md "Trust": IACA, VICAL, JPKI, card-face keys).
// Every root is parsed ONCE when added and indexed by subject DN bytes and SubjectKeyIdentifier, and
// its IACA profile checks (which never change) are computed once too, so a verification only looks
// things up. Errors (a file refused) and warnings (a root expiring soon) are kept apart: infrastructure
// warnings are not security failures (docs/card-and-mdoc-facts.md "What the verifier checks" item 8).
//
// Pure core: the caller (main/trust/load-dir.ts) reads files and passes bytes in; crypto and the
// clock are passed in.

import type { X509Check } from '../x509/codes.ts';
import type { CryptoProvider, RsaPublicKey } from '../crypto/provider.ts';
import { DerError } from '../x509/der.ts';
import {
  bytesEqual,
  nameToString,
  parseCertificate,
  parseSubjectPublicKeyInfo,
  type Certificate,
} from '../x509/certificate.ts';
import { toHex } from '../x509/pem.ts';
import { verifyCertificateSignature } from '../x509/signature.ts';
import { checkIacaBasicConstraints } from '../x509/rules/iaca-basic-constraints.ts';
import { checkIacaKeyUsage } from '../x509/rules/iaca-key-usage.ts';
import { checkUnknownCriticalExtensions } from '../x509/rules/unknown-critical-extension.ts';
import { builtinDocTypeBindings } from './doctype-binding.ts';
import { checkPinnedRoot, subjectIsJapanese, type PinnedRoot } from './pinned-roots.ts';
import { checkCsca, type TrustedCsca } from './csca.ts';
import type { TrustIssueCode } from './codes.ts';

export type TrustKind =
  'iaca' | 'jpki' | 'vical' | 'vical-signer' | 'card-face' | 'csca' | 'masterlist' | 'masterlist-signer';

/**
 * Where an anchor came from: shipped with the kiosk (resources/builtin-trust: the public J-LIS and
 * JPKI anchors, always loaded) or imported by staff into a trust DIR. An imported anchor that claims a
 * built-in's subject or key id with other bytes is refused unless staff approved the replacement on
 * purpose (docs/trust.md "Built-in anchors").
 */
export type AnchorSource = 'built-in' | 'imported';

export interface TrustIssue {
  /** core/trust/codes.ts TRUST_ISSUES (or a root's X.509 profile check code). */
  code: TrustIssueCode;
  detail: string;
  /** The file (or VICAL entry) it is about, when there is one. */
  file?: string;
}

export interface TrustedRoot {
  cert: Certificate;
  /** Lower-case hex SHA-256 of the DER. */
  fingerprint: string;
  kind: 'iaca' | 'jpki' | 'vical-signer';
  /** Where it came from: a file path, or "vical:<file>#<index>". */
  origin: string;
  /** Built in or imported (absent: imported). */
  source?: AnchorSource;
  /** IACAs vouched for by a VICAL: the docTypes its CertificateInfo lists (absent: no limit). */
  docTypes?: string[];
  /** Set when the root is one of the pinned real J-LIS roots. */
  pinned?: PinnedRoot;
  /** IACA roots: the Annex B IACA profile checks, computed once at load. */
  profileChecks: X509Check[];
  /**
   * nameToString(cert.subject), computed once at load (every result that chains to this root names
   * it). Optional: roots built elsewhere may leave it out, and readers fall back to nameToString.
   */
  subjectText?: string;
}

export interface CardFaceKey {
  /** Lower-case hex of the 16-byte signer key id. */
  keyId: string;
  key: RsaPublicKey;
  origin: string;
  /** Lower-case hex SHA-256 of the SubjectPublicKeyInfo DER (set when added to a store). */
  fingerprint?: string;
  /** Built in or imported (absent: imported). */
  source?: AnchorSource;
}

/** A VICAL that was read (its IACAs are in `iacas` with origin "<file>#certificateInfos[i]"). */
export interface VicalInfo {
  origin: string;
  provider: string;
  date?: string;
  issueId?: number;
  nextUpdate?: string;
  /** Subject of the certificate whose key verified the VICAL signature. */
  signer: string;
  entries: number;
  accepted: number;
}

/** A CSCA master list that was read (core/trust/master-list.ts): what it added, per country. */
export interface MasterListInfo {
  origin: string;
  /** Subject of the master list signer whose signature verified. */
  signer: string;
  /** Country of the signer (the publishing state). */
  signerCountry: string | null;
  entries: number;
  /** Per country (alpha-2): CSCAs added, and entries refused (unparseable, not a CA, bad signature). */
  countries: Record<string, { added: number; refused: number; duplicate: number }>;
}

export interface TrustStoreOptions {
  crypto: CryptoProvider;
  /** The clock for expiry warnings. */
  now: Date;
  /** Warn this many days before a root expires (default 90). */
  expiryWarningDays?: number;
}

export const EXPIRY_WARNING_DAYS = 90;
const DAY_MS = 86_400_000;

export class TrustStore {
  readonly iacas: TrustedRoot[] = [];
  readonly jpkiRoots: TrustedRoot[] = [];
  readonly vicalSigners: TrustedRoot[] = [];
  readonly cardFaceKeys = new Map<string, CardFaceKey>();
  readonly vicals: VicalInfo[] = [];
  /** ICAO CSCAs (passive authentication of passports), from DIR/csca and verified master lists. */
  readonly cscas: TrustedCsca[] = [];
  readonly masterLists: MasterListInfo[] = [];
  /**
   * Certificates whose validity decided what was loaded without being roots themselves (master list
   * signers): a cache of this store must load again when the clock crosses their boundaries.
   */
  readonly validityWatch: Array<{ notBefore: Date; notAfter: Date }> = [];
  private readonly cscaFingerprints = new Set<string>();
  readonly errors: TrustIssue[] = [];
  readonly warnings: TrustIssue[] = [];
  private readonly bySubject = new Map<string, TrustedRoot[]>();
  private iacaChanges = 0;
  private readonly fingerprints = new Set<string>();
  /**
   * SHA-256 fingerprints (certificate DER, or card-face SPKI DER) that staff approved to stand beside
   * or replace a built-in anchor with the same subject or key id (`trust import --replace-builtin`).
   */
  readonly approvedReplacements = new Set<string>();
  /** docType -> IACA fingerprints allowed to issue it (built in, plus DIR/doctypes.json entries). */
  readonly docTypeBindings: Map<string, Set<string>> = builtinDocTypeBindings();

  /** Add `DIR/doctypes.json` entries to the binding (they add IACAs; they never remove the built-in one). */
  addDocTypeBindings(entries: ReadonlyMap<string, readonly string[]>): void {
    for (const [docType, fps] of entries) {
      const set = this.docTypeBindings.get(docType) ?? new Set<string>();
      for (const f of fps) set.add(f);
      this.docTypeBindings.set(docType, set);
    }
  }
  readonly crypto: CryptoProvider;
  readonly now: Date;
  readonly warnDays: number;

  constructor(opts: TrustStoreOptions) {
    this.crypto = opts.crypto;
    this.now = opts.now;
    this.warnDays = opts.expiryWarningDays ?? EXPIRY_WARNING_DAYS;
  }

  /**
   * Changes whenever the set of trusted IACAs changes. A caller that remembers what
   * findIacaIssuers answered for a certificate (core/x509/chain.ts) may reuse it only while this
   * value is unchanged: the answer depends on nothing else.
   */
  get iacaGeneration(): number {
    return this.iacaChanges;
  }

  /** Trusted IACAs whose subject is `ds`'s issuer (and whose SKI matches its AKI when both exist). */
  findIacaIssuers(ds: Certificate): TrustedRoot[] {
    const list = this.bySubject.get(nameKey(ds.issuer.der));
    if (!list) return [];
    const aki = ds.authorityKeyIdentifier;
    if (!aki) return list;
    const matching = list.filter((r) => !r.cert.subjectKeyIdentifier || bytesEqual(r.cert.subjectKeyIdentifier, aki));
    // RFC 5280 §4.2.1.1: AKI is a hint for path building. A mismatch is suspicious but the
    // signature decides; fall back to every same-name root so the report says "signature invalid".
    return matching.length ? matching : list;
  }

  /**
   * Add a trust root. Returns the root, or null with the reason recorded in `errors`.
   * `kind` decides the checks: IACA roots get the Annex B profile computed; every root must be
   * self-signed (verified) and, if it looks like a J-LIS root, match a pinned fingerprint.
   */
  addRoot(
    der: Uint8Array,
    kind: 'iaca' | 'jpki' | 'vical-signer',
    origin: string,
    source: AnchorSource = 'imported',
  ): TrustedRoot | null {
    const r = this.checkRoot(der, kind, origin);
    if (!r.ok) {
      this.errors.push(r.error);
      return null;
    }
    const root = r.value;
    root.source = source;
    if (this.fingerprints.has(`${kind}:${root.fingerprint}`)) {
      this.warnings.push({
        code: 'duplicate_root',
        detail: `same certificate already loaded (${root.fingerprint})`,
        file: origin,
      });
      return null;
    }
    if (source === 'imported') {
      const conflict = this.builtinRootConflict(root);
      if (conflict) {
        this.errors.push(conflict);
        return null;
      }
    }
    this.fingerprints.add(`${kind}:${root.fingerprint}`);
    // A built-in root past its end (the 2015 JPKI roots) is listed as expired, not warned about on
    // every start: verification already refuses a root outside its validity.
    if (source === 'imported' || this.now <= root.cert.notAfter)
      this.warnings.push(...expiryWarnings(root.cert, this.now, this.warnDays, origin));
    for (const c of root.profileChecks)
      if (!c.ok) this.warnings.push({ code: c.code, detail: c.detail ?? c.code, file: origin });
    if (kind === 'iaca') {
      this.iacas.push(root);
      const key = nameKey(root.cert.subject.der);
      const list = this.bySubject.get(key);
      if (list) list.push(root);
      else this.bySubject.set(key, [root]);
      this.iacaChanges++;
    } else if (kind === 'jpki') {
      this.jpkiRoots.push(root);
    } else {
      this.vicalSigners.push(root);
    }
    return root;
  }

  /** Every built-in root and card-face key loaded so far. */
  builtins(): { roots: TrustedRoot[]; cardFaceKeys: CardFaceKey[] } {
    return {
      roots: [...this.iacas, ...this.jpkiRoots, ...this.vicalSigners].filter((r) => r.source === 'built-in'),
      cardFaceKeys: [...this.cardFaceKeys.values()].filter((k) => k.source === 'built-in'),
    };
  }

  /** An imported root that shares a built-in root's subject with other bytes, not approved by staff. */
  builtinRootConflict(root: TrustedRoot): TrustIssue | null {
    if (this.approvedReplacements.has(root.fingerprint)) return null;
    const builtins = this.builtins().roots;
    if (builtins.some((b) => b.fingerprint === root.fingerprint)) return null; // the built-in itself
    const same = builtins.find((b) => bytesEqual(b.cert.subject.der, root.cert.subject.der));
    if (!same) return null;
    return {
      code: 'builtin_conflict',
      detail: `claims the subject of the built-in anchor "${nameToString(same.cert.subject)}" (${same.fingerprint}) with other bytes (${root.fingerprint}); staff must approve a replacement on purpose (trust import --replace-builtin)`,
      file: root.origin,
    };
  }

  /** All the checks addRoot applies, without adding (used by `kakunin trust import`). */
  checkRoot(
    der: Uint8Array,
    kind: 'iaca' | 'jpki' | 'vical-signer',
    origin: string,
  ): { ok: true; value: TrustedRoot } | { ok: false; error: TrustIssue } {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch (e) {
      if (e instanceof DerError) return { ok: false, error: { code: e.code, detail: e.message, file: origin } };
      throw e;
    }
    const fingerprint = toHex(this.crypto.digest('SHA-256', cert.der));
    const pin = checkPinnedRoot(cert, fingerprint, kind);
    // A J-LIS-looking root that is not pinned is refused, unless staff approved it as a rotated
    // anchor on purpose (recorded beside the DIR, and in the audit log).
    if (pin.status === 'mismatch' && !this.approvedReplacements.has(fingerprint))
      return { ok: false, error: { code: 'pinned_fingerprint_mismatch', detail: pin.detail, file: origin } };
    // A trust anchor must be a self-signed root: the IACA is the top of the Annex B chain, and a
    // broken self-signature is how a modified copy of a real root shows itself.
    if (!bytesEqual(cert.issuer.der, cert.subject.der)) {
      return {
        ok: false,
        error: {
          code: 'not_self_signed',
          detail: `root issuer "${nameToString(cert.issuer)}" differs from its subject "${nameToString(cert.subject)}"`,
          file: origin,
        },
      };
    }
    const sig = verifyCertificateSignature(cert, cert.publicKey, this.crypto);
    if (!sig.ok)
      return {
        ok: false,
        error: {
          code: 'root_signature_invalid',
          detail: `self-signature does not verify: ${sig.reason}`,
          file: origin,
        },
      };
    const profileChecks = kind === 'iaca' ? iacaProfileChecks(cert) : [];
    const root: TrustedRoot = {
      cert,
      fingerprint,
      kind,
      origin,
      profileChecks,
      subjectText: nameToString(cert.subject),
    };
    if (pin.status === 'pinned') root.pinned = pin.root;
    return { ok: true, value: root };
  }

  /** Add a card-face (券面AP) signer key: `keyIdHex` is the 16-byte key id, `spkiDer` an RSA SubjectPublicKeyInfo. */
  addCardFaceKey(
    keyIdHex: string,
    spkiDer: Uint8Array,
    origin: string,
    source: AnchorSource = 'imported',
  ): CardFaceKey | null {
    const r = checkCardFaceKey(keyIdHex, spkiDer, origin);
    if (!r.ok) {
      this.errors.push(r.error);
      return null;
    }
    const key: CardFaceKey = { ...r.value, fingerprint: toHex(this.crypto.digest('SHA-256', spkiDer)), source };
    const old = this.cardFaceKeys.get(key.keyId);
    if (old?.source === 'built-in' && source === 'imported') {
      if (old.fingerprint === key.fingerprint) {
        this.warnings.push({
          code: 'duplicate_key',
          detail: `card-face key ${key.keyId} is the built-in one`,
          file: origin,
        });
        return null;
      }
      if (!this.approvedReplacements.has(key.fingerprint!)) {
        this.errors.push({
          code: 'builtin_conflict',
          detail: `card-face key id ${key.keyId} is a built-in J-LIS key; this file holds other bytes (${key.fingerprint}); staff must approve a replacement on purpose (trust import --replace-builtin)`,
          file: origin,
        });
        return null;
      }
      // Approved: one key per id, so the imported key takes the built-in's place.
      this.warnings.push({
        code: 'builtin_replaced',
        detail: `card-face key ${key.keyId}: the built-in key is replaced by an approved import`,
        file: origin,
      });
    } else if (old) {
      this.errors.push({
        code: 'duplicate_key_id',
        detail: `card-face key id ${key.keyId} already loaded`,
        file: origin,
      });
      return null;
    }
    this.cardFaceKeys.set(key.keyId, key);
    return key;
  }

  /**
   * Roots with C=JP that are not pinned J-LIS anchors: each could be a look-alike of J-LIS. Shown
   * loudly wherever anchors are listed or imported (not on every verification).
   */
  unpinnedJapaneseRoots(): TrustIssue[] {
    return [...this.iacas, ...this.jpkiRoots, ...this.vicalSigners]
      .filter((r) => !r.pinned && subjectIsJapanese(r.cert))
      .map((r) => ({
        code: 'unpinned_jp_root',
        detail: `"${nameToString(r.cert.subject)}" has C=JP but is not a pinned J-LIS anchor: check its fingerprint (${r.fingerprint}) with its publisher`,
        file: r.origin,
      }));
  }

  /**
   * Add a CSCA (checked by core/trust/csca.ts against the ICAO profile; a link certificate needs its
   * issuer loaded first). Returns it, or null with the reason in `errors` (or `warnings` for a
   * duplicate: master lists repeat CSCAs that DIR/csca already holds).
   */
  addCsca(der: Uint8Array, origin: string, opts: { quiet?: boolean } = {}): TrustedCsca | { duplicate: true } | null {
    const r = checkCsca(der, origin, this.crypto, this.cscas);
    if (!r.ok) {
      if (!opts.quiet) this.errors.push(r.error);
      return null;
    }
    if (this.cscaFingerprints.has(r.value.fingerprint)) return { duplicate: true };
    this.cscaFingerprints.add(r.value.fingerprint);
    this.cscas.push(r.value);
    if (!opts.quiet) this.warnings.push(...expiryWarnings(r.value.cert, this.now, this.warnDays, origin));
    return r.value;
  }

  /** CSCAs of one country (alpha-2). */
  cscasOf(country: string): TrustedCsca[] {
    return this.cscas.filter((c) => c.country === country);
  }

  /** Countries with at least one CSCA, sorted. */
  cscaCountries(): string[] {
    return [...new Set(this.cscas.map((c) => c.country))].sort();
  }

  /** Recompute expiry warnings for another clock (the loader uses `now`; the CLI may use --at). */
  expiryWarningsAt(at: Date): TrustIssue[] {
    const out: TrustIssue[] = [];
    for (const r of [...this.iacas, ...this.jpkiRoots, ...this.vicalSigners])
      out.push(...expiryWarnings(r.cert, at, this.warnDays, r.origin));
    return out;
  }
}

/**
 * bySubject key: the Name DER one char a byte (RFC 5280 §7.1: names are matched as bytes). Cheaper
 * than hex on the path of every new Document Signer. Names are a few hundred bytes; a longer one
 * (up to the certificate limit) is keyed as hex, to stay far from the argument limit of apply. The
 * two forms cannot collide: a hex key is over 2048 characters, a one-char-a-byte key at most 1024.
 */
function nameKey(der: Uint8Array): string {
  return der.length <= 1024 ? String.fromCharCode.apply(null, der as unknown as number[]) : toHex(der);
}

export function checkCardFaceKey(
  keyIdHex: string,
  spkiDer: Uint8Array,
  origin: string,
): { ok: true; value: CardFaceKey } | { ok: false; error: TrustIssue } {
  if (!/^[0-9a-fA-F]{32}$/.test(keyIdHex)) {
    return {
      ok: false,
      error: {
        code: 'invalid_key_id',
        detail: `card-face key id must be 32 hex characters (16 bytes), got "${keyIdHex}"`,
        file: origin,
      },
    };
  }
  try {
    const pk = parseSubjectPublicKeyInfo(spkiDer, 'malformed_key');
    if (pk.kind !== 'rsa')
      return {
        ok: false,
        error: { code: 'malformed_key', detail: `card-face key must be RSA, found ${pk.kind}`, file: origin },
      };
    return { ok: true, value: { keyId: keyIdHex.toLowerCase(), key: { n: pk.n, e: pk.e }, origin } };
  } catch (e) {
    if (e instanceof DerError)
      return {
        ok: false,
        error: {
          code: e.code === 'unsupported_certificate' ? 'malformed_key' : e.code,
          detail: e.message,
          file: origin,
        },
      };
    throw e;
  }
}

/** IACA profile (Annex B) checks that depend only on the certificate: computed once per root. */
export function iacaProfileChecks(iaca: Certificate): X509Check[] {
  return [
    ...checkIacaBasicConstraints({ iaca }),
    ...checkIacaKeyUsage({ iaca }),
    ...checkUnknownCriticalExtensions(iaca, 'IACA'),
  ];
}

export function expiryWarnings(cert: Certificate, now: Date, warnDays: number, origin: string): TrustIssue[] {
  const t = now.getTime();
  const subject = nameToString(cert.subject);
  if (t > cert.notAfter.getTime())
    return [{ code: 'root_expired', detail: `${subject} expired at ${cert.notAfter.toISOString()}`, file: origin }];
  if (t < cert.notBefore.getTime())
    return [
      { code: 'root_not_yet_valid', detail: `${subject} is valid from ${cert.notBefore.toISOString()}`, file: origin },
    ];
  const days = Math.floor((cert.notAfter.getTime() - t) / DAY_MS);
  if (days < warnDays)
    return [
      {
        code: 'root_expiring',
        detail: `${subject} expires in ${days} day(s), at ${cert.notAfter.toISOString()}`,
        file: origin,
      },
    ];
  return [];
}
