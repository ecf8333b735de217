// TEST ONLY: the virtual wallet's holder side (ISO 18013-5 mdoc), written from the protocol facts in
// docs/card-and-mdoc-facts.md "mdoc", not from the reader's code: it holds a credential issued under
// the project's test IACA (sim/mdoc/issuer.ts), makes a fresh DeviceEngagement per transaction,
// answers SessionEstablishment / SessionData, and can misbehave on purpose.
//
// Transports call `handleMessage(bytes)` with each whole session message they receive and send
// back what it returns (BLE: sim/wallet/ble-*.ts; NFC data retrieval: sim/wallet/nfc-tag.ts).
// NFC engagement code tells the holder which Handover it took part in with `setHandover()` before
// the first session message (the Handover is part of the SessionTranscript).
import { decodeCbor, EmbeddedCbor, encodeCbor, type CborMap, type CborValue } from '../../core/cbor/index.ts';
import { ecPublicCoseKey, parseCoseKey } from '../../core/cose/index.ts';
import { nobleCrypto } from '../../core/crypto/noble.ts';
import type { CryptoProvider, EcKeyPair } from '../../core/crypto/provider.ts';
import {
  buildSessionTranscript as buildTranscriptForDeviceAuth,
  type SessionTranscript,
} from '../../core/mdoc/session-transcript.ts';
import {
  deviceResponseBytes,
  issueCredential,
  MDL_DOCTYPE,
  MNC_DOCTYPE,
  presentCredential,
  sampleMdlElements,
  sampleMncElements,
  type Credential,
  type PresentKnobs,
} from '../mdoc/issuer.ts';
import { testDocumentSigner } from '../pki/test-pki.ts';
import { checkReaderAuth, type ReaderAuthVerdict } from './reader-auth-check.ts';

/** What can go wrong, on purpose. */
export type Misbehaviour =
  | 'none'
  | 'walk-away' // leaves radio range after reading the request, before answering
  | 'drop-mid-message' // the BLE link drops while the response is half sent
  | 'wrong-ident' // (central client) the Ident it reads does not match its key: it ends the session
  | 'tamper' // alters a disclosed element after issuance (a minor's age_over_20 false -> true)
  | 'stale-mso' // the MSO's validity ended yesterday
  | 'malformed-ndef'; // (NFC engagement, sim/wallet/nfc-tag.ts) serves a broken NDEF message

export type BleMode = 'central-client' | 'peripheral-server';

export interface WalletProfile {
  name: string;
  /** DE version and extra keys: Apple sends "1.1" with 5: [] and 6: {3: true, 4: true}. */
  deVersion: string;
  deExtraKeys: Map<CborValue, CborValue>;
  /** BLE modes this wallet can run. Apple Wallet: central client only. */
  bleModes: BleMode[];
  /** Put the BLE UUID in the Handover Select (Apple: no; the reader uses the UUID it proposed). */
  uuidInHandoverSelect: boolean;
  /** NFC engagement style. */
  nfcHandover: 'negotiated' | 'static';
  /**
   * Negotiated handover: 'intersect' selects, from the carriers the reader's Handover Request offers,
   * those the wallet can run (an empty Hs when none is common); 'own' answers with its own carriers
   * whatever was offered (Apple-like: BLE central client only).
   */
  handoverSelection: 'intersect' | 'own';
  /** Offers NFC data retrieval (the phone stays on the reader). */
  nfcDataRetrieval: boolean;
  /** Offers QR engagement (Apple Wallet does not). */
  qr: boolean;
  /** ATT MTU its BLE stack asks for / allows (iOS: 185). */
  maxMtu: number;
}

