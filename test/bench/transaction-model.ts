// A timing model of the radio links (transaction time on simulated links): how long the
// bytes of one mdoc transaction take on the air, to set beside the kiosk's measured processing time.
// Link time is MODELLED (no radio here); kiosk time is MEASURED in the same run (session crypto +
// verification). The model leaves out everything that would only make the link slower (BLE
// scanning and advertising, the holder's consent tap, the phone's own signing and encryption), so
// the kiosk's share it reports is an upper bound.
//
// BLE (ISO 18013-5 §8.3.3.1.1; Bluetooth Core 5.x): a message is split into GATT chunks of at most
// min(ATT_MTU - 3, 512) bytes whose first byte is the "more follows" flag, so ATT_MTU - 4 bytes of
// message per chunk. Each chunk is one ATT PDU (write without response or notification) of chunk +
// 3 bytes; the link layer carries it in LL data PDUs of up to 27 bytes (no Data Length Extension,
// typical with ATT_MTU 23) or 251 bytes (DLE, typical with ATT_MTU 517), 4 bytes L2CAP header in the
// first. The phone and the kiosk exchange a few LL packets per connection event; one event per
// connection interval (7.5 ms is the spec minimum, iOS holds 15-30 ms). Setup before the first
// message: connection, service + characteristic discovery, MTU exchange, CCCD subscriptions and the
// State write: ~8 request/response round trips, one connection interval each.
//
// NFC (ISO 14443-4 + ISO 18013-5 §8.3.3.2): SELECT, then ENVELOPE commands carrying DO'53' with the
// SessionEstablishment, and the response coming back in 256-byte pieces (SW 61xx + GET RESPONSE).
// Air time per byte is 9 bit periods (8 data + parity) at 106 or 424 kbit/s, plus per ISO-DEP frame
// (FSC 256) the block header and CRC (3 bytes) and the frame delay time; every APDU exchange adds a
// fixed latency (reader + phone turnaround; 3 ms is optimistic for a phone). Engagement by NFC static
// handover adds SELECT NDEF + CC + NDEF reads (4 APDUs, ~300 bytes).

export interface BleLink {
  kind: 'ble';
  name: string;
  attMtu: number;
  /** LL data PDU payload: 27 (no DLE) or 251 (DLE). */
  llPayload: number;
  connectionIntervalMs: number;
  /** LL packets per connection event, both directions together. */
  packetsPerEvent: number;
  setupRoundTrips: number;
}

export interface NfcLink {
  kind: 'nfc';
  name: string;
  kbps: number;
  /** Fixed latency per APDU exchange, ms. */
  apduLatencyMs: number;
  /** ISO-DEP frame size (FSC/FSD). */
  frameSize: number;
  /** Data per response APDU (short Le). */
  responseChunk: number;
  /** Data per command APDU (short Lc). */
  commandChunk: number;
}

export type Link = BleLink | NfcLink;

export const LINKS: Link[] = [
  {
    kind: 'ble',
    name: 'BLE ATT_MTU 23, CI 7.5 ms',
    attMtu: 23,
    llPayload: 27,
    connectionIntervalMs: 7.5,
    packetsPerEvent: 4,
    setupRoundTrips: 8,
  },
  {
    kind: 'ble',
    name: 'BLE ATT_MTU 23, CI 30 ms',
    attMtu: 23,
    llPayload: 27,
    connectionIntervalMs: 30,
    packetsPerEvent: 4,
    setupRoundTrips: 8,
  },
  {
    kind: 'ble',
    name: 'BLE ATT_MTU 517, CI 7.5 ms',
    attMtu: 517,
    llPayload: 251,
    connectionIntervalMs: 7.5,
    packetsPerEvent: 4,
    setupRoundTrips: 8,
  },
  {
    kind: 'ble',
    name: 'BLE ATT_MTU 517, CI 30 ms',
    attMtu: 517,
    llPayload: 251,
    connectionIntervalMs: 30,
    packetsPerEvent: 4,
    setupRoundTrips: 8,
  },
  {
    kind: 'nfc',
    name: 'NFC 106 kbit/s',
    kbps: 106,
    apduLatencyMs: 3,
    frameSize: 256,
    responseChunk: 256,
    commandChunk: 255,
  },
  {
    kind: 'nfc',
    name: 'NFC 424 kbit/s',
    kbps: 424,
    apduLatencyMs: 3,
    frameSize: 256,
    responseChunk: 256,
    commandChunk: 255,
  },
];

