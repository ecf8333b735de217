// The files of the virtual passport (TEST ONLY), built from ICAO Doc 9303-10 (LDS structures) and
// 9303-11 (SecurityInfos): EF.CardAccess, EF.COM, DG1, DG2 (CBEFF + ISO/IEC 19794-5 face), DG14,
// DG15 and EF.SOD signed by a test Document Signer. Faults alter files after the SOD was signed, or
// sign with a Document Signer that breaks one rule.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jpeg from 'jpeg-js';
import type { Curve, HashAlg } from '../../core/crypto/provider.ts';
import { CURVE_PARAMS } from '../../core/crypto/curve-params.ts';
import { ICAO_CURVE_IDS } from '../../core/x509/ec-parameters.ts';
import { CMS_OID } from '../../core/x509/cms-signed-data.ts';
import { OID } from '../../core/x509/oids.ts';
import { SAMPLE_PORTRAIT_JPEG_BASE64 } from '../mdoc/sample-portrait.ts';
import { loadTestPhoto } from '../card/card-files.ts';
import { spkiExplicitDer } from '../pki/cert-builder.ts';
import { buildSignedData, hashAlgId } from '../pki/cms-builder.ts';
import { bitString, concat, int, octets, oid, seq, set } from '../pki/der-encode.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { testDocumentSigner, type DsVariant } from '../pki/icao-pki.ts';
import { td3, type PassportHolder } from './holder.ts';

/** BER-TLV with multi-byte tags (5F1F, 7F61 ...). */
export function berTlv(tag: number, value: Uint8Array): Uint8Array {
  const t = tag > 0xffff ? [tag >> 16, (tag >> 8) & 0xff, tag & 0xff] : tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const n = value.length;
  const l = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(Uint8Array.from([...t, ...l]), value);
}

export type PaceMappingSpec = 'GM' | 'IM';

export interface PaceSpec {
  mapping: PaceMappingSpec;
  curve: Curve;
  cipher: '3DES' | 'AES';
  keyLength: 16 | 24 | 32;
}

export type ChipAuthSpec = 'aa-rsa' | 'aa-ec' | 'ca' | 'none';
export type FaceSpec = 'jpeg' | 'jp2';

export interface FileFaults {
  tamperedDg1?: boolean;
  dg2Mismatch?: boolean;
  ds?: DsVariant;
}

/** PACE OID for a spec (Doc 9303-11 §9.2.3: id-PACE-ECDH-{GM 2, IM 4}-{3DES 1, AES 2/3/4}). */
export function paceOid(p: PaceSpec): string {
  const k = p.cipher === '3DES' ? 1 : p.keyLength === 16 ? 2 : p.keyLength === 24 ? 3 : 4;
  return `0.4.0.127.0.7.2.2.4.${p.mapping === 'GM' ? 2 : 4}.${k}`;
}

export function paceParameterId(curve: Curve): number {
  const id = Object.entries(ICAO_CURVE_IDS).find(([, c]) => c === curve)?.[0];
  if (id === undefined) throw new Error(`no standardized id for ${curve}`);
  return Number(id);
}

/** PACEInfo ::= SEQUENCE { protocol, version 2, parameterId } (§9.2.1). */
export function paceInfo(p: PaceSpec): Uint8Array {
  return seq(oid(paceOid(p)), int(2), int(paceParameterId(p.curve)));
}

export interface ChipKeys {
  /** Chip Authentication static key (ECDH), when `ca`. */
  ca?: { curve: Curve; privateKey: Uint8Array; publicKey: Uint8Array };
  /** Active Authentication key, when `aa-*`. */
  aa?:
    | { kind: 'rsa'; privateKey: KeyObject; spki: Uint8Array }
    | { kind: 'ec'; curve: Curve; privateKey: Uint8Array; publicKey: Uint8Array; spki: Uint8Array };
}

const SIGNING_TIME = new Date('2026-06-01T09:00:00Z');

