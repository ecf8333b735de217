// What the session layer needs from any data-retrieval transport (BLE either mode, NFC): move whole
// session messages (SessionEstablishment / SessionData bytes) and end cleanly. BLE implements it in
// core/mdoc/transport/ble/, NFC data retrieval (ENVELOPE / GET RESPONSE) in main/nfc.
export interface MessageTransport {
  /** Short name for the result JSON, e.g. "ble-central-client", "ble-peripheral-server", "nfc". */
  readonly kind: string;
  /** Details for the result JSON (MTU, UUID...). No personal data. */
  describe(): Record<string, string | number | boolean>;
  /** Send one whole message. Rejects with a TransportError. */
  send(message: Uint8Array): Promise<void>;
  /** The next whole message from the holder, or a TransportError (timeout, link lost, holder ended). */
  receive(timeoutMs: number): Promise<Uint8Array>;
  /** Send a session-termination message (SessionData status 20) where no reply is expected (NFC). */
  terminate?(message: Uint8Array): Promise<void>;
  /**
   * End the transaction: transport-specific termination where there is one (BLE State 0x02,
   * ISO 18013-5 §8.3.3.1.1.5) and release the link. Never throws; safe to call twice.
   */
  close(): Promise<void>;
}

export type TransportErrorCode =
  | 'transport_unavailable' // no adapter / radio not powered on / reader absent
  | 'transport_peer_not_found' // nobody advertised or connected in time
  | 'transport_service_incomplete' // GATT service lacks a required characteristic
  | 'transport_timeout' // no (complete) message in time
  | 'transport_link_lost' // link supervision timeout: the phone walked away
  | 'transport_disconnected' // the link dropped between messages
  | 'transport_disconnected_mid_message' // the link dropped with part of a message received
  | 'transport_peer_terminated' // the holder sent the end signal (BLE State 0x02) before answering
  | 'transport_protocol_error' // malformed chunk / unexpected state value
  | 'transport_message_too_large'
  | 'transport_closed' // used after close()
  | 'phone_needs_bluetooth'; // the phone selected only BLE and this kiosk has no Bluetooth adapter

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
  }
}
