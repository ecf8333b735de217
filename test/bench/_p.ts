import { makeScenarios } from './fixtures.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import { TrustStore } from '../../core/trust/trust-store.ts';
const ss = await makeScenarios();
for (const s of [ss[0]!, ss[1]!]) {
const t = new TrustStore({ crypto: nodeCrypto, now: s.now }); t.addRoot(s.iacaDer, 'iaca', 'x');
const o = { crypto: nodeCrypto, trust: t, now: s.now, transcript: s.sessionTranscriptBytes, request: { [s.docType]: s.requested } };
for (let i = 0; i < 3000; i++) verifyDeviceResponse(s.deviceResponse, o);
const t0 = performance.now(); for (let i = 0; i < 2000; i++) verifyDeviceResponse(s.deviceResponse, o); console.log(s.name, ((performance.now() - t0) / 2000).toFixed(3));
}
