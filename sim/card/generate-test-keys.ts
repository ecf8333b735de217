// Generates the TEST J-LIS hierarchy and card keys for the virtual My Number card, deterministically
// (same seed -> same files), and the card's small JPEG 2000 face photo. TEST ONLY: none of these keys
// has anything to do with J-LIS; the signer key ids use the JPKI test hierarchy's `6...` prefix like
// the real test cards (docs/card-and-mdoc-facts.md "Encodings": production ids begin with 5, test
// ids with 6).
//
//   node --import tsx sim/card/generate-test-keys.ts
//
// Writes:
//   sim/card/fixtures/*.key.pem           RSA-2048 private keys (TEST ONLY)
//   sim/card/fixtures/jpki-auth-user.crt.pem  the card holder's TEST JPKI auth certificate
//   sim/card/fixtures/face.jp2            a synthetic greyscale face, JP2 container
//   resources/test-trust/card-face/<32 hex key id>.pem   the test J-LIS signer public keys (SPKI)
//   resources/test-trust/jpki/kakunin-test-jpki-auth-root.pem   the TEST JPKI auth root certificate
//
// Deterministic RSA: primes come from an HMAC-SHA256 DRBG seeded with the key's label, tested with
// Miller-Rabin (64 rounds, bases from the same DRBG). Node's generateKeyPair cannot be seeded.
import { createHmac, createPrivateKey, createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bits, bool, explicit, int, name, nul, octets, oid, seq, time } from './der-builder.ts';
import { wrapJp2 } from '../../core/card/jp2.ts';
import { ROOT, TEST_TRUST_DIR } from '../../main/project-root.ts';

export const FIXTURES = join(ROOT, 'sim', 'card', 'fixtures');

/** 16-byte key id: 7 ASCII digits, 08 05, 3 ASCII digits, 4 bytes (docs/card-and-mdoc-facts.md "Encodings"). */
export function testKeyId(seven: string, three: string, tail = [0, 0, 0, 0]): Uint8Array {
  const a = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
  return Uint8Array.from([...a(seven), 0x08, 0x05, ...a(three), ...tail]);
}

export const TEST_KEY_IDS = {
  /** TEST J-LIS key signing the text AP (券面事項入力補助AP) CVC. */
  textApSigner: testKeyId('6000033', '001'),
  /** TEST J-LIS key signing the card-face AP (券面AP) CVC. */
  cardFaceSigner: testKeyId('6000023', '001'),
  /** A signer id that is NOT in resources/test-trust (card:unknown-signer). */
  unknownSigner: testKeyId('6000033', '999', [0, 0, 0, 1]),
  textApCvcSubject: testKeyId('6000033', '101'),
  cardFaceCvcSubject: testKeyId('6000023', '101'),
};

export const KEY_LABELS = [
  'jlis-text-ap-signer',
  'jlis-card-face-signer',
  'jlis-unknown-signer',
  'text-ap-cvc',
  'text-ap-chip',
  'card-face-cvc',
  'card-face-chip',
  'clone-chip',
  'jpki-test-auth-root',
  'jpki-auth-user',
] as const;
export type KeyLabel = (typeof KEY_LABELS)[number];

