// NFC side of the simulated world: the virtual wallet as an ISO 14443-4 card (H3a's
// sim/wallet/nfc-tag.ts) tapped on the kiosk. Preferred path: the tag is a vpcd virtual card and the
// kiosk reads it through the real pcscd and pcsclite binding (main/nfc/pcsc-channel.ts). When no
// pcscd is reachable, the SAME reader code (core/mdoc/engagement's engageOverNfc) runs over an
// in-memory APDU channel straight into the tag; `path` says which.
import { existsSync } from 'node:fs';
import type { EngagementResult } from '../../core/mdoc/engagement/index.ts';
import { engageOverNfc, parseHandoverRequest, type ApduChannel } from '../../core/mdoc/engagement/index.ts';
import type { MessageTransport } from '../../core/mdoc/transport/message-transport.ts';
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';
import { randomServiceUuid } from '../../core/mdoc/transport/ble/uuids.ts';
import type { VirtualWallet } from '../../sim/wallet/holder.ts';
import type { SimWorld } from './simulate.ts';

export interface NfcSimulation {
  path: 'pcscd+vpcd' | 'in-memory-apdu' | 'unavailable';
  engage: (timeoutMs: number) => Promise<EngagementResult>;
  nfcTransport?: (e: EngagementResult) => Promise<MessageTransport>;
  walletDone: Promise<string>;
  close(): Promise<void>;
}

/** Where pcsclite looks for pcscd's socket. */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

export function pcscdReachable(): boolean {
  return existsSync(pcscdSocketPath());
}

interface TagModule {
  WalletNfcTag: new (wallet: VirtualWallet) => { process(apdu: Uint8Array): Uint8Array | Promise<Uint8Array> };
}

async function loadTag(): Promise<TagModule | null> {
  try {
    return (await import('../../sim/wallet/nfc-tag.ts' as string)) as TagModule;
  } catch {
    return null;
  }
}

/** The UUID the phone's BLE role uses after the handover: Hs's, else the one the reader proposed in Hr. */
function uuidAfterHandover(wallet: VirtualWallet, h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array }): string {
  if (wallet.profile.uuidInHandoverSelect || !h.handoverRequest) return wallet.currentEngagement!.bleUuid;
  const hr = parseHandoverRequest(h.handoverRequest);
  const ble = hr.carriers.find((c) => c.kind === 'ble');
  if (ble && ble.kind === 'ble' && ble.uuid) return ble.uuid;
  return wallet.currentEngagement!.bleUuid;
}

export async function nfcSimulation(world: SimWorld, wallet: VirtualWallet, o: { dataRetrieval: boolean }): Promise<NfcSimulation> {
  const mod = await loadTag();
  wallet.newTransaction();
  if (!mod) {
    return {
      path: 'unavailable',
      engage: async () => {
        throw new TransportError('transport_unavailable', 'the virtual wallet NFC tag (sim/wallet/nfc-tag.ts) is not in this build; try --simulate wallet:qr');
      },
      walletDone: Promise.resolve('not started'),
      close: async () => {},
    };
  }
  const tag = new mod.WalletNfcTag(wallet);
  let resolveDone: (s: string) => void = () => {};
  const walletDone = new Promise<string>((r) => (resolveDone = r));
  wallet.onHandover = (h) => {
    if (!h || o.dataRetrieval) {
      resolveDone('nfc');
      return;
    }
    void world.walletBle(wallet, uuidAfterHandover(wallet, h), wallet.bleModes, 30_000).then(resolveDone);
  };
  // In-memory APDU channel (pcscd+vpcd wiring is added in simulated-nfc-pcsc when H3a's pieces land).
  const channel: ApduChannel = { transmit: async (apdu) => tag.process(apdu) };
  const proposedUuid = randomServiceUuid(crypto.getRandomValues(new Uint8Array(16)));
  return {
    path: 'in-memory-apdu',
    engage: async () =>
      engageOverNfc(channel, {
        proposal: { ble: { centralClientMode: true, peripheralServerMode: true, uuid: proposedUuid } },
        random16: crypto.getRandomValues(new Uint16Array(1))[0]!,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      }),
    walletDone,
    close: async () => {
      wallet.onHandover = null;
    },
  };
}
