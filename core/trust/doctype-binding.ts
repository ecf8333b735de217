// Which IACA may issue which docType. Without this, any trusted IACA (a C=US state's, a test root)
// could sign an `org.iso.23220.1.jp.mnc` document and pass. A docType with a binding must chain to one
// of its IACAs (by SHA-256 fingerprint of the certificate DER); a docType without one (mDLs of other
// states) keeps the plain rule: any trusted IACA. The built-in binding ties the Japanese My Number
// record to the pinned J-LIS IACA; `DIR/doctypes.json` adds entries (docs/trust.md "docType binding").
// A VICAL's own docType list (ISO/IEC 18013-5 Annex C CertificateInfo.docType) limits the IACAs it
// vouches for in the same way.
import type { Check } from '../check.ts';
import { PINNED_ROOTS } from './pinned-roots.ts';
import type { TrustedRoot } from './trust-store.ts';

export const ISSUER_NOT_BOUND = 'issuer_not_bound_to_doctype';
type BindingCheck = Check<typeof ISSUER_NOT_BOUND>;
export const JP_MNC_DOCTYPE = 'org.iso.23220.1.jp.mnc';

/** The built-in docType -> IACA fingerprints binding. */
export function builtinDocTypeBindings(): Map<string, Set<string>> {
  const jlis = PINNED_ROOTS.find((r) => r.kind === 'iaca')!;
  return new Map([[JP_MNC_DOCTYPE, new Set([jlis.sha256])]]);
}

/** Parse `doctypes.json`: `{"<docType>": ["<64 hex>", ...]}`. Throws Error with a reason. */
export function parseDocTypeBindings(json: unknown): Map<string, string[]> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error('expected an object {"<docType>": ["<IACA SHA-256 hex>", ...]}');
  const out = new Map<string, string[]>();
  for (const [docType, list] of Object.entries(json)) {
    if (!docType || docType.length > 200)
      throw new Error(`docType ${JSON.stringify(docType.slice(0, 40))} is empty or too long`);
    if (!Array.isArray(list) || list.length === 0)
      throw new Error(`${docType}: expected a non-empty array of fingerprints`);
    const fps = list.map((f) => {
      if (typeof f !== 'string' || !/^[0-9a-fA-F]{64}$/.test(f.replace(/:/g, '')))
        throw new Error(`${docType}: ${JSON.stringify(f)} is not a SHA-256 fingerprint (64 hex digits)`);
      return f.replace(/:/g, '').toLowerCase();
    });
    out.set(docType, fps);
  }
  return out;
}

/**
 * The check for one document: its chain ended at `iaca` (undefined when no trusted IACA was found:
 * untrusted_chain already failed, so this one says it could not be evaluated).
 */
export function checkDocTypeBinding(
  docType: string,
  iaca: TrustedRoot | undefined,
  bindings: ReadonlyMap<string, ReadonlySet<string>>,
): BindingCheck {
  if (!iaca) return { code: ISSUER_NOT_BOUND, ok: false, detail: 'not evaluated: no trusted IACA' };
  if (iaca.docTypes && !iaca.docTypes.includes(docType)) {
    return {
      code: ISSUER_NOT_BOUND,
      ok: false,
      detail: `the VICAL that vouches for this IACA lists it for ${iaca.docTypes.join(', ')} only, not ${docType}`,
    };
  }
  const bound = bindings.get(docType);
  if (!bound) return { code: ISSUER_NOT_BOUND, ok: true, detail: `${docType} has no issuer binding: any trusted IACA` };
  if (bound.has(iaca.fingerprint))
    return { code: ISSUER_NOT_BOUND, ok: true, detail: `${docType} is bound to this IACA` };
  return {
    code: ISSUER_NOT_BOUND,
    ok: false,
    detail: `${docType} may only be issued under ${bound.size} bound IACA(s); this chain ends at another (${iaca.fingerprint})`,
  };
}
