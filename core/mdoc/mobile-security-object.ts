// MobileSecurityObject (ISO 18013-5 §9.1.2.4), the payload of issuerAuth:
//   MobileSecurityObjectBytes = #6.24(bstr .cbor MobileSecurityObject)
//   MobileSecurityObject = {"version": "1.0", "digestAlgorithm": tstr, "valueDigests": ValueDigests,
//     "deviceKeyInfo": DeviceKeyInfo, "docType": tstr, "validityInfo": ValidityInfo}
//   ValueDigests = {+ NameSpace => {+ DigestID => Digest}}
//   DeviceKeyInfo = {"deviceKey": COSE_Key, ? "keyAuthorizations", ? "keyInfo"}
//   ValidityInfo = {"signed": tdate, "validFrom": tdate, "validUntil": tdate, ? "expectedUpdate": tdate}
// Parsed once from the signed payload. The digest algorithm is kept as a string and judged by the
// verifier (unsupported_digest_algorithm is its own check, not a parse failure).
import { decodeCbor } from '../cbor/decode.ts';
import { CborError } from '../cbor/errors.ts';
import { EmbeddedCbor, type CborValue } from '../cbor/model.ts';
import { HASH_BYTES, type HashAlg } from '../crypto/provider.ts';
import { MDOC_CBOR } from './device-response.ts';
import { MdocError } from './errors.ts';
import { tdateToDate } from './tdate.ts';

export interface ValidityInfo {
  signed: Date;
  validFrom: Date;
  validUntil: Date;
  expectedUpdate?: Date;
}

export interface MobileSecurityObject {
  version: string;
  digestAlgorithm: string;
  /** namespace -> digestID -> digest */
  valueDigests: Map<string, Map<number, Uint8Array>>;
  /** The COSE_Key as decoded; turned into a key (and checked) by the verifier. */
  deviceKey: CborValue;
  docType: string;
  validityInfo: ValidityInfo;
}

/** digestAlgorithm strings of §9.1.2.5 and the hash each names. */
export const DIGEST_ALGORITHMS: Record<string, HashAlg> = {
  'SHA-256': 'SHA-256',
  'SHA-384': 'SHA-384',
  'SHA-512': 'SHA-512',
};

const DIGEST_LENGTH = HASH_BYTES;

function bad(msg: string): never {
  throw new MdocError('mso_malformed', `MSO: ${msg}`);
}

/** Parse the COSE payload (MobileSecurityObjectBytes). Throws MdocError. */
export function parseMobileSecurityObject(payload: Uint8Array): MobileSecurityObject {
  let v: CborValue;
  try {
    const outer = decodeCbor(payload, MDOC_CBOR);
    if (!(outer instanceof EmbeddedCbor)) bad('payload is not #6.24-wrapped MobileSecurityObjectBytes');
    v = outer.decode(MDOC_CBOR);
  } catch (e) {
    if (e instanceof CborError)
      throw new MdocError(
        e.code === 'cbor_limit_exceeded' ? 'cbor_limit_exceeded' : 'mso_malformed',
        `MSO: ${e.message}`,
      );
    throw e;
  }
  if (!(v instanceof Map)) bad('not a map');
  const version = v.get('version');
  if (typeof version !== 'string') bad('version is not a text string');
  // §9.1.2.4: "1.0"; later editions keep the major version.
  if (!/^1\.\d+$/.test(version)) bad(`unsupported version ${JSON.stringify(version.slice(0, 16))}`);
  const digestAlgorithm = v.get('digestAlgorithm');
  if (typeof digestAlgorithm !== 'string') bad('digestAlgorithm is not a text string');
  const docType = v.get('docType');
  if (typeof docType !== 'string') bad('docType is not a text string');

  const vd = v.get('valueDigests');
  if (!(vd instanceof Map) || vd.size === 0) bad('valueDigests is not a non-empty map');
  const expectedLen = DIGEST_LENGTH[DIGEST_ALGORITHMS[digestAlgorithm] ?? 'SHA-256'];
  const checkLen = DIGEST_ALGORITHMS[digestAlgorithm] !== undefined;
  // Checked in place and then used as decoded (no copies): the decoded maps belong to this parse
  // alone, and after these checks they have exactly the ValueDigests shape.
  for (const [ns, digests] of vd) {
    if (typeof ns !== 'string') bad('valueDigests namespace is not a text string');
    if (!(digests instanceof Map)) bad(`valueDigests[${ns}] is not a map`);
    for (const [id, d] of digests) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
        bad(`valueDigests[${ns}] has a digestID that is not an unsigned integer`);
      if (!(d instanceof Uint8Array) || (checkLen && d.length !== expectedLen)) {
        bad(`valueDigests[${ns}][${id}] is not a ${expectedLen}-byte digest`);
      }
    }
  }
  const valueDigests = vd as unknown as Map<string, Map<number, Uint8Array>>;

  const dki = v.get('deviceKeyInfo');
  if (!(dki instanceof Map) || !dki.has('deviceKey')) bad('deviceKeyInfo.deviceKey is missing');

  const vi = v.get('validityInfo');
  if (!(vi instanceof Map)) bad('validityInfo is not a map');
  const validityInfo: ValidityInfo = {
    signed: validityDate(vi, 'signed'),
    validFrom: validityDate(vi, 'validFrom'),
    validUntil: validityDate(vi, 'validUntil'),
  };
  if (vi.get('expectedUpdate') !== undefined) validityInfo.expectedUpdate = validityDate(vi, 'expectedUpdate');
  if (validityInfo.validUntil.getTime() < validityInfo.validFrom.getTime()) bad('validUntil is before validFrom');

  return { version, digestAlgorithm, valueDigests, deviceKey: dki.get('deviceKey'), docType, validityInfo };
}

/** A required tdate of ValidityInfo (module-level, not a closure per parse: this runs per response). */
function validityDate(vi: Map<CborValue, CborValue>, k: string): Date {
  const d = tdateToDate(vi.get(k));
  if (!d) bad(`validityInfo.${k} is not a tdate (#6.0 RFC 3339)`);
  return d;
}
