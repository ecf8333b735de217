// The two peer libraries the benchmark compares against, used only here (dev deps).
//
// How each one verifies (read from their dist code in node_modules):
//
// @auth0/mdl 3.0.1 — `new Verifier(trustedRootPems).verify(deviceResponse, {encodedSessionTranscript,
//   ephemeralReaderKey, onCheck})`. It parses with cbor-x, checks the DS chain with pkijs'
//   CertificateChainValidationEngine over WebCrypto (cose-kit verifyX509Chain), imports the DS key
//   with jose.importX509 and verifies the MSO COSE_Sign1 with jose (WebCrypto), imports the device
//   key from its COSE_Key via JWK and verifies the device signature, then hashes every disclosed
//   IssuerSignedItem. It always uses the wall clock. Every check goes to `onCheck`; without one,
//   the first FAILED check throws. We pass an onCheck that records everything and then assert that
//   no check failed, so a silent failure cannot pass for a fast verification.
//
// @animo-id/mdoc 0.5.2 — `new Verifier().verifyDeviceResponse({encodedDeviceResponse,
//   encodedSessionTranscript, trustedCertificates, now, onCheck}, ctx)`. The library brings no
//   crypto: the caller passes a context (x509 chain validation and key extraction, COSE Sign1/Mac0
//   verify, digest). Its own test suite uses a WebCrypto + @peculiar/x509 + jose context. We give it
//   the fastest honest context we can: Node's native crypto (OpenSSL) for everything, root
//   certificates parsed once and cached, keys imported straight from JWK. That makes it a strong
//   baseline rather than a strawman. Same assertion as above: every check must pass.

import {
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  createPrivateKey,
  hkdfSync,
  timingSafeEqual,
  verify as nodeVerify,
  X509Certificate,
} from 'node:crypto';
import { Verifier as Auth0Verifier } from '@auth0/mdl';
import { Verifier as AnimoVerifier, type MdocContext } from '@animo-id/mdoc';
import type { Scenario } from './fixtures.ts';

export interface PeerCheck {
  status: string;
  check: string;
  reason?: string;
}

export interface PeerVerifier {
  name: string;
  /** Verifies the scenario's response; resolves to the list of checks (all must be PASSED). */
  verify(s: Scenario): Promise<PeerCheck[]>;
}

/** Throws unless the peer ran its checks and every one passed. */
export function assertAllPassed(peer: string, scenario: string, checks: PeerCheck[], minChecks: number): void {
  const failed = checks.filter((c) => c.status !== 'PASSED');
  if (failed.length > 0 || checks.length < minChecks) {
    throw new Error(
      `${peer} did not verify "${scenario}": ${checks.length} checks, failed: ${failed.map((c) => `${c.check}${c.reason ? ` (${c.reason})` : ''}`).join('; ') || `fewer than ${minChecks} checks ran`}`,
    );
  }
  // The checks that matter must be among them: chain, issuer signature, device signature, digests.
  const text = checks.map((c) => c.check).join('\n');
  for (const must of [
    'Issuer certificate must be valid',
    'Issuer signature must be valid',
    'Device signature must be valid',
    'calculated digest',
  ]) {
    if (!text.includes(must)) throw new Error(`${peer} on "${scenario}" never ran the check "${must}"`);
  }
}

export const auth0: PeerVerifier = {
  name: '@auth0/mdl',
  async verify(s) {
    const checks: PeerCheck[] = [];
    await new Auth0Verifier([s.iacaPem]).verify(s.deviceResponse, {
      encodedSessionTranscript: Buffer.from(s.sessionTranscriptBytes),
      onCheck: (c: PeerCheck) => {
        checks.push(c);
      },
    } as never);
    return checks;
  },
};

// ---- @animo-id/mdoc context on node:crypto ---------------------------------------------------------

const HASH_OF_ALG: Record<string, string> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', HS256: 'sha256' };
const parsedRoots = new WeakMap<Uint8Array, X509Certificate>();
function root(der: Uint8Array): X509Certificate {
  let c = parsedRoots.get(der);
  if (!c) {
    c = new X509Certificate(der);
    parsedRoots.set(der, c);
  }
  return c;
}

function nameField(dn: string, field: string): string[] {
  // Node renders a DN as "C=JP\nO=...\nCN=..." (one RDN a line).
  return dn
    .split('\n')
    .map((l) => l.split('='))
    .filter(([k]) => k === field)
    .map(([, ...v]) => v.join('='));
}

