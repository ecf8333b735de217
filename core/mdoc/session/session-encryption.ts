// AES-256-GCM session encryption (ISO 18013-5 §9.1.1.5): no AAD, 16-byte tag, and a 12-byte IV
//   IV = identifier (8 bytes) || message counter (4 bytes, big-endian)
// with identifier 0x0000000000000000 for reader -> mdoc and 0x0000000000000001 for mdoc -> reader.
// Each direction counts its own messages from 1. A message decrypted out of order or replayed
// fails the tag check, which is the point: counters are never resynchronised.
import type { CryptoProvider } from '../../crypto/provider.ts';
import { SessionError } from './errors.ts';
import type { SessionKeys } from './session-keys.ts';

export type SessionRole = 'reader' | 'mdoc';

const MAX_COUNTER = 0xffffffff;

export function sessionIv(direction: 'reader-to-mdoc' | 'mdoc-to-reader', counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  iv[7] = direction === 'reader-to-mdoc' ? 0 : 1;
  iv[8] = (counter >>> 24) & 0xff;
  iv[9] = (counter >>> 16) & 0xff;
  iv[10] = (counter >>> 8) & 0xff;
  iv[11] = counter & 0xff;
  return iv;
}

/** One side's view of an encrypted session: its send key and counter, the peer's key and counter. */
export class SessionEncryption {
  private sendCounter = 1;
  private receiveCounter = 1;
  private closed = false;
  private readonly sendKey: Uint8Array;
  private readonly receiveKey: Uint8Array;
  private readonly sendDir: 'reader-to-mdoc' | 'mdoc-to-reader';
  private readonly receiveDir: 'reader-to-mdoc' | 'mdoc-to-reader';

  constructor(
    private readonly crypto: CryptoProvider,
    role: SessionRole,
    keys: SessionKeys,
  ) {
    this.sendKey = (role === 'reader' ? keys.skReader : keys.skDevice).slice();
    this.receiveKey = (role === 'reader' ? keys.skDevice : keys.skReader).slice();
    this.sendDir = role === 'reader' ? 'reader-to-mdoc' : 'mdoc-to-reader';
    this.receiveDir = role === 'reader' ? 'mdoc-to-reader' : 'reader-to-mdoc';
  }

  encrypt(plaintext: Uint8Array): Uint8Array {
    this.assertOpen();
    if (this.sendCounter > MAX_COUNTER) throw new SessionError('session_counter_exhausted', 'send counter exhausted');
    const out = this.crypto.aesGcmEncrypt(this.sendKey, sessionIv(this.sendDir, this.sendCounter), plaintext);
    this.sendCounter++;
    return out;
  }

  decrypt(ciphertext: Uint8Array): Uint8Array {
    this.assertOpen();
    if (this.receiveCounter > MAX_COUNTER)
      throw new SessionError('session_counter_exhausted', 'receive counter exhausted');
    if (ciphertext.length < 16) throw new SessionError('session_decrypt_failed', 'ciphertext shorter than the GCM tag');
    const out = this.crypto.aesGcmDecrypt(this.receiveKey, sessionIv(this.receiveDir, this.receiveCounter), ciphertext);
    if (!out)
      throw new SessionError(
        'session_decrypt_failed',
        `message ${this.receiveCounter} from the ${this.receiveDir === 'mdoc-to-reader' ? 'mdoc' : 'reader'} did not decrypt (tag mismatch)`,
      );
    this.receiveCounter++;
    return out;
  }

  /** Forget the keys (the session is over). Further use throws session_closed. */
  close(): void {
    this.closed = true;
    this.sendKey.fill(0);
    this.receiveKey.fill(0);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new SessionError('session_closed', 'the session has ended');
  }
}
