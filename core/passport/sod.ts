// EF.SOD, the Document Security Object (ICAO Doc 9303-10 §4.6.2): 77 { ContentInfo SignedData } whose
// eContent (type 2.23.136.1.1.1) is
//   LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm AlgorithmIdentifier,
//     dataGroupHashValues SEQUENCE OF DataGroupHash { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING },
//     ldsVersionInfo LDSVersionInfo OPTIONAL }
// The SignedData MUST carry the Document Signer certificate (Doc 9303-11 §5.1.1 step 1).
import type { HashAlg } from '../crypto/provider.ts';
import { parseTlv } from '../card/ber-tlv.ts';
import { DerError, DerReader } from '../x509/der.ts';
import { HASH_OIDS } from '../x509/oids.ts';
import { CMS_OID, parseSignedData, type SignedData } from '../x509/cms-signed-data.ts';
import { PassportError } from './codes.ts';
import { errorText } from '../errors.ts';

export interface LdsSecurityObject {
  version: number;
  hashAlgorithm: HashAlg;
  /** Data group number -> hash of the whole file (tag, length and value). */
  hashes: Map<number, Uint8Array>;
  ldsVersion?: string;
}

export interface Sod {
  signedData: SignedData;
  lso: LdsSecurityObject;
}

export function parseLdsSecurityObject(der: Uint8Array): LdsSecurityObject {
  const top = new DerReader(der, 'malformed_certificate', 'LDSSecurityObject');
  const s = top.sequence('LDSSecurityObject');
  top.end();
  const version = s.smallUint('version', 1);
  const alg = s.sequence('hashAlgorithm');
  const oid = alg.oid('algorithm');
  if (!alg.atEnd()) alg.null('parameters');
  alg.end();
  const hashAlgorithm = HASH_OIDS[oid];
  if (!hashAlgorithm) throw new DerError('unsupported_certificate', `LDS hash algorithm ${oid}`);
  const list = s.sequence('dataGroupHashValues');
  const hashes = new Map<number, Uint8Array>();
  while (!list.atEnd()) {
    const e = list.sequence('DataGroupHash');
    const n = e.smallUint('dataGroupNumber', 16);
    const h = e.octetString('dataGroupHashValue');
    e.end();
    if (n < 1) list.fail('data group number 0');
    if (hashes.has(n)) list.fail(`data group ${n} listed twice`);
    hashes.set(n, h);
  }
  if (hashes.size < 2) list.fail('fewer than two data groups (DG1 and DG2 are mandatory)');
  let ldsVersion: string | undefined;
  if (!s.atEnd()) {
    // LDSVersionInfo ::= SEQUENCE { ldsVersion PrintableString, unicodeVersion PrintableString } (version 1).
    const v = s.sequence('ldsVersionInfo');
    ldsVersion = String.fromCharCode(...v.next().value);
    v.next();
    v.end();
  }
  s.end();
  return { version, hashAlgorithm, hashes, ...(ldsVersion !== undefined ? { ldsVersion } : {}) };
}

/** Parse EF.SOD as read from the chip. Throws PassportError('malformed_data') naming what is wrong. */
export function parseSod(file: Uint8Array): Sod {
  try {
    const outer = parseTlv(file, 0);
    if (outer.tag !== 0x77)
      throw new PassportError('malformed_data', `EF.SOD: outer tag ${outer.tag.toString(16)}, expected 77`);
    const signedData = parseSignedData(outer.value, 'EF.SOD');
    if (signedData.eContentType !== CMS_OID.ldsSecurityObject)
      throw new PassportError(
        'malformed_data',
        `EF.SOD: eContentType ${signedData.eContentType} is not the LDS Security Object`,
      );
    if (signedData.signerInfos.length !== 1)
      throw new PassportError('malformed_data', `EF.SOD: ${signedData.signerInfos.length} signerInfos (expected one)`);
    if (signedData.certificates.length === 0)
      throw new PassportError('malformed_data', 'EF.SOD carries no Document Signer certificate');
    return { signedData, lso: parseLdsSecurityObject(signedData.eContent) };
  } catch (e) {
    if (e instanceof DerError) throw new PassportError('malformed_data', `EF.SOD: ${e.message}`);
    if (e instanceof PassportError) throw e;
    throw new PassportError('malformed_data', `EF.SOD: ${errorText(e)}`);
  }
}