export interface LinkTime {
  link_ms: number;
  /** Packets (BLE LL packets) or APDUs (NFC) for the two messages. */
  units: number;
}

function bleMessage(l: BleLink, bytes: number): { packets: number } {
  const perChunk = Math.min(l.attMtu - 3, 512) - 1;
  const chunks = Math.ceil(bytes / perChunk);
  let packets = 0;
  for (let c = 0; c < chunks; c++) {
    const data = c === chunks - 1 ? bytes - perChunk * (chunks - 1) : perChunk;
    const attPdu = 1 + 3 + data; // flag byte + ATT opcode/handle + data
    packets += Math.ceil((attPdu + 4) / l.llPayload); // + L2CAP header
  }
  return { packets };
}

function nfcBytesMs(l: NfcLink, bytes: number): number {
  const frames = Math.max(1, Math.ceil(bytes / (l.frameSize - 3)));
  const air = ((bytes + frames * 3) * 9) / (l.kbps * 1000); // seconds
  const fdt = frames * 0.1; // ms: frame delay time + R(ACK) for chaining, ~86-100 µs each
  return air * 1000 + fdt;
}

/** Air time of one transaction: request `requestBytes` to the phone, response `responseBytes` back. */
export function linkTime(l: Link, requestBytes: number, responseBytes: number): LinkTime {
  if (l.kind === 'ble') {
    const req = bleMessage(l, requestBytes);
    const res = bleMessage(l, responseBytes);
    const events = Math.ceil(req.packets / l.packetsPerEvent) + Math.ceil(res.packets / l.packetsPerEvent);
    // + the end-of-session State write and its round trip.
    const ms = (l.setupRoundTrips + events + 1) * l.connectionIntervalMs;
    return { link_ms: ms, units: req.packets + res.packets };
  }
  // NFC: engagement (SELECT NDEF AID, SELECT CC, READ CC, READ NDEF ~300 B), SELECT mdoc AID,
  // ENVELOPE(s) with the request, then the response in responseChunk pieces.
  const engagementApdus = 4;
  const selectApdus = 1;
  const envelopeApdus = Math.ceil((requestBytes + 4) / l.commandChunk);
  const responseApdus = Math.ceil((responseBytes + 4) / l.responseChunk);
  const apdus = engagementApdus + selectApdus + envelopeApdus + responseApdus;
  const overheadPerApdu = 5 + 2; // header + SW
  const ms =
    apdus * l.apduLatencyMs +
    nfcBytesMs(
      l,
      300 + requestBytes + responseBytes + apdus * overheadPerApdu + envelopeApdus * 6 /* DO'53' + BER length */,
    );
  return { link_ms: ms, units: apdus };
}

/**
 * Air time of a card read of `apdus` exchanges carrying `bytesOut` command bytes and `bytesIn` response
 * bytes (APDU headers and status words included, as the reader counts them) on an NFC link: the same
 * ISO 14443-4 model as above, without the mdoc engagement. The chip's own processing time per command
 * is NOT in it (a real passport chip takes milliseconds per READ BINARY and far more for PACE's EC
 * operations), so this is a lower bound of the link time and the kiosk share derived from it an upper bound.
 */
export function apduLinkTime(l: NfcLink, apdus: number, bytesOut: number, bytesIn: number): LinkTime {
  return { link_ms: apdus * l.apduLatencyMs + nfcBytesMs(l, bytesOut + bytesIn), units: apdus };
}
