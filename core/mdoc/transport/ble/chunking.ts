// Message framing over GATT (ISO 18013-5 §8.3.3.1.1.6): a message is split into chunks of at most
// min(ATT_MTU - 3, 512) bytes including a one-byte header: 0x01 = more chunks follow, 0x00 = last.
import { TransportError } from '../message-transport.ts';

export const MAX_ATTRIBUTE_VALUE = 512;

/** Largest characteristic value usable for a given ATT_MTU (3 bytes of ATT header per PDU). */
export function maxChunkSize(attMtu: number): number {
  return Math.min(attMtu - 3, MAX_ATTRIBUTE_VALUE);
}

export function chunkMessage(message: Uint8Array, chunkSize: number): Uint8Array[] {
  if (chunkSize < 2) throw new RangeError(`chunk size ${chunkSize} leaves no room for data`);
  const payload = chunkSize - 1;
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < message.length || chunks.length === 0; off += payload) {
    const part = message.subarray(off, Math.min(off + payload, message.length));
    const last = off + payload >= message.length;
    const c = new Uint8Array(1 + part.length);
    c[0] = last ? 0x00 : 0x01;
    c.set(part, 1);
    chunks.push(c);
  }
  return chunks;
}

/** Reassembles chunks into messages; bounded so a hostile peer cannot grow memory without limit. */
export class MessageAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Feed one chunk; returns the whole message when this chunk was the last one. */
  push(chunk: Uint8Array): Uint8Array | null {
    if (chunk.length < 1) throw new TransportError('transport_protocol_error', 'empty chunk');
    const flag = chunk[0];
    if (flag !== 0x00 && flag !== 0x01)
      throw new TransportError(
        'transport_protocol_error',
        `chunk header 0x${flag!.toString(16)} is neither 0x00 nor 0x01`,
      );
    this.size += chunk.length - 1;
    if (this.size > this.maxMessageBytes) {
      this.reset();
      throw new TransportError('transport_message_too_large', `message exceeds ${this.maxMessageBytes} bytes`);
    }
    this.parts.push(chunk.slice(1));
    if (flag === 0x01) return null;
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.reset();
    return out;
  }

  /** Bytes of an unfinished message received so far. */
  get pending(): number {
    return this.size;
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
  }
}
