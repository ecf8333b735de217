// Stage 6, value digests (item 5 of "What the verifier checks", docs/card-and-mdoc-facts.md): each
// disclosed element's digest, over its #6.24 bytes exactly as received, is the one the issuer signed
// in the MSO. Extra digests in the MSO are normal (undisclosed elements, decoys).
import type { CryptoProvider } from '../../crypto/provider.ts';
import { equal } from '../../bytes.ts';
import { DIGEST_ALGORITHMS, type MobileSecurityObject } from '../mobile-security-object.ts';
import { isForbiddenElement } from '../request/forbidden-elements.ts';
import { fail, pass, type MdocCheck } from './check-list.ts';
import type { SignedItem } from './document.ts';

export interface DigestsResult {
  checks: MdocCheck[];
  /** The items whose digest matched; absent when the digest algorithm is not supported. */
  verified?: SignedItem[];
  blocked?: string;
}

export function verifyValueDigests(
  items: readonly SignedItem[],
  mso: MobileSecurityObject,
  crypto: CryptoProvider,
): DigestsResult {
  const hash = DIGEST_ALGORITHMS[mso.digestAlgorithm];
  if (!hash) {
    return {
      checks: [
        fail(
          'unsupported_digest_algorithm',
          `digestAlgorithm ${JSON.stringify(mso.digestAlgorithm.slice(0, 32))} is not SHA-256/384/512`,
        ),
      ],
      blocked: 'unsupported digest algorithm',
    };
  }
  const verified: SignedItem[] = [];
  const unknownNs: string[] = [];
  const unknownId: string[] = [];
  const mismatch: string[] = [];
  for (const it of items) {
    const digests = mso.valueDigests.get(it.ns);
    if (!digests) {
      if (!unknownNs.includes(it.ns)) unknownNs.push(it.ns);
      continue;
    }
    const expected = digests.get(it.item.digestID);
    if (!expected) {
      unknownId.push(`${it.ns}/${shownName(it.item.elementIdentifier)} (digestID ${it.item.digestID})`);
      continue;
    }
    if (equal(crypto.digest(hash, it.item.bytes.raw), expected)) verified.push(it);
    else mismatch.push(`${it.ns}/${shownName(it.item.elementIdentifier)} (digestID ${it.item.digestID})`);
  }
  return {
    checks: [
      pass('unsupported_digest_algorithm', mso.digestAlgorithm),
      unknownNs.length ? fail('namespace_unknown', `not in the MSO: ${list(unknownNs)}`) : pass('namespace_unknown'),
      unknownId.length ? fail('digest_id_unknown', `no MSO digest for ${list(unknownId)}`) : pass('digest_id_unknown'),
      mismatch.length
        ? fail('digest_mismatch', `digest differs for ${list(mismatch)}`)
        : pass('digest_mismatch', `${verified.length} element(s) match their signed digests`),
    ],
    verified,
  };
}

/** An element name for a check detail: a name that may carry the My Number is not repeated. */
function shownName(name: string): string {
  return isForbiddenElement(name) ? '(withheld: may carry the My Number)' : name;
}

function list(xs: string[]): string {
  return xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', ');
}
