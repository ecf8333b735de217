// QR engagement (ISO 18013-5 §8.2.2.3): the phone shows "mdoc:" + base64url(DeviceEngagement)
// without padding. The kiosk gets the text from a USB/HID keyboard-wedge scanner (it "types" the
// text then Enter, so a trailing CR and/or LF is normal) or from a camera decoder. Anything else
// (other prefix, padding, spaces, characters outside base64url, impossible lengths) is refused with
// `qr_malformed` before any CBOR is decoded. The Handover for QR is null (session-transcript.ts).
//
// Entry points: `parseQrEngagement(text)` -> { deviceEngagement, handover }; `qrEngagementText(de)`.
import type { Handover } from '../session/session-transcript.ts';
import { EngagementError } from './codes.ts';
import { MAX_DEVICE_ENGAGEMENT_BYTES, parseDeviceEngagement, type DeviceEngagement } from './device-engagement.ts';

export const QR_PREFIX = 'mdoc:';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export interface QrEngagement {
  deviceEngagement: DeviceEngagement;
  handover: Handover;
}

export function parseQrEngagement(scanned: string): QrEngagement {
  if (typeof scanned !== 'string') throw new EngagementError('qr_malformed', 'scanner text is not a string');
  // A keyboard wedge ends with Enter: CR, LF or CRLF. Nothing else is trimmed.
  const t = scanned.replace(/\r?\n$|\r$/, '');
  // Scheme is case-insensitive per RFC 3986; wallets send lowercase.
  if (t.length < QR_PREFIX.length || t.slice(0, QR_PREFIX.length).toLowerCase() !== QR_PREFIX)
    throw new EngagementError('qr_malformed', 'text does not start with "mdoc:"');
  const body = t.slice(QR_PREFIX.length);
  if (body.length === 0) throw new EngagementError('qr_malformed', 'nothing after "mdoc:"');
  if (body.length > Math.ceil((MAX_DEVICE_ENGAGEMENT_BYTES * 4) / 3))
    throw new EngagementError('qr_malformed', 'engagement text too long');
  const bytes = base64urlDecode(body);
  return { deviceEngagement: parseDeviceEngagement(bytes), handover: { kind: 'qr' } };
}

export function base64urlDecode(s: string): Uint8Array {
  if (s.length % 4 === 1) throw new EngagementError('qr_malformed', 'base64url length is impossible');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ALPHABET.indexOf(s[i]!);
    if (v < 0)
      throw new EngagementError(
        'qr_malformed',
        `character ${JSON.stringify(s[i]!.slice(0, 1))} at ${i} is not base64url`,
      );
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero (canonical encoding, RFC 4648 §3.5).
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0)
    throw new EngagementError('qr_malformed', 'non-canonical base64url tail');
  return out.subarray(0, o);
}

export function base64urlEncode(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  if (b.length - i === 1) {
    const n = b[i]! << 16;
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (b.length - i === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return s;
}

/** What a wallet shows (sim, tests). */
export function qrEngagementText(deviceEngagementBytes: Uint8Array): string {
  return QR_PREFIX + base64urlEncode(deviceEngagementBytes);
}