const animoContext: MdocContext = {
  crypto: {
    random: (length: number) => new Uint8Array(length).map(() => (Math.random() * 256) | 0),
    digest: ({ digestAlgorithm, bytes }) =>
      new Uint8Array(createHash(digestAlgorithm.replace('-', '').toLowerCase()).update(bytes).digest()),
    calculateEphemeralMacKeyJwk: ({ privateKey, publicKey, sessionTranscriptBytes }) => {
      const n = privateKey.length;
      const crv = n === 32 ? 'P-256' : n === 48 ? 'P-384' : 'P-521';
      const x = Buffer.from(publicKey.subarray(1, 1 + n)).toString('base64url');
      const y = Buffer.from(publicKey.subarray(1 + n)).toString('base64url');
      const pub = createPublicKey({ key: { kty: 'EC', crv, x, y }, format: 'jwk' });
      const priv = createPrivateKey({
        key: { kty: 'EC', crv, x, y, d: Buffer.from(privateKey).toString('base64url') },
        format: 'jwk',
      });
      const z = diffieHellman({ privateKey: priv, publicKey: pub });
      const salt = createHash('sha256').update(sessionTranscriptBytes).digest();
      const k = Buffer.from(hkdfSync('sha256', z, salt, 'EMacKey', 32));
      return { kty: 'oct', k: k.toString('base64url'), alg: 'HS256' };
    },
  },
  cose: {
    sign1: {
      sign: () => {
        throw new Error('not used by the benchmark');
      },
      verify: ({ sign1, jwk, options }) => {
        const { data, signature, alg } = sign1.getRawVerificationData(options);
        const key = createPublicKey({ key: jwk as never, format: 'jwk' });
        return nodeVerify(HASH_OF_ALG[alg] ?? 'sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      },
    },
    mac0: {
      sign: () => {
        throw new Error('not used by the benchmark');
      },
      verify: ({ mac0, jwk, options }) => {
        const { data, signature } = mac0.getRawVerificationData(options);
        const tag = createHmac('sha256', Buffer.from(String(jwk.k), 'base64url'))
          .update(data)
          .digest();
        return tag.length === signature.length && timingSafeEqual(tag, signature);
      },
    },
  },
  x509: {
    getIssuerNameField: ({ certificate, field }) => nameField(new X509Certificate(certificate).issuer, field),
    getPublicKey: ({ certificate }) => new X509Certificate(certificate).publicKey.export({ format: 'jwk' }) as never,
    validateCertificateChain: ({ trustedCertificates, x5chain }) => {
      // ISO 18013-5 Annex B: DS -> IACA, no intermediates. The DS must be issued and signed by a
      // trusted root and both must be inside their validity at the time of use.
      const ds = new X509Certificate(x5chain[0]);
      const now = Date.now();
      if (now < Date.parse(ds.validFrom) || now > Date.parse(ds.validTo))
        throw new Error('DS certificate not valid now');
      for (const t of trustedCertificates) {
        const r = root(t);
        if (ds.checkIssued(r) && ds.verify(r.publicKey)) {
          if (now < Date.parse(r.validFrom) || now > Date.parse(r.validTo)) throw new Error('IACA not valid now');
          return;
        }
      }
      throw new Error('DS certificate does not chain to a trusted IACA');
    },
    getCertificateData: ({ certificate }) => {
      const c = new X509Certificate(certificate);
      return {
        issuerName: c.issuer,
        subjectName: c.subject,
        serialNumber: c.serialNumber,
        thumbprint: c.fingerprint256.replaceAll(':', '').toLowerCase(),
        notBefore: new Date(c.validFrom),
        notAfter: new Date(c.validTo),
        pem: c.toString(),
      };
    },
  },
};

const animoVerifier = new AnimoVerifier();
export const animo: PeerVerifier = {
  name: '@animo-id/mdoc',
  async verify(s) {
    const checks: PeerCheck[] = [];
    await animoVerifier.verifyDeviceResponse(
      {
        encodedDeviceResponse: s.deviceResponse,
        encodedSessionTranscript: s.sessionTranscriptBytes,
        trustedCertificates: [s.iacaDer],
        now: s.now,
        onCheck: (c: PeerCheck) => {
          checks.push(c);
        },
      } as never,
      animoContext,
    );
    return checks;
  },
};

export const PEERS: PeerVerifier[] = [auth0, animo];
