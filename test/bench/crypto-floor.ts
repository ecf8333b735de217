// The crypto floor: the bare signature verifications one DeviceResponse needs, with Node's
// native crypto (OpenSSL), nothing else: (1) the DS certificate's signature by the IACA, (2) the MSO
// COSE_Sign1 by the DS key, (3) the device signature over DeviceAuthenticationBytes by the device
// key. Keys are imported and the signed bytes are built BEFORE timing, so the floor is just three
// ECDSA verifications — what no verifier can go below. Digests of disclosed elements are not in the
// floor (the spec names signatures only), which makes the floor stricter for the identity case.
//
// Building the signed bytes here independently (from the response, with core/cbor) also cross-checks
// the inputs: every floor verification must return true before it is timed.

import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { decodeCbor, EmbeddedCbor, encodeCbor, type CborMap, type CborValue } from '../../core/cbor/index.ts';
import type { Curve } from '../../core/crypto/provider.ts';
import { parseCertificate } from '../../core/x509/certificate.ts';
import type { Scenario } from './fixtures.ts';

interface OneVerify {
  what: string;
  hash: string;
  key: KeyObject;
  data: Uint8Array;
  signature: Uint8Array;
  dsaEncoding: 'der' | 'ieee-p1363';
}

export interface CryptoFloor {
  verifications: OneVerify[];
  /** Runs the bare verifications; throws if one fails. */
  run(): void;
  /**
   * The floor of a COLD verification: the same three verifies, but the DS key and the device key are
   * imported from their points each time (a first response from a new DS and a new holder; the IACA
   * key stays loaded, as the kiosk loads its roots at start). No verifier can check a signature under
   * a key it has not loaded, so this is the fair baseline for Kakunin's cold-cache row.
   */
  runCold(): void;
}

const HASH: Partial<Record<Curve, string>> = { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' };
const COSE_CRV: Record<number, Curve> = { 1: 'P-256', 2: 'P-384', 3: 'P-521' };
const COSE_ALG_HASH: Record<number, string> = { [-7]: 'sha256', [-35]: 'sha384', [-36]: 'sha512' };

const m = (v: CborValue): CborMap => v as CborMap;
const get = (map: CborValue, k: CborValue): CborValue => m(map).get(k);

// SubjectPublicKeyInfo DER up to the BIT STRING's contents, per curve (RFC 5480: id-ecPublicKey + named curve).
const SPKI_HEAD: Partial<Record<Curve, string>> = {
  'P-256': '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  'P-384': '3076301006072a8648ce3d020106052b81040022036200',
  'P-521': '30819b301006072a8648ce3d020106052b8104002303818600',
};

/** The fastest import node:crypto offers for each curve (both paths check the point is on the curve). */
function ecKeyFromPoint(curve: Curve, point: Uint8Array): KeyObject {
  if (curve !== 'P-256')
    return createPublicKey({
      key: Buffer.concat([Buffer.from(SPKI_HEAD[curve]!, 'hex'), point]),
      format: 'der',
      type: 'spki',
    });
  const n = (point.length - 1) / 2;
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: curve,
      x: Buffer.from(point.subarray(1, 1 + n)).toString('base64url'),
      y: Buffer.from(point.subarray(1 + n)).toString('base64url'),
    },
    format: 'jwk',
  });
}

export function cryptoFloor(s: Scenario): CryptoFloor {
  const response = decodeCbor(s.deviceResponse);
  const doc = (get(response, 'documents') as CborValue[])[0]!;
  const issuerAuth = get(get(doc, 'issuerSigned'), 'issuerAuth') as CborValue[];
  const [prot, unprot, payload, sig] = issuerAuth as [Uint8Array, CborMap, Uint8Array, Uint8Array];
  const x5 = unprot.get(33);
  const dsDer = x5 instanceof Uint8Array ? x5 : (x5 as Uint8Array[])[0]!;
  const ds = parseCertificate(dsDer);
  const iaca = parseCertificate(s.iacaDer);
  if (ds.publicKey.kind !== 'ec' || iaca.publicKey.kind !== 'ec' || ds.signatureAlgorithm.kind !== 'ecdsa')
    throw new Error('floor: EC keys expected');

  const msoAlg = get(decodeCbor(prot), 1) as number;
  const mso = decodeCbor((decodeCbor(payload) as EmbeddedCbor).content);
  const deviceKey = get(get(mso, 'deviceKeyInfo'), 'deviceKey');
  const deviceCurve = COSE_CRV[get(deviceKey, -1) as number]!;
  const devicePoint = new Uint8Array([4, ...(get(deviceKey, -2) as Uint8Array), ...(get(deviceKey, -3) as Uint8Array)]);

  const deviceSigned = get(doc, 'deviceSigned');
  const deviceSignature = get(get(deviceSigned, 'deviceAuth'), 'deviceSignature') as [
    Uint8Array,
    CborMap,
    null,
    Uint8Array,
  ];
  const deviceAuthentication = EmbeddedCbor.wrap([
    'DeviceAuthentication',
    decodeCbor(s.sessionTranscript),
    get(doc, 'docType'),
    get(deviceSigned, 'nameSpaces'),
  ]).raw;
  const devAlg = get(decodeCbor(deviceSignature[0]), 1) as number;

  const verifications: OneVerify[] = [
    {
      what: 'DS certificate by IACA',
      hash: HASH[iaca.publicKey.curve]!,
      key: ecKeyFromPoint(iaca.publicKey.curve, iaca.publicKey.point),
      data: ds.tbs,
      signature: ds.signature,
      dsaEncoding: 'der',
    },
    {
      what: 'MSO COSE_Sign1 by DS',
      hash: COSE_ALG_HASH[msoAlg]!,
      key: ecKeyFromPoint(ds.publicKey.curve, ds.publicKey.point),
      data: encodeCbor(['Signature1', prot, new Uint8Array(0), payload]),
      signature: sig,
      dsaEncoding: 'ieee-p1363',
    },
    {
      what: 'device signature by device key',
      hash: COSE_ALG_HASH[devAlg]!,
      key: ecKeyFromPoint(deviceCurve, devicePoint),
      data: encodeCbor(['Signature1', deviceSignature[0], new Uint8Array(0), deviceAuthentication]),
      signature: deviceSignature[3],
      dsaEncoding: 'ieee-p1363',
    },
  ];
  const run = (): void => {
    for (const v of verifications) {
      if (!nodeVerify(v.hash, v.data, { key: v.key, dsaEncoding: v.dsaEncoding }, v.signature))
        throw new Error(`crypto floor: ${v.what} does not verify`);
    }
  };
  // For the cold floor: which verifications use a key that must be imported on the spot, from which point.
  const fresh: Array<[OneVerify, Curve, Uint8Array]> = [
    [verifications[1]!, ds.publicKey.curve, ds.publicKey.point],
    [verifications[2]!, deviceCurve, devicePoint],
  ];
  const runCold = (): void => {
    const iacaCheck = verifications[0]!;
    if (!nodeVerify(iacaCheck.hash, iacaCheck.data, { key: iacaCheck.key, dsaEncoding: 'der' }, iacaCheck.signature))
      throw new Error(`crypto floor: ${iacaCheck.what} does not verify`);
    for (const [v, curve, point] of fresh) {
      const key = ecKeyFromPoint(curve, point);
      if (!nodeVerify(v.hash, v.data, { key, dsaEncoding: v.dsaEncoding }, v.signature))
        throw new Error(`crypto floor: ${v.what} does not verify`);
    }
  };
  run(); // the inputs must be genuinely valid
  runCold();
  return { verifications, run, runCold };
}
