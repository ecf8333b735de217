// Elements that carry the My Number (個人番号): never requested, and never shown, printed, returned or
// logged, whatever a policy, a caller or a wallet does. The My Number Act (art. 15, 19, 20) restricts
// who may collect the number, and no Kakunin preset is one of them.
//
// Two rules, both by element NAME (any docType, any namespace, so a wallet that moves the element
// elsewhere gains nothing):
// - the names org.iso.23220.1.jp.mnc gives the number (org.iso.23220.1.jp `individual_number_unicode`;
//   its `_latin1` twin and the bare name in case an issuer follows the 23220 pairing);
// - a conservative pattern over the name folded to NFKC lower-case letters and digits:
//   "individualnumber", "mynumber", "kojinbango", 個人番号, マイナンバー. It over-matches on purpose
//   (an element called my_number_of_visits is dropped too: a name is never worth the risk).
import type { CborValue } from '../../cbor/model.ts';
import { Tagged } from '../../cbor/model.ts';

export const FORBIDDEN_ELEMENTS: ReadonlySet<string> = new Set([
  'individual_number_unicode',
  'individual_number_latin1',
  'individual_number',
]);

const MY_NUMBER_FOLDED = /individualnumber|mynumber|kojinbang|個人番号|まいなんばー|マイナンバー/;

/** The name folded for the pattern: NFKC (full-width letters, half-width kana), lower case, no separators. */
function fold(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** Is this element name one that may carry the My Number? */
export function isForbiddenElement(name: string): boolean {
  return FORBIDDEN_ELEMENTS.has(name) || MY_NUMBER_FOLDED.test(fold(name));
}

export class ForbiddenElementError extends Error {
  override readonly name = 'ForbiddenElementError';
  readonly code = 'request_forbidden_element';
  constructor(readonly element: string) {
    super('an element that carries the My Number may never be requested (My Number Act)');
  }
}

export function assertNotForbidden(element: string): void {
  if (isForbiddenElement(element)) throw new ForbiddenElementError(element);
}

/**
 * An element value with every map entry whose key is a forbidden name removed, at any depth (a
 * structured element such as an address map cannot smuggle the number in a sub-field either).
 * Returns the same object when there was nothing to remove.
 */
export function withoutForbidden(v: CborValue, depth = 0): CborValue {
  if (depth > 64) return v;
  if (v instanceof Map) {
    let changed = false;
    const out = new Map<CborValue, CborValue>();
    for (const [k, x] of v) {
      if (typeof k === 'string' && isForbiddenElement(k)) {
        changed = true;
        continue;
      }
      const y = withoutForbidden(x, depth + 1);
      if (y !== x) changed = true;
      out.set(k, y);
    }
    return changed ? out : v;
  }
  if (Array.isArray(v)) {
    const out = v.map((x) => withoutForbidden(x, depth + 1));
    return out.some((y, i) => y !== v[i]) ? out : v;
  }
  if (v instanceof Tagged) {
    const y = withoutForbidden(v.value, depth + 1);
    return y === v.value ? v : new Tagged(v.tag, y);
  }
  return v;
}
