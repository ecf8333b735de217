// DeviceRequest and ItemsRequest (ISO 18013-5 §8.3.2.1.2.1):
//   DeviceRequest = {"version": "1.0", "docRequests": [+ DocRequest]}
//   DocRequest = {"itemsRequest": #6.24(ItemsRequest), ? "readerAuth": COSE_Sign1}
//   ItemsRequest = {"docType": tstr, "nameSpaces": {+ tstr => {+ tstr => bool}}, ? "requestInfo"}
// The bool is IntentToRetain: the kiosk never keeps what it reads, so it is always false.
// No readerAuth: the kiosk has no reader certificate (holders show the request as unauthenticated).
import { EmbeddedCbor, encodeCbor, type CborMap, type CborValue } from '../../cbor/index.ts';
import type { PolicyName } from '../../policy/policy.ts';
import { POLICIES } from '../../policy/policy.ts';
import { SUPPORTED_DOCTYPES, type SupportedDocType } from './doc-types.ts';
import { assertNotForbidden } from './forbidden-elements.ts';
import { policyElements, type ElementRef } from './policy-elements.ts';

export interface ItemsRequest {
  docType: string;
  elements: ElementRef[];
  intentToRetain: false;
}

export function encodeItemsRequest(r: ItemsRequest): CborMap {
  const nameSpaces: CborMap = new Map();
  for (const { namespace, element } of r.elements) {
    assertNotForbidden(element);
    let ns = nameSpaces.get(namespace) as CborMap | undefined;
    if (!ns) {
      ns = new Map();
      nameSpaces.set(namespace, ns);
    }
    ns.set(element, r.intentToRetain);
  }
  return new Map<CborValue, CborValue>([
    ['docType', r.docType],
    ['nameSpaces', nameSpaces],
  ]);
}

export function encodeDeviceRequest(items: ItemsRequest[]): Uint8Array {
  const docRequests = items.map((r) => new Map<CborValue, CborValue>([['itemsRequest', EmbeddedCbor.wrap(encodeItemsRequest(r))]]));
  return encodeCbor(
    new Map<CborValue, CborValue>([
      ['version', '1.0'],
      ['docRequests', docRequests],
    ]),
  );
}

/**
 * The DeviceRequest for a policy: one DocRequest per docType the kiosk accepts (My Number Card
 * first, then mDL); the wallet answers for the documents it holds.
 */
export function deviceRequestForPolicy(policy: PolicyName, docTypes: readonly SupportedDocType[] = SUPPORTED_DOCTYPES): Uint8Array {
  return encodeDeviceRequest(
    docTypes.map((docType) => ({ docType, elements: policyElements(policy, docType), intentToRetain: POLICIES[policy].intentToRetain })),
  );
}
