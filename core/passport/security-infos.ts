// SecurityInfos (ICAO Doc 9303-11 §9.2): the SET the chip publishes in EF.CardAccess (unsigned: which
// PACE variants it speaks) and in DG14 (signed through the SOD: Chip Authentication keys, the Active
// Authentication algorithm). Unknown entries are kept by OID and otherwise ignored (§9.2 "MAY discard").
import type { Curve } from '../crypto/provider.ts';
import { DerError, DerReader, TAG } from '../x509/der.ts';
import { curveFromParameters, ICAO_CURVE_IDS, STANDARDIZED_DOMAIN_PARAMETERS } from '../x509/ec-parameters.ts';
import type { CipherSuite } from './cipher-suite.ts';
import { PassportError } from './codes.ts';

/** bsi-de = 0.4.0.127.0.7 (§9.2.3). */
export const ICAO_OID = {
  PACE: '0.4.0.127.0.7.2.2.4',
  PK: '0.4.0.127.0.7.2.2.1',
  PK_ECDH: '0.4.0.127.0.7.2.2.1.2',
  PK_DH: '0.4.0.127.0.7.2.2.1.1',
  CA: '0.4.0.127.0.7.2.2.3',
  TA: '0.4.0.127.0.7.2.2.2',
  /** id-icao-mrtd-security-aaProtocolObject (§9.2.4). */
  AA: '2.23.136.1.1.5',
  /** TR-03111 ecdsa-plain-signatures; .1 SHA-1, .2 SHA-224, .3 SHA-256, .4 SHA-384, .5 SHA-512. */
  ECDSA_PLAIN: '0.4.0.127.0.7.1.1.4.1',
  EC_PUBLIC_KEY: '1.2.840.10045.2.1',
} as const;

export type KeyAgreement = 'DH' | 'ECDH';
export type PaceMapping = 'GM' | 'IM' | 'CAM';

/** The last arc of a PACE or CA OID names the cipher (§9.2.3, §9.2.7: 1 3DES, 2/3/4 AES-128/192/256). */
function suiteOf(k: number): CipherSuite | null {
  switch (k) {
    case 1:
      return { cipher: '3DES', keyLength: 16 };
    case 2:
      return { cipher: 'AES', keyLength: 16 };
    case 3:
      return { cipher: 'AES', keyLength: 24 };
    case 4:
      return { cipher: 'AES', keyLength: 32 };
    default:
      return null;
  }
}

export interface PaceInfo {
  oid: string;
  version: number;
  parameterId?: number;
  keyAgreement: KeyAgreement;
  mapping: PaceMapping;
  suite: CipherSuite;
  /** The curve of a standardized parameterId (§9.5.1 Table 12), when it is one. */
  curve?: Curve;
}

export interface ChipAuthenticationInfo {
  oid: string;
  version: number;
  keyId?: number;
  keyAgreement: KeyAgreement;
  suite: CipherSuite;
}

export interface ChipAuthenticationPublicKeyInfo {
  oid: string;
  keyAgreement: KeyAgreement;
  keyId?: number;
  /** For ECDH keys on a known curve; absent with `unsupported` otherwise (DH, unknown curve). */
  curve?: Curve;
  point?: Uint8Array;
  unsupported?: string;
}

export interface ActiveAuthenticationInfo {
  version: number;
  signatureAlgorithm: string;
  /** The hash of a TR-03111 plain ECDSA algorithm, when it is one. */
  hash?: 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
}

export interface SecurityInfos {
  pace: PaceInfo[];
  /** PACEDomainParameterInfo entries (explicit parameters: never used, §9.2.2). */
  paceDomainParameters: number;
  chipAuthentication: ChipAuthenticationInfo[];
  chipAuthenticationKeys: ChipAuthenticationPublicKeyInfo[];
  activeAuthentication?: ActiveAuthenticationInfo;
  terminalAuthentication: boolean;
  /** OIDs of entries this kiosk does not use. */
  other: string[];
}

const under = (oid: string, parent: string) => oid.startsWith(parent + '.');
const arcs = (oid: string, parent: string) =>
  oid
    .slice(parent.length + 1)
    .split('.')
    .map(Number);