export const PROFILES = {
  apple: {
    name: 'apple',
    deVersion: '1.1',
    deExtraKeys: new Map<CborValue, CborValue>([
      [5, []],
      [
        6,
        new Map<CborValue, CborValue>([
          [3, true],
          [4, true],
        ]),
      ],
    ]),
    bleModes: ['central-client'],
    uuidInHandoverSelect: false,
    nfcHandover: 'negotiated',
    handoverSelection: 'own',
    nfcDataRetrieval: false,
    qr: false,
    maxMtu: 185,
  },
  generic: {
    name: 'generic',
    deVersion: '1.0',
    deExtraKeys: new Map(),
    bleModes: ['central-client', 'peripheral-server'],
    uuidInHandoverSelect: true,
    nfcHandover: 'static',
    handoverSelection: 'intersect',
    nfcDataRetrieval: true,
    qr: true,
    maxMtu: 517,
  },
  /** An Android-like wallet doing negotiated handover and choosing among what the kiosk offers. */
  negotiated: {
    name: 'negotiated',
    deVersion: '1.0',
    deExtraKeys: new Map(),
    bleModes: ['central-client', 'peripheral-server'],
    uuidInHandoverSelect: true,
    nfcHandover: 'negotiated',
    handoverSelection: 'intersect',
    nfcDataRetrieval: true,
    qr: true,
    maxMtu: 517,
  },
} satisfies Record<string, WalletProfile>;

export interface WalletOptions {
  profile?: WalletProfile;
  docType?: typeof MNC_DOCTYPE | typeof MDL_DOCTYPE;
  misbehaviour?: Misbehaviour;
  crypto?: CryptoProvider;
  now?: Date;
  /** BLE modes to offer (default: the profile's). */
  bleModes?: BleMode[];
  deviceAuth?: 'signature' | 'mac';
  /**
   * The reader root this wallet trusts for reader authentication (§9.1.4). When set, a DocRequest's
   * readerAuth is verified against it and a bad one (wrong key, wrong transcript, expired or foreign
   * certificate) makes the wallet refuse: it ends the session (status 20) without answering.
   */
  readerRoot?: Uint8Array;
  /** Refuse requests without readerAuth too (needs readerRoot). */
  requireReaderAuth?: boolean;
  /** Hold this credential instead of issuing one (e.g. one made by a peer library). */
  credential?: Credential;
  /** A hostile or careless wallet: answers with every element it holds, whatever was asked. */
  overshare?: boolean;
}

/** What one transaction's engagement offers. */
export interface WalletEngagement {
  /** DeviceEngagement bytes as the wallet sends them (QR payload / NFC record). */
  deviceEngagement: Uint8Array;
  /** EDeviceKeyBytes inside it (#6.24 COSE_Key). */
  eDeviceKeyBytes: EmbeddedCbor;
  /** The BLE service UUID the wallet generated (QR / static handover), dashed lowercase. */
  bleUuid: string;
}

const TEXT = new TextEncoder();

export class VirtualWallet {
  readonly profile: WalletProfile;
  readonly credential: Credential;
  readonly misbehaviour: Misbehaviour;
  readonly docType: string;
  readonly bleModes: BleMode[];
  private readonly crypto: CryptoProvider;
  private readonly deviceAuth: 'signature' | 'mac';
  private readonly readerRoot: Uint8Array | undefined;
  private readonly requireReaderAuth: boolean;
  private readonly now: Date;
  /** What the last request's readerAuth check found (tests): 'none' when there was none to check. */
  readerAuthSeen: ReaderAuthVerdict | 'none' = 'none';
  private readonly overshare: boolean;

  // One transaction's state; reset by newTransaction().
  private eDeviceKey: EcKeyPair | null = null;
  private engagement: WalletEngagement | null = null;
  private handover: CborValue = null;
  private skReader: Uint8Array | null = null;
  private skDevice: Uint8Array | null = null;
  private readerCounter = 1;
  private deviceCounter = 1;
  private ended = false;
  /** Log of what happened, for tests (no personal data). */
  readonly events: string[] = [];

