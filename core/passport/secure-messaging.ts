// Secure messaging (ICAO Doc 9303-11 §9.8): encrypt-then-MAC wrapping of command APDUs and checking
// of response APDUs with the session keys of BAC, PACE or Chip Authentication.
//
// Command: CLA | 0x0C, [DO'87' 01 E(pad(data)) | DO'85' E(pad(data)) for odd INS] [DO'97' Le]
// DO'8E' MAC(SSC || pad(header) || DOs, padded). Response: [DO'87'] DO'99' SW DO'8E' MAC(SSC || DOs).
// The SSC is incremented before every command and every response (§9.8.2). 3DES: CBC IV 0 and the
// retail MAC (§9.8.6); AES: CBC with IV = E(KSenc, SSC) and CMAC-8 (§9.8.7).
import { concat, equal } from '../bytes.ts';
import { encodeTlv, parseTlv } from '../card/ber-tlv.ts';
import { blockCipherOf, blockSize, macPadded, type CipherSuite, type SymCrypto } from './cipher-suite.ts';
import { PassportError } from './codes.ts';
import { pad, unpad } from '../crypto/iso9797-1.ts';
import { errorText } from '../errors.ts';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length, 1..256 (256 is written as 00). Absent: no Le. */
  le?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

/** Short-form C-APDU bytes (ISO/IEC 7816-4 §5.1), cases 1-4. */
export function encodeCommand(c: CommandApdu): Uint8Array {
  const head = Uint8Array.of(c.cla, c.ins, c.p1, c.p2);
  const data = c.data ?? new Uint8Array(0);
  if (data.length > 255)
    throw new PassportError('malformed_data', `command data of ${data.length} bytes needs extended length`);
  const lc = data.length ? concat(Uint8Array.of(data.length), data) : new Uint8Array(0);
  const le = c.le === undefined ? new Uint8Array(0) : Uint8Array.of(c.le === 256 ? 0 : c.le);
  return concat(head, lc, le);
}

export class SecureMessaging {
  readonly #ssc: Uint8Array;

  constructor(
    readonly suite: CipherSuite,
    readonly ksEnc: Uint8Array,
    readonly ksMac: Uint8Array,
    /** Initial SSC: BAC's RND.IC[4..8] || RND.IFD[4..8] (§9.8.6.3), else zero of the block size. */
    ssc: Uint8Array,
    private readonly crypto: SymCrypto,
  ) {
    if (ssc.length !== blockSize(suite)) throw new Error(`SSC must be ${blockSize(suite)} bytes for ${suite.cipher}`);
    this.#ssc = ssc.slice();
  }

  /** The current SSC (a copy), for tests against the worked example. */
  get ssc(): Uint8Array {
    return this.#ssc.slice();
  }

  #increment(): void {
    for (let i = this.#ssc.length - 1; i >= 0; i--) {
      this.#ssc[i] = (this.#ssc[i]! + 1) & 0xff;
      if (this.#ssc[i] !== 0) break;
    }
  }

  /** IV of the encryption: zero for 3DES, E(KSenc, SSC) for AES (§9.8.7.1). */
  #iv(): Uint8Array {
    const bs = blockSize(this.suite);
    if (this.suite.cipher !== 'AES') return new Uint8Array(bs);
    return this.crypto.cbc(blockCipherOf(this.suite), 'encrypt', this.ksEnc, new Uint8Array(16), this.#ssc);
  }

