// The kiosk's own reader authentication key (ISO 18013-5 §9.1.4): an operator installs a reader
// certificate chain and its private key with `kakunin trust import --kind reader-auth`; from then on
// every DocRequest carries readerAuth signed with it. Layout inside the trust DIR:
//   reader-auth/chain.pem   reader certificate first, then intermediates (never the root)
//   reader-auth/reader.key  PKCS#8 (or SEC1) PEM private key, mode 0600, directory 0700
// The key is read only here, kept in this module's closure, never returned, printed, logged or
// exported (`trust list`, the staff area and the audit see subject + fingerprint only). A key file
// readable by others is refused (as ssh does): the kiosk then sends requests unauthenticated and
// says why, rather than sign with a key that may have leaked.
//
// Certificate profile (Annex B, mdoc reader authentication certificate): EC P-256/384/521 key,
// KeyUsage digitalSignature, ExtendedKeyUsage 1.0.18013.5.1.6, validity covering now.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CborValue } from '../../core/cbor/model.ts';
import type { EmbeddedCbor } from '../../core/cbor/model.ts';
import type { CryptoProvider, Curve } from '../../core/crypto/provider.ts';
import { signReaderAuth, type TranscriptLike } from '../../core/mdoc/request/reader-authentication.ts';
import { certificatesFromFile, nameToString, parseCertificate, type Certificate } from '../../core/x509/certificate.ts';
import { OID } from '../../core/x509/oids.ts';
import { derToPem, pemBlocks, toHex } from '../../core/x509/pem.ts';
import { errorText } from '../../core/errors.ts';

export const READER_AUTH_DIR = 'reader-auth';
export const READER_AUTH_CHAIN = 'chain.pem';
export const READER_AUTH_KEY = 'reader.key';
const MAX_FILE = 64 * 1024;

/** What everyone but the signer may know about the installed reader certificate. */
export interface ReaderAuthInfo {
  subject: string;
  /** SHA-256 of the reader certificate DER, lower-case hex. */
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  chainLength: number;
}

/** Signs DocRequests; holds the key in a closure and exposes only the certificate's identity. */
export interface ReaderAuthSigner extends Pick<ReaderAuthInfo, 'subject' | 'fingerprint'> {
  sign(transcript: TranscriptLike, itemsRequestBytes: EmbeddedCbor): CborValue[];
}

export class ReaderAuthError extends Error {
  override readonly name = 'ReaderAuthError';
  constructor(
    readonly code:
      | 'reader_auth_chain_invalid'
      | 'reader_auth_key_invalid'
      | 'reader_auth_key_mismatch'
      | 'reader_auth_key_permissions'
      | 'reader_auth_profile_invalid'
      | 'reader_auth_expired'
      | 'reader_auth_not_yet_valid',
    message: string,
  ) {
    super(message);
  }
}

const CURVE_OF: Record<string, Curve> = { 'P-256': 'P-256', 'P-384': 'P-384', 'P-521': 'P-521' };

function keyFromPem(text: string): KeyObject {
  const blocks = pemBlocks(text).filter((b) => /PRIVATE KEY$/.test(b.label));
  if (blocks.length !== 1)
    throw new ReaderAuthError('reader_auth_key_invalid', `expected one PEM private key block, found ${blocks.length}`);
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch {
    // Never echo the key or the parser's message (it may quote the input).
    throw new ReaderAuthError(
      'reader_auth_key_invalid',
      'the private key could not be read (PKCS#8 or SEC1 PEM, EC P-256/384/521)',
    );
  }
}

/** Parse and check a chain + key pair; throws ReaderAuthError. Nothing is written. */
export function checkReaderAuth(
  chainPem: string,
  key: KeyObject,
  now: Date,
  crypto: Pick<CryptoProvider, 'digest'>,
): { chain: Certificate[]; info: ReaderAuthInfo; curve: Curve } {
  let chain: Certificate[];
  try {
    chain = certificatesFromFile(new TextEncoder().encode(chainPem)).map((d) => parseCertificate(d));
  } catch (e) {
    throw new ReaderAuthError('reader_auth_chain_invalid', `the certificate chain could not be read: ${errorText(e)}`);
  }
  if (chain.length === 0 || chain.length > 4)
    throw new ReaderAuthError(
      'reader_auth_chain_invalid',
      `expected 1-4 certificates (reader certificate first), found ${chain.length}`,
    );
  const leaf = chain[0]!;
  if (leaf.publicKey.kind !== 'ec')
    throw new ReaderAuthError(
      'reader_auth_profile_invalid',
      'the reader certificate key must be EC (P-256, P-384 or P-521)',
    );
  const curve = CURVE_OF[leaf.publicKey.curve];
  if (!curve) throw new ReaderAuthError('reader_auth_profile_invalid', `unsupported curve ${leaf.publicKey.curve}`);
  if (!leaf.keyUsage?.has('digitalSignature'))
    throw new ReaderAuthError('reader_auth_profile_invalid', 'the reader certificate lacks KeyUsage digitalSignature');
  if (!leaf.extendedKeyUsage?.includes(OID.mdlReaderAuth))
    throw new ReaderAuthError(
      'reader_auth_profile_invalid',
      `the reader certificate lacks ExtendedKeyUsage ${OID.mdlReaderAuth} (mdoc reader authentication)`,
    );
  if (now < leaf.notBefore)
    throw new ReaderAuthError(
      'reader_auth_not_yet_valid',
      `the reader certificate is valid from ${leaf.notBefore.toISOString()}`,
    );
  if (now > leaf.notAfter)
    throw new ReaderAuthError('reader_auth_expired', `the reader certificate expired ${leaf.notAfter.toISOString()}`);
  if (key.asymmetricKeyType !== 'ec')
    throw new ReaderAuthError('reader_auth_key_invalid', 'the private key is not an EC key');
  const spki = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  if (toHex(spki) !== toHex(leaf.spki))
    throw new ReaderAuthError(
      'reader_auth_key_mismatch',
      'the private key does not belong to the reader certificate (the first certificate of the chain)',
    );
  const info: ReaderAuthInfo = {
    subject: nameToString(leaf.subject),
    fingerprint: toHex(crypto.digest('SHA-256', leaf.der)),
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    chainLength: chain.length,
  };
  return { chain, info, curve };
}