  constructor(o: WalletOptions = {}) {
    this.profile = o.profile ?? PROFILES.generic;
    this.misbehaviour = o.misbehaviour ?? 'none';
    this.crypto = o.crypto ?? nobleCrypto;
    this.docType = o.credential?.docType ?? o.docType ?? MNC_DOCTYPE;
    this.bleModes = o.bleModes ?? this.profile.bleModes;
    this.deviceAuth = o.deviceAuth ?? 'signature';
    this.readerRoot = o.readerRoot;
    this.requireReaderAuth = o.requireReaderAuth ?? false;
    const now = o.now ?? new Date();
    this.now = now;
    this.overshare = o.overshare ?? false;
    if (o.credential) {
      this.credential = o.credential;
      return;
    }
    const minor = this.misbehaviour === 'tamper';
    const elements = this.docType === MNC_DOCTYPE ? sampleMncElements({ ageOver20: !minor }) : sampleMdlElements();
    if (minor && this.docType === MDL_DOCTYPE) elements['org.iso.18013.5.1']!.age_over_20 = false;
    const stale = this.misbehaviour === 'stale-mso';
    const day = 86_400_000;
    this.credential = issueCredential({
      docType: this.docType,
      elements,
      signer: testDocumentSigner('p256'),
      crypto: this.crypto,
      now,
      ...(stale
        ? {
            signed: new Date(now.getTime() - 400 * day),
            validFrom: new Date(now.getTime() - 400 * day),
            validUntil: new Date(now.getTime() - day),
          }
        : {}),
    });
  }

  /** Fresh ephemeral key, fresh DE, fresh BLE UUID: one per transaction. */
  newTransaction(): WalletEngagement {
    this.resetSession();
    this.events.length = 0;
    this.eDeviceKey = this.crypto.generateEcKey('P-256');
    const eDeviceKeyBytes = EmbeddedCbor.wrap(ecPublicCoseKey('P-256', this.eDeviceKey.publicKey));
    const uuidBytes = this.crypto.randomBytes(16);
    uuidBytes[6] = (uuidBytes[6]! & 0x0f) | 0x40;
    uuidBytes[8] = (uuidBytes[8]! & 0x3f) | 0x80;
    const bleUuid = uuidString(uuidBytes);
    // DeviceEngagement (§8.2.1.1): {0: version, 1: [1, EDeviceKeyBytes], 2: retrieval methods (QR only:
    // with NFC handover the carriers are in the Handover Select), then profile keys (Apple 5, 6)}.
    const de: CborMap = new Map<CborValue, CborValue>([
      [0, this.profile.deVersion],
      [1, [1, eDeviceKeyBytes]],
    ]);
    if (this.profile.qr) {
      const opts: CborMap = new Map<CborValue, CborValue>([
        [0, this.bleModes.includes('peripheral-server')],
        [1, this.bleModes.includes('central-client')],
      ]);
      if (this.bleModes.includes('peripheral-server')) opts.set(10, uuidBytes);
      if (this.bleModes.includes('central-client')) opts.set(11, uuidBytes);
      de.set(2, [[2, 1, opts]]);
    }
    for (const [k, v] of this.profile.deExtraKeys) de.set(k, v);
    this.engagement = { deviceEngagement: encodeCbor(de), eDeviceKeyBytes, bleUuid };
    this.events.push('engagement');
    return this.engagement;
  }