class Drbg {
  #k: Buffer;
  #v: Buffer;
  constructor(seed: string) {
    this.#k = Buffer.alloc(32, 0);
    this.#v = Buffer.alloc(32, 1);
    this.#update(Buffer.from(seed));
  }
  #update(data: Buffer) {
    this.#k = createHmac('sha256', this.#k)
      .update(Buffer.concat([this.#v, Buffer.of(0), data]))
      .digest();
    this.#v = createHmac('sha256', this.#k).update(this.#v).digest();
    this.#k = createHmac('sha256', this.#k)
      .update(Buffer.concat([this.#v, Buffer.of(1), data]))
      .digest();
    this.#v = createHmac('sha256', this.#k).update(this.#v).digest();
  }
  bytes(n: number): Buffer {
    const out: Buffer[] = [];
    let have = 0;
    while (have < n) {
      this.#v = createHmac('sha256', this.#k).update(this.#v).digest();
      out.push(this.#v);
      have += 32;
    }
    this.#update(Buffer.alloc(0));
    return Buffer.concat(out).subarray(0, n);
  }
  bigint(nbytes: number): bigint {
    return BigInt('0x' + this.bytes(nbytes).toString('hex'));
  }
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    e >>= 1n;
    b = (b * b) % m;
  }
  return r;
}

const SMALL_PRIMES = (() => {
  const out: bigint[] = [];
  for (let n = 3; out.length < 300; n += 2) if (out.every((p) => BigInt(n) % p !== 0n)) out.push(BigInt(n));
  return out;
})();

function isProbablePrime(n: bigint, rng: Drbg): boolean {
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (let i = 0; i < 64; i++) {
    const a = 2n + (rng.bigint(128) % (n - 4n));
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

const E = 65537n;

function prime1024(rng: Drbg): bigint {
  for (;;) {
    // Top two bits set so p*q is exactly 2048 bits; odd.
    let c = rng.bigint(128) | (3n << 1022n) | 1n;
    for (let i = 0; i < 2000; i++, c += 2n) {
      if ((c - 1n) % E === 0n) continue;
      if (isProbablePrime(c, rng)) return c;
    }
  }
}

function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const b64u = (x: bigint) => {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex').toString('base64url');
};

export function deterministicRsaKey(label: string): KeyObject {
  const rng = new Drbg(`kakunin TEST ONLY rsa-2048 ${label}`);
  for (;;) {
    const p = prime1024(rng);
    const q = prime1024(rng);
    if (p === q) continue;
    const n = p * q;
    if (n.toString(2).length !== 2048) continue;
    const phi = (p - 1n) * (q - 1n);
    const d = modInv(E, phi);
    const jwk = {
      kty: 'RSA',
      n: b64u(n),
      e: b64u(E),
      d: b64u(d),
      p: b64u(p),
      q: b64u(q),
      dp: b64u(d % (p - 1n)),
      dq: b64u(d % (q - 1n)),
      qi: b64u(modInv(q, p)),
    };
    return createPrivateKey({ key: jwk, format: 'jwk' });
  }
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const OID_SHA256_RSA = '1.2.840.113549.1.1.11';

export function certificate(opts: {
  serial: number;
  issuer: Uint8Array;
  subject: Uint8Array;
  from: Date;
  to: Date;
  subjectKey: KeyObject;
  issuerKey: KeyObject;
  ca: boolean;
  ski: Uint8Array;
  aki: Uint8Array;
}): Uint8Array {
  const spki = new Uint8Array(createPublicKey(opts.subjectKey).export({ type: 'spki', format: 'der' }));
  const alg = seq(oid(OID_SHA256_RSA), nul());
  const ext = (id: string, critical: boolean, value: Uint8Array) =>
    seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
  const exts = [
    ext('2.5.29.19', true, opts.ca ? seq(bool(true)) : seq()),
    // keyUsage: CA keyCertSign|cRLSign (bits 5,6 -> 0x06, 1 unused bit); user digitalSignature (bit 0 -> 0x80, 7 unused)
    ext('2.5.29.15', true, opts.ca ? bits(Uint8Array.of(0x06), 1) : bits(Uint8Array.of(0x80), 7)),
    ext('2.5.29.14', false, octets(opts.ski)),
    ...(opts.ca ? [] : [ext('2.5.29.35', false, seq(Uint8Array.of(0x80, opts.aki.length, ...opts.aki)))]),
  ];
  const tbs = seq(
    explicit(0, int(2)),
    int(opts.serial),
    alg,
    opts.issuer,
    seq(time(opts.from), time(opts.to)),
    opts.subject,
    spki,
    explicit(3, seq(...exts)),
  );
  const sig = new Uint8Array(nodeSign('sha256', tbs, opts.issuerKey));
  return seq(tbs, alg, bits(sig));
}

export function pem(label: string, der: Uint8Array): string {
  const b = Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${b}\n-----END ${label}-----\n`;
}

/** A synthetic greyscale "face" (head, eyes, mouth) so staff-comparison screens have something to show. */
export function syntheticFace(width: number, height: number): Uint8Array {
  const px = new Uint8Array(width * height);
  const cx = width / 2;
  const cy = height * 0.45;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 225 - Math.round((y / height) * 30); // background gradient
      const head = ((x - cx) / (width * 0.3)) ** 2 + ((y - cy) / (height * 0.32)) ** 2;
      if (head < 1) v = 170 - Math.round(head * 40);
      if (y > height * 0.78 && Math.abs(x - cx) < width * (0.2 + (y / height - 0.78) * 1.5)) v = 70; // shoulders
      const eye = (ex: number) =>
        ((x - ex) / (width * 0.06)) ** 2 + ((y - cy + height * 0.05) / (height * 0.03)) ** 2 < 1;
      if (eye(cx - width * 0.12) || eye(cx + width * 0.12)) v = 40;
      if (Math.abs(y - (cy + height * 0.15)) < height * 0.012 && Math.abs(x - cx) < width * 0.1) v = 90; // mouth
      if (y < cy - height * 0.18 && head < 1.05) v = 50; // hair
      px[y * width + x] = v;
    }
  }
  return px;
}

/** The part of the OpenJPEG codec build this generator uses (the package ships no types). */
interface J2kModule {
  J2KEncoder: new () => {
    getDecodedBuffer(info: {
      width: number;
      height: number;
      bitsPerSample: number;
      componentCount: number;
      isSigned: boolean;
    }): Uint8Array;
    setQuality(lossless: boolean, quality: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete?(): void;
  };
}

async function encodePhoto(): Promise<Uint8Array> {
  const codec = '@cornerstonejs/codec-openjpeg'; // untyped package: imported by name
  const { default: factory } = (await import(codec)) as { default: (o: object) => Promise<J2kModule> };
  const m = await factory({ print() {}, printErr() {} });
  const width = 96;
  const height = 128;
  const enc = new m.J2KEncoder();
  enc
    .getDecodedBuffer({ width, height, bitsPerSample: 8, componentCount: 1, isSigned: false })
    .set(syntheticFace(width, height));
  enc.setQuality(true, 0); // lossless: deterministic and exactly comparable after decoding
  enc.encode();
  const cs = new Uint8Array(enc.getEncodedBuffer());
  enc.delete?.();
  return wrapJp2(cs, width, height, 1, 8);
}

async function main() {
  mkdirSync(FIXTURES, { recursive: true });
  mkdirSync(join(TEST_TRUST_DIR, 'card-face'), { recursive: true });
  mkdirSync(join(TEST_TRUST_DIR, 'jpki'), { recursive: true });
  const keys = {} as Record<KeyLabel, KeyObject>;
  for (const l of KEY_LABELS) {
    const t = Date.now();
    keys[l] = deterministicRsaKey(l);
    writeFileSync(
      join(FIXTURES, `${l}.key.pem`),
      '# TEST ONLY: generated by sim/card/generate-test-keys.ts; not a J-LIS key\n' +
        (keys[l].export({ type: 'pkcs8', format: 'pem' }) as string),
    );
    console.log(`${l}: ${Date.now() - t} ms`);
  }
  const pub = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'pem' }) as string;
  writeFileSync(
    join(TEST_TRUST_DIR, 'card-face', `${hexOf(TEST_KEY_IDS.textApSigner)}.pem`),
    pub(keys['jlis-text-ap-signer']),
  );
  writeFileSync(
    join(TEST_TRUST_DIR, 'card-face', `${hexOf(TEST_KEY_IDS.cardFaceSigner)}.pem`),
    pub(keys['jlis-card-face-signer']),
  );

  const rootName = name([
    ['C', 'JP'],
    ['O', 'Kakunin TEST ONLY'],
    ['OU', 'Test JPKI user authentication'],
    ['CN', 'Kakunin TEST JPKI auth root'],
  ]);
  const userName = name([
    ['C', 'JP'],
    ['O', 'Kakunin TEST ONLY'],
    ['CN', 'Kakunin TEST JPKI auth user 0001'],
  ]);
  const rootSki = new Uint8Array(20).fill(0x11);
  const rootCert = certificate({
    serial: 1,
    issuer: rootName,
    subject: rootName,
    from: new Date('2024-01-01T00:00:00Z'),
    to: new Date('2044-01-01T00:00:00Z'),
    subjectKey: keys['jpki-test-auth-root'],
    issuerKey: keys['jpki-test-auth-root'],
    ca: true,
    ski: rootSki,
    aki: rootSki,
  });
  const userCert = certificate({
    serial: 0x1001,
    issuer: rootName,
    subject: userName,
    from: new Date('2025-01-01T00:00:00Z'),
    to: new Date('2030-12-31T14:59:59Z'),
    subjectKey: keys['jpki-auth-user'],
    issuerKey: keys['jpki-test-auth-root'],
    ca: false,
    ski: new Uint8Array(20).fill(0x22),
    aki: rootSki,
  });
  writeFileSync(join(TEST_TRUST_DIR, 'jpki', 'kakunin-test-jpki-auth-root.pem'), pem('CERTIFICATE', rootCert));
  writeFileSync(join(FIXTURES, 'jpki-auth-user.crt.pem'), pem('CERTIFICATE', userCert));
  const photo = await encodePhoto();
  writeFileSync(join(FIXTURES, 'face.jp2'), photo);
  console.log(`face.jp2: ${photo.length} bytes`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
