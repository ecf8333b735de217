// Stage 7, what may be shown (item 7 of "What the verifier checks", docs/card-and-mdoc-facts.md):
// elements that were requested AND matched their signed digest. verify.ts drops them all again unless
// every check of the document passed. Elements that may carry the My Number are dropped whatever was
// requested (request/forbidden-elements.ts), and only counted.
import type { CborValue } from '../../cbor/model.ts';
import { isForbiddenElement, withoutForbidden } from '../request/forbidden-elements.ts';
import type { SignedItem } from './document.ts';

/** What the reader asked for: docType -> namespace -> element identifiers. */
export type ElementRequest = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
export type Elements = Record<string, Record<string, CborValue>>;

export interface Selection {
  elements: Elements;
  /** Requested elements that are not in `elements` (absent, or dropped). Only with a request. */
  notReturned?: Record<string, string[]>;
  /** How many verified elements were dropped because they may carry the My Number. */
  withheld?: number;
}

/** `request` absent: every verified element counts as requested. */
export function selectElements(verified: readonly SignedItem[], docType: string, request?: ElementRequest): Selection {
  const req = request ? (request[docType] ?? {}) : undefined;
  const elements: Elements = {};
  let withheld = 0;
  for (const { ns, item } of verified) {
    if (isForbiddenElement(item.elementIdentifier)) {
      withheld++;
      continue;
    }
    if (req && !(req[ns] ?? []).includes(item.elementIdentifier)) continue;
    if (!hasOwn(elements, ns)) setOwn(elements, ns, {});
    const bucket = elements[ns]!;
    if (!hasOwn(bucket, item.elementIdentifier))
      setOwn(bucket, item.elementIdentifier, withoutForbidden(item.elementValue));
  }
  const out: Selection = withheld ? { elements, withheld } : { elements };
  if (!req) return out;
  const missing: Record<string, string[]> = {};
  for (const [ns, names] of Object.entries(req)) {
    for (const n of names) {
      if (isForbiddenElement(n)) continue; // never returned, by rule: counted in `withheld`, not named
      if (!hasOwn(elements, ns) || !hasOwn(elements[ns]!, n)) {
        if (!hasOwn(missing, ns)) setOwn(missing, ns, []);
        missing[ns]!.push(n);
      }
    }
  }
  out.notReturned = missing;
  return out;
}

// Names come from the wire: "__proto__" must become an ordinary own property, never a prototype.
function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}
function setOwn(o: object, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else (o as Record<string, unknown>)[k] = v;
}