/** A face JPEG about the size of a real DG2 image: the sample silhouette at 2x with a fixed grain. */
function faceJpeg(): Uint8Array {
  const src = jpeg.decode(Buffer.from(SAMPLE_PORTRAIT_JPEG_BASE64, 'base64'), { useTArray: true });
  const w = src.width * 2;
  const h = src.height * 2;
  const out = new Uint8Array(w * h * 4);
  let seed = 0x2545f491;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = ((y >> 1) * src.width + (x >> 1)) * 4;
      seed = (seed * 1103515245 + 12345) >>> 0;
      const grain = ((seed >>> 16) % 5) - 2;
      for (let c = 0; c < 3; c++) out[(y * w + x) * 4 + c] = Math.max(0, Math.min(255, src.data[s + c]! + grain));
      out[(y * w + x) * 4 + 3] = 255;
    }
  }
  return new Uint8Array(jpeg.encode({ data: out, width: w, height: h }, 70).data);
}

let jpegCache: { bytes: Uint8Array; width: number; height: number } | null = null;

export function faceImage(kind: FaceSpec): { bytes: Uint8Array; width: number; height: number; dataType: 0 | 1 } {
  if (kind === 'jp2') {
    const bytes = loadTestPhoto(); // the virtual My Number card's synthetic JP2 face
    // ihdr box: height, width (ISO/IEC 15444-1 I.5.3.1), found after 'ihdr'.
    const i = Buffer.from(bytes).indexOf('ihdr');
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    return { bytes, height: dv.getUint32(i + 4), width: dv.getUint32(i + 8), dataType: 1 };
  }
  jpegCache ??= (() => {
    const bytes = faceJpeg();
    const d = jpeg.decode(bytes, { useTArray: true });
    return { bytes, width: d.width, height: d.height };
  })();
  return { ...jpegCache, dataType: 0 };
}

/** ISO/IEC 19794-5:2005 facial record: header, one face, no feature points, image information, image. */
export function facialRecord(img: { bytes: Uint8Array; width: number; height: number; dataType: 0 | 1 }): Uint8Array {
  const faceLen = 20 + 12 + img.bytes.length;
  const total = 14 + faceLen;
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  b.set([0x46, 0x41, 0x43, 0x00, 0x30, 0x31, 0x30, 0x00]); // "FAC\0" "010\0"
  dv.setUint32(8, total);
  dv.setUint16(12, 1); // one face
  dv.setUint32(14, faceLen);
  dv.setUint16(18, 0); // feature points
  b[20] = 2; // gender: female (unused by the kiosk)
  // eye/hair colour, property mask, expression, pose angles and uncertainty: left 0 (unspecified)
  const info = 14 + 20;
  b[info] = 1; // face image type: full frontal
  b[info + 1] = img.dataType; // 0 JPEG, 1 JPEG 2000
  dv.setUint16(info + 2, img.width);
  dv.setUint16(info + 4, img.height);
  b[info + 6] = 1; // colour space: 24-bit RGB
  b[info + 7] = 2; // source type: digital photo
  b.set(img.bytes, info + 12);
  return b;
}

/** DG2: 75 { 7F61 { 02 01 01, 7F60 { A1 { biometric header }, 5F2E facial record } } } (Doc 9303-10 §4.7.2). */
export function buildDg2(face: FaceSpec): Uint8Array {
  const header = berTlv(
    0xa1,
    concat(
      berTlv(0x80, Uint8Array.of(1, 1)),
      berTlv(0x81, Uint8Array.of(0x02)),
      berTlv(0x87, Uint8Array.of(0x01, 0x01)),
      berTlv(0x88, Uint8Array.of(0x00, 0x08)),
    ),
  );
  const bit = berTlv(0x7f60, concat(header, berTlv(0x5f2e, facialRecord(faceImage(face)))));
  return berTlv(0x75, berTlv(0x7f61, concat(berTlv(0x02, Uint8Array.of(1)), bit)));
}

export function buildDg1(h: PassportHolder): Uint8Array {
  const [a, b] = td3(h);
  return berTlv(0x61, berTlv(0x5f1f, new TextEncoder().encode(a + b)));
}