  /**
   * The Handover this transaction used (§9.1.5.1): null for QR, [Hs, null] for static, [Hs, Hr] for
   * negotiated. Called by the NFC tag simulator with the exact NDEF bytes it served / received.
   */
  setHandover(h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array } | null): void {
    this.handover = h ? [h.handoverSelect, h.handoverRequest ?? null] : null;
    this.events.push(h?.handoverRequest ? 'negotiated-handover' : h ? 'static-handover' : 'qr');
    this.onHandover?.(h);
  }

  /** Hook for the simulated world: the BLE role starts once the NFC handover is done. */
  onHandover: ((h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array } | null) => void) | null = null;

  /** This transaction's engagement (after newTransaction()). */
  get currentEngagement(): WalletEngagement | null {
    return this.engagement;
  }

  /** Ident the wallet expects from the reader's GATT service (central client mode). */
  expectedIdent(): Uint8Array {
    if (!this.engagement) throw new Error('no transaction');
    return this.crypto.hkdf(
      'SHA-256',
      this.engagement.eDeviceKeyBytes.raw,
      new Uint8Array(0),
      TEXT.encode('BLEIdent'),
      16,
    );
  }

  get sessionEnded(): boolean {
    return this.ended;
  }

  /**
   * One whole session message from the reader -> the reply to send (or null: nothing to send, the
   * session is over). SessionEstablishment starts the session; SessionData {status: 20} ends it.
   */
  handleMessage(bytes: Uint8Array): Uint8Array | null {
    if (!this.engagement || !this.eDeviceKey) throw new Error('no transaction');
    let m: CborValue;
    try {
      m = decodeCbor(bytes, { maxTotalBytes: 1 << 20 });
    } catch {
      this.events.push('cbor-error');
      return encodeCbor(new Map([['status', 11]]));
    }
    if (!(m instanceof Map)) return encodeCbor(new Map([['status', 11]]));
    const eReaderKey = m.get('eReaderKey');
    const data = m.get('data');
    const status = m.get('status');
    if (eReaderKey instanceof EmbeddedCbor) {
      this.startSession(eReaderKey);
    } else if (!this.skReader) {
      return encodeCbor(new Map([['status', 10]]));
    }
    if (status === 20 && data === undefined) {
      this.events.push('terminated-by-reader');
      this.end();
      return null;
    }
    if (!(data instanceof Uint8Array)) return encodeCbor(new Map([['status', 11]]));
    const request = this.crypto.aesGcmDecrypt(this.skReader!, iv(0, this.readerCounter), data);
    if (!request) {
      this.events.push('decrypt-failed');
      this.end();
      return encodeCbor(new Map([['status', 10]]));
    }
    this.readerCounter++;
    this.events.push('request');
    const refusal = this.checkReaderAuth(request);
    if (refusal) {
      // A wallet that does not trust the reader answers nothing: session termination (§9.1.1.4).
      this.events.push(`reader-auth-refused:${refusal}`);
      this.end();
      return encodeCbor(new Map([['status', 20]]));
    }
    const response = this.respond(request);
    const reply = encodeCbor(
      new Map([['data', this.crypto.aesGcmEncrypt(this.skDevice!, iv(1, this.deviceCounter), response)]]),
    );
    this.deviceCounter++;
    return reply;
  }

  private startSession(eReaderKeyBytes: EmbeddedCbor): void {
    const key = parseCoseKey(eReaderKeyBytes.decode(), this.crypto);
    if (key.kind !== 'ec' || key.curve !== 'P-256') throw new Error('reader key on another curve');
    this.readerPublicKey = key.point;
    // SessionTranscript = [DeviceEngagementBytes, EReaderKeyBytes, Handover]; salt = SHA-256(#6.24(...)).
    this.transcript = buildTranscriptForDeviceAuth(
      EmbeddedCbor.fromContent(this.engagement!.deviceEngagement),
      eReaderKeyBytes,
      this.handover,
    );
    const zab = this.crypto.ecdh('P-256', this.eDeviceKey!.privateKey, key.point);
    const salt = this.crypto.digest('SHA-256', this.transcript.bytes);
    this.skReader = this.crypto.hkdf('SHA-256', zab, salt, TEXT.encode('SKReader'), 32);
    this.skDevice = this.crypto.hkdf('SHA-256', zab, salt, TEXT.encode('SKDevice'), 32);
    this.readerCounter = 1;
    this.deviceCounter = 1;
    this.events.push('session');
  }

  private transcript: SessionTranscript | null = null;
  private readerPublicKey: Uint8Array | null = null;

  /** null when the request may be answered; else why the wallet refuses it (readerAuth, §9.1.4). */
  private checkReaderAuth(requestBytes: Uint8Array): string | null {
    this.readerAuthSeen = 'none';
    if (!this.readerRoot) return null;
    let docRequests: CborMap[];
    try {
      docRequests = ((decodeCbor(requestBytes) as CborMap).get('docRequests') as CborMap[]) ?? [];
    } catch {
      return 'malformed';
    }
    for (const dr of docRequests) {
      const ra = dr.get('readerAuth');
      if (ra === undefined && !this.requireReaderAuth) continue;
      const v = checkReaderAuth({
        crypto: this.crypto,
        readerAuth: ra,
        transcript: this.transcript!.value,
        itemsRequest: dr.get('itemsRequest') as EmbeddedCbor,
        readerRoot: this.readerRoot,
        now: this.now,
      });
      this.readerAuthSeen = v;
      if (!v.ok) return v.reason;
    }
    return null;
  }

  /** The DeviceResponse for a DeviceRequest: the requested elements of the held document. */
  private respond(requestBytes: Uint8Array): Uint8Array {
    const req = decodeCbor(requestBytes) as CborMap;
    const wanted: Record<string, Record<string, string[]>> = {};
    let asked = false;
    for (const dr of (req.get('docRequests') as CborMap[]) ?? []) {
      const ir = (dr.get('itemsRequest') as EmbeddedCbor).decode() as CborMap;
      const docType = ir.get('docType') as string;
      if (docType !== this.docType) continue;
      asked = true;
      const nss: Record<string, string[]> = {};
      for (const [ns, els] of ir.get('nameSpaces') as CborMap)
        nss[ns as string] = [...(els as CborMap).keys()] as string[];
      wanted[docType] = nss;
    }
    if (!asked) return deviceResponseBytes([], 10);
    const knobs: PresentKnobs = {};
    if (this.misbehaviour === 'tamper') knobs.tamper = this.tamperTarget(wanted[this.docType] ?? {});
    const doc = presentCredential(this.credential, {
      transcript: this.transcript!,
      ...(this.overshare ? {} : { request: wanted }),
      deviceAuth: this.deviceAuth,
      readerPublicKey: this.readerPublicKey!,
      crypto: this.crypto,
      knobs,
    });
    return deviceResponseBytes([doc]);
  }

  /**
   * The disclosed element a forger alters after issuance: age_over_20 (issued false for this
   * "minor", shown as true) when it is requested, else the first requested element it holds (a
   * changed name, a flipped portrait byte...), so the attack works under every policy.
   */
  private tamperTarget(
    requested: Record<string, string[]>,
  ): { ns: string; element: string; value: CborValue } | undefined {
    for (const [ns, els] of Object.entries(requested))
      if (els.includes('age_over_20')) return { ns, element: 'age_over_20', value: true };
    for (const [ns, els] of Object.entries(requested)) {
      for (const element of els) {
        const item = this.credential.items.find((i) => i.ns === ns && i.elementIdentifier === element);
        if (!item) continue;
        const v = (item.bytes.decode() as CborMap).get('elementValue');
        if (typeof v === 'string') return { ns, element, value: v + '（改）' };
        if (typeof v === 'boolean') return { ns, element, value: !v };
        if (typeof v === 'number') return { ns, element, value: v + 1 };
        if (v instanceof Uint8Array) {
          const b = v.slice();
          b[b.length >> 1]! ^= 0xff;
          return { ns, element, value: b };
        }
      }
    }
    return undefined;
  }

  /** Forget the session keys (end of transaction). */
  end(): void {
    this.ended = true;
    this.skReader?.fill(0);
    this.skDevice?.fill(0);
    this.skReader = this.skDevice = null;
  }

  private resetSession(): void {
    this.end();
    this.ended = false;
    this.handover = null;
    this.transcript = null;
    this.readerPublicKey = null;
  }
}

function iv(identifier: 0 | 1, counter: number): Uint8Array {
  const b = new Uint8Array(12);
  b[7] = identifier;
  new DataView(b.buffer).setUint32(8, counter);
  return b;
}

function uuidString(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
