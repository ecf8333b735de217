// The reader's side of one mdoc session (ISO 18013-5 §9.1.1): a fresh ephemeral key on the curve
// of the holder's EDeviceKey, the SessionTranscript, SKReader / SKDevice, and the encrypted
// messages. One ReaderSession serves exactly one transaction; close() forgets the keys.
import { CborError, EmbeddedCbor } from '../../cbor/index.ts';
import { CoseError, ecPublicCoseKey, parseCoseKey } from '../../cose/index.ts';
import type { CryptoProvider, Curve, EcKeyPair } from '../../crypto/provider.ts';
import { SessionError } from './errors.ts';
import { deriveSessionKeys } from './session-keys.ts';
import { SessionEncryption } from './session-encryption.ts';
import {
  SESSION_STATUS,
  decodeSessionData,
  encodeSessionData,
  encodeSessionEstablishment,
} from './session-messages.ts';
import { buildSessionTranscript, type Handover, type SessionTranscript } from './session-transcript.ts';

export interface ReaderSessionInput {
  /** DeviceEngagement bytes exactly as received. */
  deviceEngagement: Uint8Array;
  /** EDeviceKeyBytes (#6.24 COSE_Key) from DeviceEngagement.Security, exactly as received. */
  eDeviceKeyBytes: EmbeddedCbor;
  handover: Handover;
}

/** What the holder answered: a decrypted DeviceResponse and/or a status. */
export interface SessionReply {
  deviceResponse?: Uint8Array;
  status?: number;
}

export class ReaderSession {
  readonly transcript: SessionTranscript;
  readonly eReaderKeyBytes: EmbeddedCbor;
  readonly curve: Curve;
  private readonly encryption: SessionEncryption;
  private readonly readerKey: EcKeyPair;
  private sentEstablishment = false;

  private constructor(crypto: CryptoProvider, input: ReaderSessionInput, readerKey?: EcKeyPair) {
    let deviceKey;
    try {
      deviceKey = parseCoseKey(input.eDeviceKeyBytes.decode(), crypto);
    } catch (e) {
      if (e instanceof CoseError || e instanceof CborError)
        throw new SessionError('session_key_invalid', `EDeviceKey: ${e.message}`);
      throw e;
    }
    if (deviceKey.kind !== 'ec')
      throw new SessionError('session_key_invalid', 'EDeviceKey must be an EC2 key (P-256, P-384 or P-521)');
    this.curve = deviceKey.curve;
    this.readerKey = readerKey ?? crypto.generateEcKey(deviceKey.curve);
    if (this.readerKey.curve !== deviceKey.curve)
      throw new SessionError('session_key_invalid', 'reader key curve differs from EDeviceKey curve');
    this.eReaderKeyBytes = EmbeddedCbor.wrap(ecPublicCoseKey(this.curve, this.readerKey.publicKey));
    this.transcript = buildSessionTranscript(input.deviceEngagement, this.eReaderKeyBytes, input.handover);
    const keys = deriveSessionKeys(
      crypto,
      this.curve,
      this.readerKey.privateKey,
      deviceKey.point,
      this.transcript.bytes,
    );
    this.encryption = new SessionEncryption(crypto, 'reader', keys);
    keys.skDevice.fill(0);
    keys.skReader.fill(0);
  }

  /** A session with a fresh ephemeral reader key (every transaction). */
  static start(crypto: CryptoProvider, input: ReaderSessionInput): ReaderSession {
    return new ReaderSession(crypto, input);
  }

  /** A session with a given reader key: only for test vectors (Annex D), never for real reads. */
  static withReaderKeyForTests(crypto: CryptoProvider, input: ReaderSessionInput, readerKey: EcKeyPair): ReaderSession {
    return new ReaderSession(crypto, input, readerKey);
  }

  /** The reader's ephemeral private key: needed once more for deviceMac's EMacKey (§9.1.3.5). */
  get readerPrivateKey(): Uint8Array {
    return this.readerKey.privateKey;
  }

  /** SessionEstablishment carrying the encrypted DeviceRequest: the reader's first message. */
  establishment(deviceRequest: Uint8Array): Uint8Array {
    if (this.sentEstablishment) throw new SessionError('session_closed', 'SessionEstablishment was already sent');
    this.sentEstablishment = true;
    return encodeSessionEstablishment({
      eReaderKeyBytes: this.eReaderKeyBytes,
      data: this.encryption.encrypt(deviceRequest),
    });
  }

  /** A later request in the same session (SessionData with data). */
  request(deviceRequest: Uint8Array): Uint8Array {
    return encodeSessionData({ data: this.encryption.encrypt(deviceRequest) });
  }

  /** Decrypt the holder's SessionData. Status 10 / 11 are errors; status 20 alone is a termination. */
  openReply(sessionData: Uint8Array): SessionReply {
    const m = decodeSessionData(sessionData);
    const reply: SessionReply = {};
    if (m.status !== undefined) reply.status = m.status;
    if (m.data !== undefined) reply.deviceResponse = this.encryption.decrypt(m.data);
    if (m.status === SESSION_STATUS.encryptionError || m.status === SESSION_STATUS.cborDecodingError) {
      throw new SessionError(
        'session_status_error',
        `the mdoc reported status ${m.status} (${m.status === 10 ? 'session encryption error' : 'CBOR decoding error'})`,
      );
    }
    if (reply.deviceResponse === undefined && m.status === SESSION_STATUS.sessionTermination) {
      throw new SessionError('session_terminated', 'the mdoc ended the session (status 20) without a response');
    }
    if (reply.deviceResponse === undefined)
      throw new SessionError(
        'session_message_malformed',
        `SessionData with unknown status ${String(m.status)} and no data`,
      );
    return reply;
  }

  /** SessionData {status: 20}: the reader ends the session (§9.1.1.4). */
  termination(): Uint8Array {
    return encodeSessionData({ status: SESSION_STATUS.sessionTermination });
  }

  close(): void {
    this.encryption.close();
    this.readerKey.privateKey.fill(0);
  }
}
