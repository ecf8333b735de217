// PKCS#1 v1.5 DigestInfo (RFC 8017 §9.2 note 1) for SHA-256: the card's signing command takes the
// DigestInfo and adds the padding itself (spec "Commands": "card adds PKCS#1 v1.5 padding").
export const SHA256_DIGEST_INFO_PREFIX = Uint8Array.of(0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20);

export function sha256DigestInfo(hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new RangeError('SHA-256 hash is 32 bytes');
  const out = new Uint8Array(SHA256_DIGEST_INFO_PREFIX.length + 32);
  out.set(SHA256_DIGEST_INFO_PREFIX);
  out.set(hash, SHA256_DIGEST_INFO_PREFIX.length);
  return out;
}
