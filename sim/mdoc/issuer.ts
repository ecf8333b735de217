// TEST ONLY: an mdoc issuer and holder that build real ISO 18013-5 structures signed by the test
// PKI (sim/pki), for tests, benchmarks and the virtual wallet:
//   issueCredential(): IssuerSignedItems with random salts, an MSO with their digests plus decoys,
//                      COSE_Sign1 by a DS key with x5chain;
//   presentCredential(): a Document for one session: the requested items, DeviceNameSpaces and
//                      deviceSignature or deviceMac over DeviceAuthentication for a SessionTranscript;
//   deviceResponseBytes(): the DeviceResponse.
// Every attack the verifier must stop has a knob here (IssueKnobs / PresentKnobs), so each
// regression test builds its hostile input the same way a forger would.
import { encodeCbor } from '../../core/cbor/encode.ts';
import { EmbeddedCbor, type CborMap, type CborValue } from '../../core/cbor/model.ts';
import { ecdsaAlgorithmFor, HEADER } from '../../core/cose/algorithms.ts';
import { ecPublicCoseKey } from '../../core/cose/key.ts';
import { buildMac0 } from '../../core/cose/mac0.ts';
import { buildSign1, signSign1Ecdsa } from '../../core/cose/sign1.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import type { CryptoProvider, Curve, EcKeyPair, HashAlg } from '../../core/crypto/provider.ts';
import { deviceAuthenticationBytes, deriveEMacKey } from '../../core/mdoc/device-authentication.ts';
import { buildSessionTranscript, type SessionTranscript } from '../../core/mdoc/session-transcript.ts';
import { dateToTdate, fullDate } from '../../core/mdoc/tdate.ts';
import type { ElementRequest } from '../../core/mdoc/verify.ts';
import { testDocumentSigner, type TestDocumentSigner } from '../pki/test-pki.ts';
import { SAMPLE_PORTRAIT_JPEG_BASE64 } from './sample-portrait.ts';

export const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';
export const MDL_NAMESPACE = 'org.iso.18013.5.1';
export const MNC_DOCTYPE = 'org.iso.23220.1.jp.mnc';
export const MNC_NAMESPACE = 'org.iso.23220.1';
export const MNC_JP_NAMESPACE = 'org.iso.23220.1.jp';

export type ElementValues = Record<string, Record<string, CborValue>>;

/**
 * A genuine JPEG portrait (a drawn silhouette marked 見本 / SAMPLE, sim/mdoc/sample-portrait.ts) of at
 * least `size` bytes: larger sizes are reached with JPEG comment (COM, 0xFFFE) segments right after
 * SOI, so the image still decodes and displays while the element is as big as a real photo.
 */
export function fakePortrait(size = 2048): Uint8Array {
  const jpeg = Uint8Array.from(atob(SAMPLE_PORTRAIT_JPEG_BASE64), (c) => c.charCodeAt(0));
  let pad = size - jpeg.length;
  if (pad <= 0) return jpeg;
  const segments: Uint8Array[] = [];
  while (pad > 0) {
    // A COM segment: FF FE, 2-byte length (counting itself), at most 65533 bytes of text; >= 4 bytes.
    const body = Math.min(Math.max(pad - 4, 0), 65533);
    const seg = new Uint8Array(4 + body).fill(0x20); // spaces
    seg.set([0xff, 0xfe, ((body + 2) >> 8) & 0xff, (body + 2) & 0xff], 0);
    segments.push(seg);
    pad -= seg.length;
  }
  const total = jpeg.length + segments.reduce((n, x) => n + x.length, 0);
  const out = new Uint8Array(total);
  out.set(jpeg.subarray(0, 2), 0); // SOI
  let at = 2;
  for (const seg of segments) {
    out.set(seg, at);
    at += seg.length;
  }
  out.set(jpeg.subarray(2), at);
  return out;
}

