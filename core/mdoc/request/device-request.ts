// DeviceRequest and ItemsRequest (ISO 18013-5 §8.3.2.1.2.1):
//   DeviceRequest = {"version": "1.0", "docRequests": [+ DocRequest]}
//   DocRequest = {"itemsRequest": #6.24(ItemsRequest), ? "readerAuth": COSE_Sign1}
//   ItemsRequest = {"docType": tstr, "nameSpaces": {+ tstr => {+ tstr => bool}}, ? "requestInfo"}
// The bool is IntentToRetain: the kiosk never keeps what it reads, so it is always false.
// readerAuth (§9.1.4) only when the operator installed a reader certificate: `signer` gets each
// ItemsRequestBytes exactly as placed in the DocRequest (reader-authentication.ts); without one the
// request carries none and wallets show it as unauthenticated.
import { EmbeddedCbor, encodeCbor, type CborMap, type CborValue } from '../../cbor/index.ts';
import type { PolicyName } from '../../policy/policy.ts';
import { POLICIES } from '../../policy/policy.ts';
import { SUPPORTED_DOCTYPES, type SupportedDocType } from './doc-types.ts';
import { policyElements, type ElementRef } from './policy-elements.ts';
import { assertRequestable } from './requestable-elements.ts';

export interface ItemsRequest {
  docType: string;
  elements: ElementRef[];
  intentToRetain: false;
}

export function encodeItemsRequest(r: ItemsRequest): CborMap {
  const nameSpaces: CborMap = new Map();
  for (const { namespace, element } of r.elements) {
    assertRequestable(r.docType, namespace, element);
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

/** Signs one DocRequest: ItemsRequestBytes in, readerAuth (COSE_Sign1 array) out. */
export interface DocRequestSigner {
  sign(itemsRequestBytes: EmbeddedCbor): CborValue[];
}

export function encodeDeviceRequest(items: ItemsRequest[], signer?: DocRequestSigner): Uint8Array {
  const docRequests = items.map((r) => {
    const itemsRequest = EmbeddedCbor.wrap(encodeItemsRequest(r));
    const dr = new Map<CborValue, CborValue>([['itemsRequest', itemsRequest]]);
    if (signer) dr.set('readerAuth', signer.sign(itemsRequest));
    return dr;
  });
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
export function deviceRequestForPolicy(
  policy: PolicyName,
  docTypes: readonly SupportedDocType[] = SUPPORTED_DOCTYPES,
  signer?: DocRequestSigner,
): Uint8Array {
  return encodeDeviceRequest(
    docTypes.map((docType) => ({
      docType,
      elements: policyElements(policy, docType),
      intentToRetain: POLICIES[policy].intentToRetain,
    })),
    signer,
  );
}