function readSmall(file: string): string {
  const st = statSync(file);
  if (!st.isFile() || st.size > MAX_FILE)
    throw new ReaderAuthError('reader_auth_chain_invalid', `${file} is not a small regular file`);
  return readFileSync(file, 'utf8');
}

/**
 * Install a reader certificate chain and key into DIR/reader-auth (replacing an older pair: a renewal).
 * `keyFile` may be omitted when `chainFile` holds the private key block too. Returns the public info.
 */
export function importReaderAuth(
  dir: string,
  chainFile: string,
  keyFile: string | undefined,
  o: { crypto: Pick<CryptoProvider, 'digest'>; now: Date },
): ReaderAuthInfo {
  const chainText = readSmall(chainFile);
  const keyText = keyFile ? readSmall(keyFile) : chainText;
  const key = keyFromPem(keyText);
  const { chain, info } = checkReaderAuth(chainText, key, o.now, o.crypto);
  const sub = join(dir, READER_AUTH_DIR);
  mkdirSync(sub, { recursive: true, mode: 0o700 });
  chmodSync(sub, 0o700);
  // Written beside, then renamed: a crash never leaves a half key or a key without its chain.
  const keyPem = key.export({ format: 'pem', type: 'pkcs8' }) as string;
  const tmpKey = join(sub, `.${READER_AUTH_KEY}.${process.pid}.tmp`);
  writeFileSync(tmpKey, keyPem, { mode: 0o600 });
  chmodSync(tmpKey, 0o600);
  const tmpChain = join(sub, `.${READER_AUTH_CHAIN}.${process.pid}.tmp`);
  writeFileSync(tmpChain, chain.map((c) => derToPem(c.der)).join(''), { mode: 0o644 });
  renameSync(tmpChain, join(sub, READER_AUTH_CHAIN));
  renameSync(tmpKey, join(sub, READER_AUTH_KEY));
  return info;
}

export type ReaderAuthState =
  | { state: 'absent' }
  | { state: 'ready'; signer: ReaderAuthSigner; info: ReaderAuthInfo }
  | { state: 'unusable'; code: ReaderAuthError['code']; detail: string; info?: ReaderAuthInfo };

/** The public part only (trust list, staff area), without reading the key. */
export function readerAuthInfo(dir: string, o: { crypto: Pick<CryptoProvider, 'digest'> }): ReaderAuthInfo | null {
  const f = join(dir, READER_AUTH_DIR, READER_AUTH_CHAIN);
  if (!existsSync(f)) return null;
  try {
    const chain = certificatesFromFile(new TextEncoder().encode(readSmall(f))).map((d) => parseCertificate(d));
    const leaf = chain[0];
    if (!leaf) return null;
    return {
      subject: nameToString(leaf.subject),
      fingerprint: toHex(o.crypto.digest('SHA-256', leaf.der)),
      notBefore: leaf.notBefore.toISOString(),
      notAfter: leaf.notAfter.toISOString(),
      chainLength: chain.length,
    };
  } catch {
    return null;
  }
}

/** Load the installed pair for signing. Absent = no readerAuth (nothing changes). */
export function loadReaderAuth(dir: string, o: { crypto: CryptoProvider; now: Date }): ReaderAuthState {
  const sub = join(dir, READER_AUTH_DIR);
  const chainFile = join(sub, READER_AUTH_CHAIN);
  const keyFile = join(sub, READER_AUTH_KEY);
  if (!existsSync(chainFile) && !existsSync(keyFile)) return { state: 'absent' };
  const info = readerAuthInfo(dir, o) ?? undefined;
  try {
    if (!existsSync(keyFile) || !existsSync(chainFile))
      throw new ReaderAuthError('reader_auth_key_invalid', 'reader-auth/ needs both chain.pem and reader.key');
    if ((statSync(keyFile).mode & 0o077) !== 0)
      throw new ReaderAuthError(
        'reader_auth_key_permissions',
        `${keyFile} is readable by others (mode ${(statSync(keyFile).mode & 0o777).toString(8)}); chmod 600 it`,
      );
    const key = keyFromPem(readSmall(keyFile));
    const { chain, info: checked, curve } = checkReaderAuth(readSmall(chainFile), key, o.now, o.crypto);
    const d = Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url');
    const x5chain = chain.map((c) => c.der);
    const crypto = o.crypto;
    const signer: ReaderAuthSigner = {
      subject: checked.subject,
      fingerprint: checked.fingerprint,
      sign: (transcript, items) => signReaderAuth(crypto, { curve, privateKey: d, x5chain }, transcript, items),
    };
    return { state: 'ready', signer, info: checked };
  } catch (e) {
    if (e instanceof ReaderAuthError)
      return { state: 'unusable', code: e.code, detail: e.message, ...(info ? { info } : {}) };
    return {
      state: 'unusable',
      code: 'reader_auth_key_invalid',
      detail: 'the reader key could not be loaded',
      ...(info ? { info } : {}),
    };
  }
}
