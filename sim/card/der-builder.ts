// A tiny DER writer (X.690 §10) for the TEST JPKI certificates the simulator generates. TEST ONLY:
// the verifier never builds DER; it parses with core/x509.
import { concat } from '../../core/card/ber-tlv.ts';

function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}
export const tlv = (tag: number, ...value: Uint8Array[]) => {
  const v = concat(...value);
  return concat(Uint8Array.of(tag), len(v.length), v);
};
export const seq = (...v: Uint8Array[]) => tlv(0x30, ...v);
export const set = (...v: Uint8Array[]) => tlv(0x31, ...v);
export const explicit = (n: number, ...v: Uint8Array[]) => tlv(0xa0 | n, ...v);
export const nul = () => Uint8Array.of(0x05, 0x00);
export const bool = (b: boolean) => Uint8Array.of(0x01, 0x01, b ? 0xff : 0x00);
export const octets = (b: Uint8Array) => tlv(0x04, b);
export const bits = (b: Uint8Array, unused = 0) => tlv(0x03, Uint8Array.of(unused), b);
export const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
export const printable = (s: string) => tlv(0x13, new TextEncoder().encode(s));

export function int(n: bigint | number | Uint8Array): Uint8Array {
  let b: number[];
  if (n instanceof Uint8Array) b = Array.from(n);
  else {
    let x = BigInt(n);
    b = [];
    do {
      b.unshift(Number(x & 0xffn));
      x >>= 8n;
    } while (x > 0n);
  }
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b.shift();
  if (b[0]! & 0x80) b.unshift(0);
  return tlv(0x02, Uint8Array.from(b));
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let x = Math.floor(p / 128); x > 0; x = Math.floor(x / 128)) stack.unshift((x & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Uint8Array.from(out));
}

export function time(d: Date): Uint8Array {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  const body = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  return y < 2050 ? tlv(0x17, new TextEncoder().encode(body.slice(2))) : tlv(0x18, new TextEncoder().encode(body));
}

export function name(rdns: Array<[string, string]>): Uint8Array {
  const OIDS: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
  return seq(...rdns.map(([t, v]) => set(seq(oid(OIDS[t]!), t === 'C' ? printable(v) : utf8(v)))));
}