/** A test mDL (ISO 18013-5 §7.2.1 data elements). All values are fictitious. */
export function sampleMdlElements(opts: { portraitBytes?: number } = {}): ElementValues {
  return {
    [MDL_NAMESPACE]: {
      family_name: 'Yamada',
      given_name: 'Hanako',
      birth_date: fullDate('1990-04-01'),
      issue_date: fullDate('2025-04-01'),
      expiry_date: fullDate('2030-04-01'),
      issuing_country: 'JP',
      issuing_authority: 'Kakunin Test Public Safety Commission (TEST)',
      document_number: 'TEST-0001',
      portrait: fakePortrait(opts.portraitBytes ?? 2048),
      driving_privileges: [
        new Map<CborValue, CborValue>([
          ['vehicle_category_code', 'B'],
          ['issue_date', fullDate('2010-04-01')],
          ['expiry_date', fullDate('2030-04-01')],
        ]),
      ],
      un_distinguishing_sign: 'J',
      age_over_18: true,
      age_over_20: true,
      age_over_21: true,
    },
  };
}

/** A test My Number Card on a phone (org.iso.23220.1.jp.mnc; docs/card-and-mdoc-facts.md "My Number Card on a phone"). No individual number. */
export function sampleMncElements(opts: { portraitBytes?: number; ageOver20?: boolean } = {}): ElementValues {
  return {
    [MNC_NAMESPACE]: {
      age_over_18: true,
      age_over_20: opts.ageOver20 ?? true,
      age_in_years: 36,
      birth_date: fullDate('1990-04-01'),
      sex: 2,
    },
    [MNC_JP_NAMESPACE]: {
      full_name_unicode: '山田 花子',
      resident_address_unicode: '東京都千代田区テスト町1-2-3',
      local_gov_code_unicode: '131016',
      birth_date_unicode: '1990-04-01',
      sex_unicode: '女',
      portrait: fakePortrait(opts.portraitBytes ?? 2048),
    },
  };
}

export interface IssuedItem {
  ns: string;
  elementIdentifier: string;
  digestID: number;
  bytes: EmbeddedCbor;
}

export interface Credential {
  docType: string;
  items: IssuedItem[];
  /** The COSE_Sign1 (untagged array) over MobileSecurityObjectBytes. */
  issuerAuth: CborValue[];
  /** The device key the MSO names; the holder signs / MACs with it. */
  deviceKey: EcKeyPair;
  signer: TestDocumentSigner;
  mso: CborMap;
}

/** Knobs that make the ISSUER produce something a verifier must refuse (or that it must accept). */
export interface IssueKnobs {
  /** The docType written into the MSO (doc_type_mismatch when it differs from the Document's). */
  msoDocType?: string;
  /** Put alg only in the unprotected header (alg_not_in_protected_header). */
  algOnlyInUnprotectedHeader?: boolean;
  /** Leave x5chain out (x5chain_missing). */
  omitX5chain?: boolean;
  /** Sign with this COSE alg id in the protected header instead of the one the DS curve needs. */
  algId?: number;
  /** Add these certificates after the DS in x5chain. */
  extraChain?: Uint8Array[];
  /** Device key written into the MSO, when it must differ from the holder's key. */
  msoDeviceKey?: CborValue;
  /** digestAlgorithm string written into the MSO (e.g. "MD5"), whatever hash made the digests. */
  digestAlgorithmLabel?: string;
}

export interface IssueOptions {
  docType: string;
  elements: ElementValues;
  signer?: TestDocumentSigner;
  /** Holder's device key (default: a fresh key on `deviceCurve`). */
  deviceKey?: EcKeyPair;
  deviceCurve?: Curve;
  digestAlgorithm?: HashAlg;
  /** Decoy digests per namespace (ISO 18013-5 §9.1.2.5 recommends them). Default 2. */
  decoys?: number;
  /** MSO validity. Default: signed = validFrom = now - 1 h, validUntil = now + 365 days. */
  signed?: Date;
  validFrom?: Date;
  validUntil?: Date;
  now?: Date;
  crypto?: CryptoProvider;
  knobs?: IssueKnobs;
}