/** Parse a DER SecurityInfos SET (EF.CardAccess's whole content, or DG14's value). Throws PassportError('malformed_data'). */
export function parseSecurityInfos(der: Uint8Array, what: string): SecurityInfos {
  const out: SecurityInfos = {
    pace: [],
    paceDomainParameters: 0,
    chipAuthentication: [],
    chipAuthenticationKeys: [],
    terminalAuthentication: false,
    other: [],
  };
  try {
    const top = new DerReader(der, 'malformed_certificate', what);
    const set = top.child(top.expect(TAG.SET, 'SecurityInfos'), 'SecurityInfos');
    top.end();
    let count = 0;
    while (!set.atEnd()) {
      if (++count > 64) set.fail('more than 64 SecurityInfo entries');
      const info = set.sequence('SecurityInfo');
      const oid = info.oid('protocol');
      if (under(oid, ICAO_OID.PACE)) {
        const [m, k] = arcs(oid, ICAO_OID.PACE);
        if (arcs(oid, ICAO_OID.PACE).length === 1) {
          // PACEDomainParameterInfo: id-PACE-{DH,ECDH}-{GM,IM,CAM} with explicit parameters.
          out.paceDomainParameters++;
          continue;
        }
        const version = info.smallUint('version');
        const parameterId = info.atEnd() ? undefined : info.smallUint('parameterId');
        const mapping: PaceMapping | null =
          m === 1 || m === 2 ? 'GM' : m === 3 || m === 4 ? 'IM' : m === 6 ? 'CAM' : null;
        const suite = suiteOf(k!);
        if (!mapping || !suite) {
          out.other.push(oid);
          continue;
        }
        const p: PaceInfo = { oid, version, keyAgreement: m === 1 || m === 3 ? 'DH' : 'ECDH', mapping, suite };
        if (parameterId !== undefined) {
          p.parameterId = parameterId;
          const c = ICAO_CURVE_IDS[parameterId];
          if (c && p.keyAgreement === 'ECDH') p.curve = c;
        }
        out.pace.push(p);
      } else if (under(oid, ICAO_OID.CA) && arcs(oid, ICAO_OID.CA).length === 2) {
        const [ka, k] = arcs(oid, ICAO_OID.CA);
        const suite = suiteOf(k!);
        const version = info.smallUint('version');
        const keyId = info.atEnd() ? undefined : info.smallUint('keyId');
        if (!suite || (ka !== 1 && ka !== 2)) {
          out.other.push(oid);
          continue;
        }
        out.chipAuthentication.push({
          oid,
          version,
          keyAgreement: ka === 1 ? 'DH' : 'ECDH',
          suite,
          ...(keyId !== undefined ? { keyId } : {}),
        });
      } else if (oid === ICAO_OID.PK_ECDH || oid === ICAO_OID.PK_DH) {
        const spki = info.sequence('chipAuthenticationPublicKey');
        const keyId = info.atEnd() ? undefined : info.smallUint('keyId');
        const entry: ChipAuthenticationPublicKeyInfo = {
          oid,
          keyAgreement: oid === ICAO_OID.PK_DH ? 'DH' : 'ECDH',
          ...(keyId !== undefined ? { keyId } : {}),
        };
        if (entry.keyAgreement === 'DH') entry.unsupported = 'DH Chip Authentication keys are not supported';
        else Object.assign(entry, ecPublicKey(spki));
        out.chipAuthenticationKeys.push(entry);
        continue;
      } else if (oid === ICAO_OID.AA) {
        const version = info.smallUint('version');
        const signatureAlgorithm = info.oid('signatureAlgorithm');
        const aa: ActiveAuthenticationInfo = { version, signatureAlgorithm };
        if (under(signatureAlgorithm, ICAO_OID.ECDSA_PLAIN)) {
          const h = (['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] as const)[
            arcs(signatureAlgorithm, ICAO_OID.ECDSA_PLAIN)[0]! - 1
          ];
          if (h) aa.hash = h;
        }
        out.activeAuthentication = aa;
      } else if (oid === ICAO_OID.TA || under(oid, ICAO_OID.TA)) {
        out.terminalAuthentication = true;
        continue;
      } else {
        out.other.push(oid);
        continue;
      }
      // requiredData / optionalData of other versions may carry more; entries we use must be exact.
      info.end();
    }
    return out;
  } catch (e) {
    if (e instanceof DerError) throw new PassportError('malformed_data', `${what}: ${e.message}`);
    throw e;
  }
}

/**
 * An EC SubjectPublicKeyInfo of a Chip Authentication key: id-ecPublicKey with explicit parameters
 * (§9.5.2) or a named curve, or the standardizedDomainParameters OID with a Table 12 id (§9.5.1).
 */
function ecPublicKey(spki: DerReader): Pick<ChipAuthenticationPublicKeyInfo, 'curve' | 'point' | 'unsupported'> {
  const alg = spki.sequence('algorithm');
  const algOid = alg.oid('algorithm');
  let curve: Curve | undefined;
  try {
    if (algOid === ICAO_OID.EC_PUBLIC_KEY) curve = curveFromParameters(alg);
    else if (algOid === STANDARDIZED_DOMAIN_PARAMETERS) curve = ICAO_CURVE_IDS[alg.smallUint('domain parameter id')];
    else {
      spki.next();
      return { unsupported: `key algorithm ${algOid}` };
    }
  } catch (e) {
    if (e instanceof DerError && e.code === 'unsupported_certificate') {
      spki.next();
      return { unsupported: e.message };
    }
    throw e;
  }
  alg.end();
  const point = spki.octetAlignedBitString('subjectPublicKey');
  spki.end();
  if (!curve) return { unsupported: 'unknown standardized domain parameters' };
  return { curve, point };
}
