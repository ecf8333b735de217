// mdoc reader authentication (ISO 18013-5 §9.1.4): the kiosk signs each DocRequest with its reader
// certificate's key, so a wallet can show the holder who is asking.
//   ReaderAuthentication = ["ReaderAuthentication", SessionTranscript, ItemsRequestBytes]
//   ReaderAuthenticationBytes = #6.24(bstr .cbor ReaderAuthentication)
//   readerAuth = COSE_Sign1 with a detached payload (nil) signed over ReaderAuthenticationBytes,
//                alg in the protected header, x5chain (label 33) in the unprotected header, reader
//                certificate first (§9.1.4.2; intermediate CAs after it, never the root).
// SessionTranscript is embedded as its own encoding and ItemsRequestBytes as the #6.24 item exactly
// as it is placed in the DocRequest: a re-encoding could differ by a byte and the wallet would refuse.
//
// Entry points: `readerAuthenticationBytes(transcript, itemsRequestBytes)`, `signReaderAuth(...)`,
// `verifyReaderAuth(...)` (the virtual wallet and tests).
import { encodeCbor } from '../../cbor/encode.ts';
import { EmbeddedCbor, type CborValue } from '../../cbor/model.ts';
import { ecdsaAlgorithmFor } from '../../cose/algorithms.ts';
import { parseCoseSign1, sign1X5Chain, signSign1Ecdsa, verifySign1 } from '../../cose/sign1.ts';
import type { VerificationKey } from '../../cose/key.ts';
import type { CryptoProvider, Curve } from '../../crypto/provider.ts';

const LABEL = encodeCbor('ReaderAuthentication');

/** The transcript as the session holds it: `content` is the array's own encoding. */
export interface TranscriptLike {
  content: Uint8Array;
}

export function readerAuthenticationBytes(transcript: TranscriptLike, itemsRequestBytes: EmbeddedCbor): Uint8Array {
  const content = new Uint8Array(1 + LABEL.length + transcript.content.length + itemsRequestBytes.raw.length);
  content[0] = 0x83; // array(3)
  content.set(LABEL, 1);
  content.set(transcript.content, 1 + LABEL.length);
  content.set(itemsRequestBytes.raw, 1 + LABEL.length + transcript.content.length);
  return EmbeddedCbor.fromContent(content).raw;
}

export interface ReaderKey {
  curve: Curve;
  /** Raw big-endian private scalar. */
  privateKey: Uint8Array;
  /** Reader certificate first, then intermediates (DER). */
  x5chain: Uint8Array[];
}

/** readerAuth for one DocRequest: COSE_Sign1 (untagged array), detached payload. */
export function signReaderAuth(
  crypto: CryptoProvider,
  key: ReaderKey,
  transcript: TranscriptLike,
  itemsRequestBytes: EmbeddedCbor,
): CborValue[] {
  const alg = ecdsaAlgorithmFor(key.curve);
  if (alg.kind !== 'ecdsa') throw new Error('reader key must be EC');
  return signSign1Ecdsa(crypto, alg, key.privateKey, readerAuthenticationBytes(transcript, itemsRequestBytes), {
    x5chain: key.x5chain,
    detached: true,
  });
}

/**
 * The signature check alone: readerAuth verifies with `key` over this transcript and ItemsRequest.
 * Certificate-path checks (reader root, validity, key usage) are the caller's (the wallet's).
 */
export function verifyReaderAuth(
  crypto: CryptoProvider,
  readerAuth: CborValue,
  key: VerificationKey,
  transcript: TranscriptLike,
  itemsRequestBytes: EmbeddedCbor,
): { ok: boolean; x5chain: Uint8Array[] } {
  const s = parseCoseSign1(readerAuth, 'readerAuth');
  const x5chain = sign1X5Chain(s, 'readerAuth');
  if (s.payload !== null) return { ok: false, x5chain };
  return {
    ok: verifySign1(s, key, crypto, {
      detachedPayload: readerAuthenticationBytes(transcript, itemsRequestBytes),
      what: 'readerAuth',
    }),
    x5chain,
  };
}
