// DeviceResponse and the structures inside it (ISO 18013-5 §8.3.2.1.2.2):
//   DeviceResponse = {"version": tstr, ? "documents": [+ Document], ? "documentErrors": [+ DocumentError],
//                     "status": uint}
//   Document = {"docType": tstr, "issuerSigned": IssuerSigned, "deviceSigned": DeviceSigned, ? "errors": Errors}
//   IssuerSigned = {? "nameSpaces": {+ NameSpace => [+ IssuerSignedItemBytes]}, "issuerAuth": COSE_Sign1}
//   DeviceSigned = {"nameSpaces": DeviceNameSpacesBytes, "deviceAuth": {"deviceSignature": COSE_Sign1} / {"deviceMac": COSE_Mac0}}
// The response is decoded ONCE with the strict decoder; #6.24 items keep their bytes. Each document
// is shaped separately so one broken document does not hide the checks of the others.
import { decodeCbor, type CborLimits } from '../cbor/decode.ts';
import { CborError } from '../cbor/errors.ts';
import { EmbeddedCbor, type CborValue } from '../cbor/model.ts';
import { MdocError } from './errors.ts';

export interface DeviceResponse {
  version: string;
  /** Raw documents: shaped one by one with parseDocument. */
  documents: CborValue[];
  documentErrors: CborValue[];
  status: number;
}

export interface IssuerSigned {
  /** namespace -> IssuerSignedItemBytes, in the order received. */
  nameSpaces: Map<string, EmbeddedCbor[]>;
  issuerAuth: CborValue;
}

export type DeviceAuth = { kind: 'signature'; value: CborValue } | { kind: 'mac'; value: CborValue };

export interface DeviceSigned {
  /** DeviceNameSpacesBytes as received: part of DeviceAuthentication. */
  nameSpaces: EmbeddedCbor;
  deviceAuth: DeviceAuth;
}

export interface Document {
  docType: string;
  issuerSigned: IssuerSigned;
  deviceSigned: DeviceSigned;
}

/** §8.3.2.1.2.3 status codes. */
export const RESPONSE_STATUS = { ok: 0, generalError: 10, cborDecodingError: 11, cborValidationError: 12 } as const;

/**
 * Decoder settings for everything inside an mdoc exchange: the strict defaults, except that
 * non-minimal length heads are accepted (cbor-x based wallets write them; see core/cbor/decode.ts).
 */
export const MDOC_CBOR: Partial<CborLimits> = Object.freeze({ allowNonMinimalHeads: true });

/** Documents per response we look at; a kiosk asks for one, wallets send one or two. */
export const MAX_DOCUMENTS = 16;

function bad(msg: string): never {
  throw new MdocError('malformed_cbor', msg);
}

/** Decode and shape the top level. Throws MdocError (malformed_cbor / cbor_limit_exceeded / unsupported_version). */
export function parseDeviceResponse(bytes: Uint8Array, limits?: Partial<CborLimits>): DeviceResponse {
  let v: CborValue;
  try {
    v = decodeCbor(bytes, limits ? { ...MDOC_CBOR, ...limits } : MDOC_CBOR);
  } catch (e) {
    if (e instanceof CborError) throw new MdocError(e.code, `DeviceResponse: ${e.message}`);
    throw e;
  }
  if (!(v instanceof Map)) bad('DeviceResponse is not a map');
  const version = v.get('version');
  if (typeof version !== 'string') bad('DeviceResponse.version is not a text string');
  if (!/^1\.\d+$/.test(version))
    throw new MdocError(
      'unsupported_version',
      `DeviceResponse.version ${JSON.stringify(version.slice(0, 16))} is not 1.x`,
    );
  const status = v.get('status');
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0)
    bad('DeviceResponse.status is not an unsigned integer');
  const documents = v.get('documents');
  if (documents !== undefined && !Array.isArray(documents)) bad('DeviceResponse.documents is not an array');
  if (Array.isArray(documents) && documents.length > MAX_DOCUMENTS)
    bad(`DeviceResponse holds ${documents.length} documents (limit ${MAX_DOCUMENTS})`);
  const documentErrors = v.get('documentErrors');
  if (documentErrors !== undefined && !Array.isArray(documentErrors))
    bad('DeviceResponse.documentErrors is not an array');
  return {
    version,
    documents: (documents as CborValue[] | undefined) ?? [],
    documentErrors: (documentErrors as CborValue[] | undefined) ?? [],
    status,
  };
}

/** The docType of a raw document, if it has a readable one (for reporting a document that fails to shape). */
export function rawDocType(v: CborValue): string {
  if (v instanceof Map) {
    const t = v.get('docType');
    if (typeof t === 'string') return t;
  }
  return '';
}

/** Shape one Document. Throws MdocError('malformed_cbor') naming the path. */
export function parseDocument(v: CborValue, path: string): Document {
  if (!(v instanceof Map)) bad(`${path} is not a map`);
  const docType = v.get('docType');
  if (typeof docType !== 'string') bad(`${path}.docType is not a text string`);

  const is = v.get('issuerSigned');
  if (!(is instanceof Map)) bad(`${path}.issuerSigned is not a map`);
  if (!is.has('issuerAuth')) bad(`${path}.issuerSigned.issuerAuth is missing`);
  const nameSpaces = new Map<string, EmbeddedCbor[]>();
  const ns = is.get('nameSpaces');
  if (ns !== undefined) {
    if (!(ns instanceof Map)) bad(`${path}.issuerSigned.nameSpaces is not a map`);
    for (const [name, items] of ns) {
      if (typeof name !== 'string') bad(`${path}.issuerSigned.nameSpaces has a key that is not a text string`);
      if (!Array.isArray(items)) bad(`${path}.issuerSigned.nameSpaces[${name}] is not an array`);
      const list: EmbeddedCbor[] = [];
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (!(it instanceof EmbeddedCbor))
          bad(`${path}.issuerSigned.nameSpaces[${name}][${i}] is not #6.24 IssuerSignedItemBytes`);
        list.push(it);
      }
      nameSpaces.set(name, list);
    }
  }

  const ds = v.get('deviceSigned');
  if (!(ds instanceof Map)) bad(`${path}.deviceSigned is missing or not a map`);
  const dns = ds.get('nameSpaces');
  if (!(dns instanceof EmbeddedCbor)) bad(`${path}.deviceSigned.nameSpaces is not #6.24 DeviceNameSpacesBytes`);
  const da = ds.get('deviceAuth');
  if (!(da instanceof Map)) bad(`${path}.deviceSigned.deviceAuth is not a map`);
  const sig = da.get('deviceSignature');
  const mac = da.get('deviceMac');
  // §8.3.2.1.2.2: exactly one of the two.
  if ((sig === undefined) === (mac === undefined))
    bad(`${path}.deviceSigned.deviceAuth must hold exactly one of deviceSignature, deviceMac`);
  const deviceAuth: DeviceAuth = sig !== undefined ? { kind: 'signature', value: sig } : { kind: 'mac', value: mac };

  return {
    docType,
    issuerSigned: { nameSpaces, issuerAuth: is.get('issuerAuth') },
    deviceSigned: { nameSpaces: dns, deviceAuth },
  };
}