function shuffle<T>(a: T[], crypto: CryptoProvider): T[] {
  const r = crypto.randomBytes(4 * a.length);
  for (let i = a.length - 1; i > 0; i--) {
    const j = (((r[4 * i]! << 24) | (r[4 * i + 1]! << 16) | (r[4 * i + 2]! << 8) | r[4 * i + 3]!) >>> 0) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function issueCredential(o: IssueOptions): Credential {
  const crypto = o.crypto ?? nobleCrypto;
  const signer = o.signer ?? testDocumentSigner('p256');
  const deviceKey = o.deviceKey ?? crypto.generateEcKey(o.deviceCurve ?? 'P-256');
  const hash = o.digestAlgorithm ?? 'SHA-256';
  const decoys = o.decoys ?? 2;
  const knobs = o.knobs ?? {};
  const now = o.now ?? new Date();

  const items: IssuedItem[] = [];
  const valueDigests: CborMap = new Map();
  for (const [ns, els] of Object.entries(o.elements)) {
    const names = Object.keys(els);
    // Random, non-sequential digestIDs so the IDs reveal nothing about which elements exist.
    const ids = shuffle(
      Array.from({ length: names.length + decoys }, (_, i) => i),
      crypto,
    );
    const digests = new Map<CborValue, CborValue>();
    names.forEach((name, i) => {
      const digestID = ids[i]!;
      const item = new Map<CborValue, CborValue>([
        ['digestID', digestID],
        ['random', crypto.randomBytes(16)],
        ['elementIdentifier', name],
        ['elementValue', els[name]!],
      ]);
      const bytes = EmbeddedCbor.wrap(item);
      items.push({ ns, elementIdentifier: name, digestID, bytes });
      digests.set(digestID, crypto.digest(hash, bytes.raw));
    });
    for (let i = names.length; i < ids.length; i++)
      digests.set(ids[i]!, crypto.randomBytes(hash === 'SHA-256' ? 32 : hash === 'SHA-384' ? 48 : 64));
    // Sorted by digestID so the MSO does not reveal element order either.
    valueDigests.set(ns, new Map([...digests.entries()].sort((a, b) => (a[0] as number) - (b[0] as number))));
  }

  const signed = o.signed ?? new Date(now.getTime() - 3600_000);
  const mso: CborMap = new Map<CborValue, CborValue>([
    ['version', '1.0'],
    ['digestAlgorithm', knobs.digestAlgorithmLabel ?? hash],
    ['valueDigests', valueDigests],
    [
      'deviceKeyInfo',
      new Map<CborValue, CborValue>([
        ['deviceKey', knobs.msoDeviceKey ?? ecPublicCoseKey(deviceKey.curve, deviceKey.publicKey)],
      ]),
    ],
    ['docType', knobs.msoDocType ?? o.docType],
    [
      'validityInfo',
      new Map<CborValue, CborValue>([
        ['signed', dateToTdate(signed)],
        ['validFrom', dateToTdate(o.validFrom ?? signed)],
        ['validUntil', dateToTdate(o.validUntil ?? new Date(now.getTime() + 365 * 86_400_000))],
      ]),
    ],
  ]);
  const payload = EmbeddedCbor.wrap(mso).raw;

  const alg = ecdsaAlgorithmFor(signer.curve) as ReturnType<typeof ecdsaAlgorithmFor> & { kind: 'ecdsa' };
  const chain = [signer.certificate, ...(knobs.extraChain ?? [])];
  let issuerAuth: CborValue[];
  if (knobs.algOnlyInUnprotectedHeader || knobs.omitX5chain || knobs.algId !== undefined) {
    const prot: CborMap = new Map();
    const unprot: CborMap = new Map();
    (knobs.algOnlyInUnprotectedHeader ? unprot : prot).set(HEADER.alg, knobs.algId ?? alg.id);
    if (!knobs.omitX5chain) unprot.set(HEADER.x5chain, chain.length === 1 ? chain[0]! : chain);
    issuerAuth = buildSign1({
      protectedHeaders: prot,
      unprotectedHeaders: unprot,
      payload,
      sign: (tbs) => crypto.ecdsaSign(signer.curve, alg.hash, signer.privateKey, tbs),
    });
  } else {
    issuerAuth = signSign1Ecdsa(crypto, alg, signer.privateKey, payload, { x5chain: chain });
  }
  return { docType: o.docType, items, issuerAuth, deviceKey, signer, mso };
}

/** Knobs that make the HOLDER (or a man in the middle) produce something a verifier must refuse. */
export interface PresentKnobs {
  /** Document.docType to claim (docType substitution). */
  documentDocType?: string;
  /** Replace an element's value after issuance, keeping its digestID and salt (digest_mismatch). */
  tamper?: { ns: string; element: string; value: CborValue };
  /** Exchange the digestIDs of two disclosed elements (digest_mismatch). */
  swapDigestIds?: { ns: string; a: string; b: string };
  /** Give an element a digestID absent from the MSO (digest_id_unknown). */
  unknownDigestId?: { ns: string; element: string; digestID: number };
  /** Move an element into a namespace the MSO does not cover (namespace_unknown). */
  foreignNamespace?: { ns: string; element: string; to: string };
  /** Sign/MAC DeviceAuthentication over this transcript instead of the session's. */
  deviceAuthTranscript?: SessionTranscript;
  /** Sign/MAC with this key instead of the MSO's device key. */
  deviceAuthKey?: EcKeyPair;
  /** Sign DeviceAuthentication for this docType instead of the Document's. */
  deviceAuthDocType?: string;
}

export interface PresentOptions {
  transcript: SessionTranscript;
  /** Which elements to disclose (default: all). */
  request?: ElementRequest;
  deviceAuth?: 'signature' | 'mac';
  /** For deviceMac: the reader's ephemeral PUBLIC key (EMacKey = HKDF(ECDH(device priv, reader pub))). */
  readerPublicKey?: Uint8Array;
  crypto?: CryptoProvider;
  knobs?: PresentKnobs;
}

/** One Document (ISO 18013-5 §8.3.2.1.2.2) for one session. */
export function presentCredential(cred: Credential, o: PresentOptions): CborMap {
  const crypto = o.crypto ?? nobleCrypto;
  const k = o.knobs ?? {};
  const docType = k.documentDocType ?? cred.docType;
  const wanted = o.request?.[cred.docType];

  const nameSpaces: CborMap = new Map();
  for (const it of cred.items) {
    if (wanted && !(wanted[it.ns] ?? []).includes(it.elementIdentifier)) continue;
    let ns = it.ns;
    let bytes = it.bytes;
    const rewrite = (f: (m: CborMap) => void) => {
      const m = bytes.decode() as CborMap;
      f(m);
      bytes = EmbeddedCbor.wrap(m);
    };
    if (k.tamper && k.tamper.ns === it.ns && k.tamper.element === it.elementIdentifier)
      rewrite((m) => m.set('elementValue', k.tamper!.value));
    if (
      k.swapDigestIds &&
      k.swapDigestIds.ns === it.ns &&
      (k.swapDigestIds.a === it.elementIdentifier || k.swapDigestIds.b === it.elementIdentifier)
    ) {
      const other = cred.items.find(
        (x) =>
          x.ns === it.ns &&
          x.elementIdentifier ===
            (k.swapDigestIds!.a === it.elementIdentifier ? k.swapDigestIds!.b : k.swapDigestIds!.a),
      );
      if (other) rewrite((m) => m.set('digestID', other.digestID));
    }
    if (k.unknownDigestId && k.unknownDigestId.ns === it.ns && k.unknownDigestId.element === it.elementIdentifier)
      rewrite((m) => m.set('digestID', k.unknownDigestId!.digestID));
    if (k.foreignNamespace && k.foreignNamespace.ns === it.ns && k.foreignNamespace.element === it.elementIdentifier)
      ns = k.foreignNamespace.to;
    let list = nameSpaces.get(ns) as CborValue[] | undefined;
    if (!list) nameSpaces.set(ns, (list = []));
    list.push(bytes);
  }

  const deviceNameSpaces = EmbeddedCbor.wrap(new Map());
  const payload = deviceAuthenticationBytes(
    k.deviceAuthTranscript ?? o.transcript,
    k.deviceAuthDocType ?? docType,
    deviceNameSpaces,
  );
  const key = k.deviceAuthKey ?? cred.deviceKey;
  let deviceAuth: CborMap;
  if ((o.deviceAuth ?? 'signature') === 'signature') {
    const alg = ecdsaAlgorithmFor(key.curve) as ReturnType<typeof ecdsaAlgorithmFor> & { kind: 'ecdsa' };
    deviceAuth = new Map([
      ['deviceSignature', signSign1Ecdsa(crypto, alg, key.privateKey, payload, { detached: true })],
    ]);
  } else {
    if (!o.readerPublicKey) throw new Error('deviceMac needs the reader ephemeral public key');
    const emac = deriveEMacKey(
      crypto,
      { kind: 'ec', curve: key.curve, point: o.readerPublicKey },
      key.privateKey,
      k.deviceAuthTranscript ?? o.transcript,
    );
    deviceAuth = new Map([['deviceMac', buildMac0(crypto, emac, payload, { detached: true })]]);
  }

  const issuerSigned: CborMap = new Map<CborValue, CborValue>();
  if (nameSpaces.size) issuerSigned.set('nameSpaces', nameSpaces);
  issuerSigned.set('issuerAuth', cred.issuerAuth);
  return new Map<CborValue, CborValue>([
    ['docType', docType],
    ['issuerSigned', issuerSigned],
    [
      'deviceSigned',
      new Map<CborValue, CborValue>([
        ['nameSpaces', deviceNameSpaces],
        ['deviceAuth', deviceAuth],
      ]),
    ],
  ]);
}

/** DeviceResponse bytes (§8.3.2.1.2.2). */
export function deviceResponseBytes(documents: CborMap[], status = 0): Uint8Array {
  const r: CborMap = new Map<CborValue, CborValue>([['version', '1.0']]);
  if (documents.length) r.set('documents', documents);
  r.set('status', status);
  return encodeCbor(r);
}

/**
 * A SessionTranscript as a QR-engaged session makes it: [DeviceEngagementBytes, EReaderKeyBytes, null].
 * The engagement here is a minimal DE carrying the holder's ephemeral key; enough for device auth.
 */
export function testSessionTranscript(
  readerPublicKey: Uint8Array,
  curve: Curve = 'P-256',
  crypto: CryptoProvider = nobleCrypto,
): SessionTranscript {
  const eDevice = crypto.generateEcKey(curve);
  const de = new Map<CborValue, CborValue>([
    [0, '1.0'],
    [1, [1, EmbeddedCbor.wrap(ecPublicCoseKey(curve, eDevice.publicKey))]],
  ]);
  return buildSessionTranscript(
    EmbeddedCbor.wrap(de),
    EmbeddedCbor.wrap(ecPublicCoseKey(curve, readerPublicKey)),
    null,
  );
}

/** Everything a test needs for one session: reader key, transcript, credential, response bytes. */
export function testSession(
  o: {
    docType?: string;
    elements?: ElementValues;
    deviceAuth?: 'signature' | 'mac';
    request?: ElementRequest;
    issue?: Partial<IssueOptions>;
    present?: PresentKnobs;
    crypto?: CryptoProvider;
  } = {},
): { reader: EcKeyPair; transcript: SessionTranscript; credential: Credential; response: Uint8Array } {
  const crypto = o.crypto ?? nobleCrypto;
  const docType = o.docType ?? MDL_DOCTYPE;
  const elements = o.elements ?? (docType === MNC_DOCTYPE ? sampleMncElements() : sampleMdlElements());
  const credential = issueCredential({ docType, elements, crypto, ...o.issue });
  const reader = crypto.generateEcKey(credential.deviceKey.curve);
  const transcript = testSessionTranscript(reader.publicKey, credential.deviceKey.curve, crypto);
  const doc = presentCredential(credential, {
    transcript,
    deviceAuth: o.deviceAuth ?? 'signature',
    readerPublicKey: reader.publicKey,
    crypto,
    ...(o.request ? { request: o.request } : {}),
    ...(o.present ? { knobs: o.present } : {}),
  });
  return { reader, transcript, credential, response: deviceResponseBytes([doc]) };
}
