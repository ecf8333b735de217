// JPKI-AP, the optional path (docs/card-and-mdoc-facts.md "JPKI-AP"): EF 000A holds the
// auth certificate (readable without PIN); VERIFY the 4-digit auth PIN on EF 0018 (3 tries, with the
// PIN-safety rules), select the auth key EF 0017, have it sign SHA-256(fresh nonce), and check that
// signature with the certificate's key, the certificate chained to a JPKI root of DIR/jpki/ and valid
// at the time of the check. The signing certificate (EF 0001, with the birth date) is never read: it
// needs the 6-16 character signing password, which is never asked at a counter.
import { parseCertificate, bytesEqual as certBytesEqual, nameToString, type Certificate } from '../x509/certificate.ts';
import { verifyCertificateSignature } from '../x509/signature.ts';
import { DerError } from '../x509/der.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { CardChannel, selectAid, selectEf, sign } from './apdu.ts';
import { asciiDigits } from './check-number-b.ts';
import { CardError, type CardCheck } from './codes.ts';
import { sha256DigestInfo } from './digest-info.ts';
import { verifyWithPinSafety } from './pin-safety.ts';
import type { CardProfile } from './profile.ts';

export interface JpkiTrust {
  readonly jpkiRoots: ReadonlyArray<{ cert: Certificate }>;
}

export interface JpkiRead {
  certificateDer: Uint8Array;
  nonce: Uint8Array;
  signature: Uint8Array;
}

export async function readJpkiAuth(
  ch: CardChannel,
  profile: CardProfile,
  pin: string,
  crypto: Pick<CryptoProvider, 'randomBytes' | 'digest'>,
): Promise<JpkiRead> {
  if (!/^\d{4}$/.test(pin)) throw new CardError('pin_format', 'JPKI auth PIN is 4 digits');
  const t = profile.jpkiAp;
  const sel = await ch.send(selectAid(t.aid));
  if (sel.sw !== 0x9000) throw new CardError('not_my_number_card', 'JPKI-AP did not select');
  await ch.expectOk(selectEf(t.ef.authCertificate), 'SELECT JPKI EF 000A');
  const certificateDer = await ch.readObject('JPKI EF 000A', 4096);
  await verifyWithPinSafety(ch, t.ef.authPin, asciiDigits(pin), 'jpki_auth_pin');
  await ch.expectOk(selectEf(t.ef.authKey), 'SELECT JPKI EF 0017');
  const nonce = crypto.randomBytes(32);
  const r = await ch.send(sign(0x80, sha256DigestInfo(crypto.digest('SHA-256', nonce))));
  if (r.sw !== 0x9000) throw new CardError('unexpected_status', `JPKI sign answered ${r.sw.toString(16)}`);
  return { certificateDer, nonce, signature: r.data };
}

export function verifyJpkiAuth(read: JpkiRead, trust: JpkiTrust, crypto: CryptoProvider, at: Date): CardCheck[] {
  let cert: Certificate;
  try {
    cert = parseCertificate(read.certificateDer);
  } catch (e) {
    const why = e instanceof DerError ? e.message : String(e);
    return [
      { code: 'jpki.auth_certificate_chain', ok: false, detail: `auth certificate does not parse: ${why}` },
      { code: 'jpki.auth_signature', ok: false, detail: 'not checked' },
    ];
  }
  const issuers = trust.jpkiRoots.filter((r) => certBytesEqual(r.cert.subject.der, cert.issuer.der));
  let chain: CardCheck;
  if (!issuers.length)
    chain = {
      code: 'jpki.auth_certificate_chain',
      ok: false,
      detail: `no JPKI root in the trust directory is named "${nameToString(cert.issuer)}"`,
    };
  else if (!issuers.some((r) => verifyCertificateSignature(cert, r.cert.publicKey, crypto).ok))
    chain = {
      code: 'jpki.auth_certificate_chain',
      ok: false,
      detail: 'auth certificate signature does not verify with the JPKI root',
    };
  else if (at < cert.notBefore || at > cert.notAfter)
    chain = {
      code: 'jpki.auth_certificate_chain',
      ok: false,
      detail: `auth certificate not valid at ${at.toISOString()}`,
    };
  else if (!issuers.some((r) => at >= r.cert.notBefore && at <= r.cert.notAfter))
    chain = { code: 'jpki.auth_certificate_chain', ok: false, detail: 'the JPKI root is not valid at the time' };
  else chain = { code: 'jpki.auth_certificate_chain', ok: true, detail: `issued by ${nameToString(cert.issuer)}` };
  let sig: CardCheck;
  if (cert.publicKey.kind !== 'rsa')
    sig = { code: 'jpki.auth_signature', ok: false, detail: 'auth certificate key is not RSA' };
  else {
    const v = crypto.rsaPkcs1Verify(
      'SHA-256',
      { n: cert.publicKey.n, e: cert.publicKey.e },
      read.nonce,
      read.signature,
    );
    sig = v
      ? { code: 'jpki.auth_signature', ok: true, detail: 'fresh nonce signed by the auth key' }
      : { code: 'jpki.auth_signature', ok: false, detail: 'the auth key signature over the nonce does not verify' };
  }
  return [chain, sig];
}
