// Kakunin's verifier as the benchmark runs it: core/mdoc/verify.ts with the native CryptoProvider
// (main/crypto/node-crypto.ts), exactly what the host and the CLI inject. The trust store is loaded
// once (as the kiosk does at start) and holds the scenario's IACA; the request names exactly the
// disclosed elements, so the verifier does the full job including element selection.
//
// Loaded dynamically: if verify.ts is not there (yet), the benchmark reports it missing, not crash.

import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { Scenario } from './fixtures.ts';

export interface OurVerifier {
  name: string;
  /** Verifies; returns the verdict and the number of elements that reached the result. */
  verify(s: Scenario): { verdict: string; elements: number; failed: string[] };
  /**
   * Untimed set-up of a COLD verification: a fresh CryptoProvider (empty key cache) and a fresh
   * trust store (so the DS-under-IACA cache of core/x509 misses too). Returns the timed part.
   * This is the first response a kiosk sees from an issuer and a holder; `verify` is the steady state.
   */
  prepareCold(s: Scenario): () => { verdict: string };
}

export async function loadOurs(cryptoName: 'node' | 'noble' = 'node'): Promise<OurVerifier | { missing: string }> {
  try {
    const { verifyDeviceResponse } = await import('../../core/mdoc/verify.ts');
    const { TrustStore } = await import('../../core/trust/trust-store.ts');
    const nodeMod = await import('../../main/crypto/node-crypto.ts');
    const nobleMod = await import('../../core/crypto/noble.ts');
    const crypto = cryptoName === 'node' ? nodeMod.nodeCrypto : nobleMod.nobleCrypto;
    const freshCrypto = (): CryptoProvider =>
      cryptoName === 'node' ? new nodeMod.NodeCrypto() : new nobleMod.NobleCrypto();
    const newStore = (s: Scenario, c: CryptoProvider): InstanceType<typeof TrustStore> => {
      const t = new TrustStore({ crypto: c, now: s.now });
      if (!t.addRoot(s.iacaDer, 'iaca', s.iacaFile)) throw new Error(`test IACA refused: ${JSON.stringify(t.errors)}`);
      return t;
    };
    const stores = new Map<Uint8Array, InstanceType<typeof TrustStore>>();
    const storeFor = (s: Scenario): InstanceType<typeof TrustStore> => {
      let t = stores.get(s.iacaDer);
      if (!t) stores.set(s.iacaDer, (t = newStore(s, crypto)));
      return t;
    };
    return {
      name: `Kakunin (${crypto.name})`,
      verify(s) {
        const r = verifyDeviceResponse(s.deviceResponse, {
          crypto,
          trust: storeFor(s),
          now: s.now,
          transcript: s.sessionTranscriptBytes,
          request: { [s.docType]: s.requested },
        });
        let elements = 0;
        for (const d of r.documents) for (const ns of Object.values(d.elements)) elements += Object.keys(ns).length;
        return {
          verdict: r.verdict,
          elements,
          failed: r.errors.map((e) => `${e.code}${e.detail ? `: ${e.detail}` : ''}`),
        };
      },
      prepareCold(s) {
        const c = freshCrypto();
        const trust = newStore(s, c);
        const opts = {
          crypto: c,
          trust,
          now: s.now,
          transcript: s.sessionTranscriptBytes,
          request: { [s.docType]: s.requested },
        };
        return () => verifyDeviceResponse(s.deviceResponse, opts);
      },
    };
  } catch (e) {
    return { missing: `core/mdoc/verify.ts could not be loaded: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** Throws unless Kakunin accepted the response and returned every requested element. */
export function assertOursValid(ours: OurVerifier, s: Scenario): void {
  const r = ours.verify(s);
  const want = Object.values(s.requested).reduce((n, l) => n + l.length, 0);
  if (r.verdict !== 'valid' || r.elements !== want) {
    throw new Error(
      `${ours.name} did not verify "${s.name}": verdict ${r.verdict}, ${r.elements}/${want} elements; ${r.failed.join('; ')}`,
    );
  }
}