/** EF.COM: LDS 1.7, Unicode 4.0.0, the data groups present (Doc 9303-10 §4.6.1). */
export function buildEfCom(dgTags: number[]): Uint8Array {
  const ascii = (s: string) => new TextEncoder().encode(s);
  return berTlv(
    0x60,
    concat(berTlv(0x5f01, ascii('0107')), berTlv(0x5f36, ascii('040000')), berTlv(0x5c, Uint8Array.from(dgTags))),
  );
}

export function chipKeys(spec: ChipAuthSpec, curve: Curve): ChipKeys {
  const k: ChipKeys = {};
  const ec = (c: Curve) => nodeCrypto.generateEcKey(c);
  if (spec === 'ca') k.ca = ec(curve);
  if (spec === 'aa-rsa') {
    // RSA-1024 as in Doc 9303-11 App. F: a 128-byte signature fits a short SM response (§6.1.4 note).
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    k.aa = { kind: 'rsa', privateKey, spki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })) };
  }
  if (spec === 'aa-ec') {
    const e = ec('P-256');
    k.aa = {
      kind: 'ec',
      ...e,
      spki: seq(seq(oid(OID.ecPublicKey), oid(CURVE_PARAMS['P-256'].oid)), bitString(e.publicKey)),
    };
  }
  return k;
}

/** DG14 SecurityInfos: the CA key and info, the AA info for ECDSA, and the PACEInfo copies (§9.2.11). */
export function buildDg14(keys: ChipKeys, pace: PaceSpec | null): Uint8Array | null {
  const infos: Uint8Array[] = [];
  if (keys.ca) {
    infos.push(seq(oid('0.4.0.127.0.7.2.2.3.2.2'), int(1))); // id-CA-ECDH-AES-CBC-CMAC-128, version 1
    infos.push(
      seq(oid('0.4.0.127.0.7.2.2.1.2'), spkiExplicitDer({ curve: keys.ca.curve, publicKey: keys.ca.publicKey })),
    ); // id-PK-ECDH, explicit parameters (§9.5.2)
  }
  if (keys.aa?.kind === 'ec') infos.push(seq(oid('2.23.136.1.1.5'), int(1), oid('0.4.0.127.0.7.1.1.4.1.3'))); // AA info, ecdsa-plain-SHA256
  if (pace) infos.push(paceInfo(pace));
  if (!infos.length) return null;
  return berTlv(0x6e, set(...infos));
}

export function buildDg15(keys: ChipKeys): Uint8Array | null {
  return keys.aa ? berTlv(0x6f, keys.aa.spki) : null;
}

/** LDSSecurityObject v0 (Doc 9303-10 §4.6.2.2) over the given data groups, hashed with `hash`. */
export function ldsSecurityObject(dgs: Map<number, Uint8Array>, hash: HashAlg): Uint8Array {
  const h = (b: Uint8Array) => new Uint8Array(createHash(hash.replace('-', '').toLowerCase()).update(b).digest());
  const entries = [...dgs].sort((a, b) => a[0] - b[0]).map(([n, b]) => seq(int(n), octets(h(b))));
  return seq(int(0), hashAlgId(hash), seq(...entries));
}

/** EF.SOD: 77 { ContentInfo SignedData }, signed by a test Document Signer of the holder's state. */
export function buildSod(
  dgs: Map<number, Uint8Array>,
  state: PassportHolder['cscaState'],
  variant: DsVariant = 'good',
  dsCurve: Curve = 'P-256',
): Uint8Array {
  const ds = testDocumentSigner(state, variant, dsCurve);
  const cms = buildSignedData(
    {
      eContentType: CMS_OID.ldsSecurityObject,
      eContent: ldsSecurityObject(dgs, 'SHA-256'),
      certificates: [ds.der],
      signerCertificate: ds.der,
      signerKey: { kind: 'ec', key: ds.key },
      hash: 'SHA-256',
      signingTime: SIGNING_TIME,
    },
    (h, d) => new Uint8Array(createHash(h.replace('-', '').toLowerCase()).update(d).digest()),
  );
  return berTlv(0x77, cms);
}
