// Session crypto per transaction, the reader's side only, with core/mdoc/session and
// the native CryptoProvider: a fresh ephemeral key on the EDeviceKey's curve, ECDH, SessionTranscript,
// HKDF SKReader/SKDevice (ReaderSession.start), AES-GCM encryption of the DeviceRequest
// (establishment), AES-GCM decryption of the holder's SessionData carrying the DeviceResponse
// (openReply). The holder's side (its own ECDH and encryption) runs in the same loop but outside the
// timed spans: it happens on the phone, not on the kiosk.

import { EmbeddedCbor, encodeCbor } from '../../core/cbor/index.ts';
import type { CryptoProvider, EcKeyPair } from '../../core/crypto/provider.ts';
import { CLOCK, stats, type Stats } from './measure.ts';

export interface SessionBench {
  /** Median ms per transaction, and the parts. */
  total: Stats;
  start: Stats;
  encryptRequest: Stats;
  decryptResponse: Stats;
  requestBytes: number;
  responseBytes: number;
}

export async function benchSession(
  crypto: CryptoProvider,
  deviceResponse: Uint8Array,
  iterations: number,
  warmup: number,
): Promise<SessionBench | { missing: string }> {
  let session: typeof import('../../core/mdoc/session/index.ts');
  let request: typeof import('../../core/mdoc/request/device-request.ts');
  try {
    session = await import('../../core/mdoc/session/index.ts');
    request = await import('../../core/mdoc/request/device-request.ts');
  } catch (e) {
    return { missing: `core/mdoc/session could not be loaded: ${(e as Error).message.split('\n')[0]}` };
  }
  const { ReaderSession, SessionEncryption, deriveSessionKeys, encodeSessionData, decodeSessionEstablishment } =
    session;
  const deviceRequest = request.deviceRequestForPolicy('age-over-20');

  // The holder: EDeviceKey in a DeviceEngagement (QR engagement, BLE central client mode).
  const eDevice: EcKeyPair = crypto.generateEcKey('P-256');
  const eDeviceKeyBytes = EmbeddedCbor.wrap(
    new Map<number, unknown>([
      [1, 2],
      [-1, 1],
      [-2, eDevice.publicKey.subarray(1, 33)],
      [-3, eDevice.publicKey.subarray(33)],
    ]) as never,
  );
  const de = encodeCbor(
    new Map<number, unknown>([
      [0, '1.0'],
      [1, [1, eDeviceKeyBytes]],
      [
        2,
        [
          [
            2,
            1,
            new Map<number, unknown>([
              [0, false],
              [1, true],
              [11, crypto.randomBytes(16)],
            ]),
          ],
        ],
      ],
    ]) as never,
  );

  const start: number[] = [];
  const enc: number[] = [];
  const dec: number[] = [];
  const total: number[] = [];
  let requestBytes = 0;
  let responseBytes = 0;
  // Same clock as the verification medians (measure.ts CLOCK): process CPU time by default.
  const now = (): number => {
    if (CLOCK === 'wall') return Number(process.hrtime.bigint()) / 1e6;
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const ms = (a: number, b: number): number => b - a;
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = now();
    const reader = ReaderSession.start(crypto, {
      deviceEngagement: de,
      eDeviceKeyBytes,
      handover: { kind: 'qr' } as never,
    });
    const t1 = now();
    const est = reader.establishment(deviceRequest);
    const t2 = now();

    // Phone side (untimed): read the reader key, derive keys, encrypt the DeviceResponse.
    const got = decodeSessionEstablishment(est);
    const readerPoint = got.eReaderKeyBytes.decode() as Map<number, Uint8Array>;
    const point = new Uint8Array([4, ...readerPoint.get(-2)!, ...readerPoint.get(-3)!]);
    const holder = new SessionEncryption(
      crypto,
      'mdoc',
      deriveSessionKeys(crypto, 'P-256', eDevice.privateKey, point, reader.transcript.bytes),
    );
    if (holder.decrypt(got.data).length !== deviceRequest.length)
      throw new Error('session bench: request did not round-trip');
    const reply = encodeSessionData({ data: holder.encrypt(deviceResponse) });

    const t3 = now();
    const opened = reader.openReply(reply);
    reader.close();
    const t4 = now();
    if (opened.deviceResponse?.length !== deviceResponse.length)
      throw new Error('session bench: response did not round-trip');
    if (i >= warmup) {
      start.push(ms(t0, t1));
      enc.push(ms(t1, t2));
      dec.push(ms(t3, t4));
      total.push(ms(t0, t2) + ms(t3, t4));
      requestBytes = est.length;
      responseBytes = reply.length;
    }
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  return {
    total: stats(total),
    start: stats(start),
    encryptRequest: stats(enc),
    decryptResponse: stats(dec),
    requestBytes,
    responseBytes,
  };
}
