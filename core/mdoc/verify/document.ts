// Stage 1, structure (docs/card-and-mdoc-facts.md "What the verifier checks" item 1): the Document
// and every IssuerSignedItem inside it parse. An unreadable item is a structural failure of the
// document; the items that did parse still go on to the digest stage.
import type { CborValue } from '../../cbor/model.ts';
import { parseDocument, type Document } from '../device-response.ts';
import { MdocError } from '../errors.ts';
import { parseIssuerSignedItem, type IssuerSignedItem } from '../issuer-signed-item.ts';
import { fail, pass, type MdocCheck } from './check-list.ts';

export interface SignedItem {
  ns: string;
  item: IssuerSignedItem;
}

export type DocumentRead =
  { checks: MdocCheck[]; doc: Document } | { checks: MdocCheck[]; doc?: undefined; blocked: string };

export function readDocument(raw: CborValue, path: string): DocumentRead {
  try {
    return { checks: [], doc: parseDocument(raw, path) };
  } catch (e) {
    if (!(e instanceof MdocError)) throw e;
    return { checks: [fail(e.code, e.message)], blocked: 'the Document structure is malformed' };
  }
}

export function readIssuerSignedItems(doc: Document, path: string): { checks: MdocCheck[]; items: SignedItem[] } {
  const items: SignedItem[] = [];
  let failure: MdocError | undefined;
  for (const [ns, list] of doc.issuerSigned.nameSpaces) {
    for (let j = 0; j < list.length; j++) {
      try {
        items.push({ ns, item: parseIssuerSignedItem(list[j]!, path, ns, j) });
      } catch (e) {
        if (!(e instanceof MdocError)) throw e;
        failure ??= e;
      }
    }
  }
  if (!failure) return { checks: [pass('malformed_cbor')], items };
  return { checks: [fail(failure.code, failure.message), fail('malformed_cbor', failure.message)], items };
}
