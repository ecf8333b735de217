// The abstract BLE links the mdoc transports run over. main/ble implements them with noble (GATT
// client / central) and bleno (GATT server / peripheral) through injected bindings, so the same state
// machines run on a real radio and on sim/ble's simulated one. UUIDs are lowercase without dashes.

/** Reader as GATT client (mdoc peripheral server mode). */
export interface GattClientLink {
  /**
   * Scan for a peripheral advertising `serviceUuid`, connect, let the stack negotiate the ATT MTU and
   * discover that service. Rejects with a TransportError (unavailable, peer_not_found, timeout).
   */
  connect(serviceUuid: string, timeoutMs: number): Promise<GattClientConnection>;
}

export interface GattClientConnection {
  /** Negotiated ATT_MTU. */
  readonly mtu: number;
  /** Characteristic UUIDs found in the service. */
  readonly characteristics: readonly string[];
  subscribe(uuid: string, onValue: (data: Uint8Array) => void): Promise<void>;
  write(uuid: string, data: Uint8Array, withoutResponse: boolean): Promise<void>;
  read(uuid: string): Promise<Uint8Array>;
  /** Called once when the link goes down; `reason` distinguishes supervision timeout ("link-lost"). */
  onDisconnect(cb: (reason: DisconnectReason) => void): void;
  disconnect(): Promise<void>;
}

export type DisconnectReason = 'link-lost' | 'remote' | 'local';

export type GattProperty = 'read' | 'writeWithoutResponse' | 'write' | 'notify';

export interface GattCharacteristicDefinition {
  uuid: string;
  properties: GattProperty[];
  /** Fixed value for read-only characteristics (Ident). */
  value?: Uint8Array;
}

export interface GattServiceDefinition {
  uuid: string;
  characteristics: GattCharacteristicDefinition[];
}

/** Events a GATT server sees from its one client. */
export interface GattServerEvents {
  onConnect(): void;
  onSubscribe(uuid: string, maxValueSize: number): void;
  onUnsubscribe(uuid: string): void;
  onWrite(uuid: string, data: Uint8Array): void;
  onDisconnect(reason: DisconnectReason): void;
}

/** Reader as GATT server (mdoc central client mode). */
export interface GattServerLink {
  /** Publish the service and advertise its UUID. Rejects with TransportError('transport_unavailable'). */
  serve(service: GattServiceDefinition, events: GattServerEvents, timeoutMs: number): Promise<GattServerHandle>;
}

export interface GattServerHandle {
  /** Notify the subscribed client (value length at most the subscription's maxValueSize). */
  notify(uuid: string, data: Uint8Array): Promise<void>;
  /** Drop the connected client, if any. */
  disconnect(): Promise<void>;
  /** Stop advertising, remove the service, drop any client. Idempotent. */
  stop(): Promise<void>;
}