  #mac(data: Uint8Array): Uint8Array {
    return macPadded(this.crypto, this.suite, this.ksMac, pad(concat(this.#ssc, data), blockSize(this.suite)));
  }

  /** Wrap a plain command (increments the SSC once). */
  protect(c: CommandApdu): Uint8Array {
    this.#increment();
    const bs = blockSize(this.suite);
    const cla = c.cla | 0x0c;
    const header = pad(Uint8Array.of(cla, c.ins, c.p1, c.p2), bs);
    let dataDo: Uint8Array = new Uint8Array(0);
    if (c.data && c.data.length) {
      const enc = this.crypto.cbc(blockCipherOf(this.suite), 'encrypt', this.ksEnc, this.#iv(), pad(c.data, bs));
      // Odd INS carries BER-TLV data: DO'85' without the padding-content indicator (§9.8.4).
      dataDo = c.ins & 1 ? encodeTlv(0x85, enc) : encodeTlv(0x87, concat(Uint8Array.of(0x01), enc));
    }
    const leDo = c.le === undefined ? new Uint8Array(0) : encodeTlv(0x97, Uint8Array.of(c.le === 256 ? 0 : c.le));
    const cc = this.#mac(concat(header, dataDo, leDo));
    return encodeCommand({
      cla,
      ins: c.ins,
      p1: c.p1,
      p2: c.p2,
      data: concat(dataDo, leDo, encodeTlv(0x8e, cc)),
      le: 256,
    });
  }

  /**
   * Check a protected response (increments the SSC once) and return the plain data and the status
   * from DO'99'. Throws PassportError('secure_messaging') when the MAC does not verify, a data object
   * is missing or malformed, or the chip answered without SM (it aborts SM on an SM error, §9.8.5).
   */
  unprotect(raw: Uint8Array): ResponseApdu {
    this.#increment();
    if (raw.length < 2) throw new PassportError('secure_messaging', `response of ${raw.length} bytes`);
    const outerSw = (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
    const body = raw.subarray(0, raw.length - 2);
    if (body.length === 0)
      throw new PassportError(
        'secure_messaging',
        `unprotected response ${outerSw.toString(16).padStart(4, '0')}: the chip ended secure messaging`,
      );
    let dataDo: ReturnType<typeof parseTlv> | null = null;
    let swDo: ReturnType<typeof parseTlv> | null = null;
    let macDo: ReturnType<typeof parseTlv> | null = null;
    try {
      for (let p = 0; p < body.length;) {
        const t = parseTlv(body, p);
        p = t.end;
        if ((t.tag === 0x87 || t.tag === 0x85) && !dataDo && !swDo && !macDo) dataDo = t;
        else if (t.tag === 0x99 && !swDo && !macDo) swDo = t;
        else if (t.tag === 0x8e && !macDo && p === body.length) macDo = t;
        else
          throw new PassportError('secure_messaging', `unexpected data object ${t.tag.toString(16)} in the response`);
      }
    } catch (e) {
      if (e instanceof PassportError) throw e;
      throw new PassportError('secure_messaging', `malformed SM response: ${errorText(e)}`);
    }
    if (!macDo) throw new PassportError('secure_messaging', 'the response has no DO 8E (MAC)');
    if (!swDo || swDo.value.length !== 2)
      throw new PassportError('secure_messaging', 'the response has no DO 99 (status)');
    const covered = concat(dataDo ? dataDo.tlv : new Uint8Array(0), swDo.tlv);
    if (!equal(this.#mac(covered), macDo.value))
      throw new PassportError('secure_messaging', 'response MAC does not verify');
    const sw = (swDo.value[0]! << 8) | swDo.value[1]!;
    if (!dataDo) return { data: new Uint8Array(0), sw };
    const cipherText = dataDo.tag === 0x87 ? dataDo.value.subarray(1) : dataDo.value;
    if (dataDo.tag === 0x87 && dataDo.value[0] !== 0x01)
      throw new PassportError('secure_messaging', 'DO 87 without the padding indicator 01');
    if (cipherText.length === 0 || cipherText.length % blockSize(this.suite) !== 0)
      throw new PassportError('secure_messaging', 'encrypted data is not whole blocks');
    // The response IV uses the response's own SSC (already incremented above).
    const plain = unpad(this.crypto.cbc(blockCipherOf(this.suite), 'decrypt', this.ksEnc, this.#iv(), cipherText));
    if (!plain) throw new PassportError('secure_messaging', 'decrypted response data has no ISO padding');
    return { data: plain, sw };
  }
}
