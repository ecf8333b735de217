// IssuerSignedItem (ISO 18013-5 §8.3.2.1.2.2):
//   IssuerSignedItemBytes = #6.24(bstr .cbor IssuerSignedItem)
//   IssuerSignedItem = {"digestID": uint, "random": bstr, "elementIdentifier": tstr, "elementValue": any}
// The digest in the MSO is over IssuerSignedItemBytes exactly as received (§9.1.2.5), so the item
// keeps its EmbeddedCbor (`bytes.raw` is what gets hashed; nothing is re-encoded).
import { CborError } from '../cbor/errors.ts';
import type { CborValue, EmbeddedCbor } from '../cbor/model.ts';
import { MDOC_CBOR } from './device-response.ts';
import { MdocError } from './errors.ts';

export interface IssuerSignedItem {
  bytes: EmbeddedCbor;
  digestID: number;
  random: Uint8Array;
  elementIdentifier: string;
  elementValue: CborValue;
}

/** §9.1.2.5 recommends at least 16 bytes of random; shorter salts make element values guessable. */
export const MIN_RANDOM_BYTES = 16;

/** Where an item sits, for error messages only (built on failure: this function runs per element). */
function itemPath(docPath: string, ns: string, index: number): string {
  return `${docPath}.issuerSigned.nameSpaces[${ns}][${index}]`;
}

export function parseIssuerSignedItem(bytes: EmbeddedCbor, docPath: string, ns = '', index = 0): IssuerSignedItem {
  let v: CborValue;
  try {
    v = bytes.decode(MDOC_CBOR);
  } catch (e) {
    if (e instanceof CborError) throw new MdocError(e.code, `${itemPath(docPath, ns, index)}: ${e.message}`);
    throw e;
  }
  if (!(v instanceof Map)) return bad(docPath, ns, index, 'IssuerSignedItem is not a map');
  const digestID = v.get('digestID');
  const random = v.get('random');
  const elementIdentifier = v.get('elementIdentifier');
  if (typeof digestID !== 'number' || !Number.isInteger(digestID) || digestID < 0)
    bad(docPath, ns, index, 'digestID is not an unsigned integer');
  if (!(random instanceof Uint8Array)) bad(docPath, ns, index, 'random is not a byte string');
  if (typeof elementIdentifier !== 'string') bad(docPath, ns, index, 'elementIdentifier is not a text string');
  if (!v.has('elementValue')) bad(docPath, ns, index, 'elementValue is missing');
  return {
    bytes,
    digestID: digestID as number,
    random: random as Uint8Array,
    elementIdentifier: elementIdentifier as string,
    elementValue: v.get('elementValue'),
  };
}

// Module-level, not a closure per item: this runs for every disclosed element.
function bad(docPath: string, ns: string, index: number, what: string): never {
  throw new MdocError('malformed_cbor', `${itemPath(docPath, ns, index)}: ${what}`);
}
