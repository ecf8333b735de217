// NFC side of the simulated world: the virtual wallet as an ISO 14443-4 card
// (sim/wallet/nfc-tag.ts) tapped on the kiosk. Preferred path: the tag is a vpcd virtual card and the
// kiosk reads it through the real pcscd and pcsclite binding (main/nfc/pcsc-channel.ts). When no
// pcscd is reachable, the SAME reader code (core/mdoc/engagement's engageOverNfc) runs over an
// in-memory APDU channel straight into the tag; `path` says which.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EngagementResult } from '../../core/mdoc/engagement/index.ts';
import {
  ApduChannelError,
  engageOverNfc,
  parseHandoverRequest,
  parseHandoverSelect,
  type ApduChannel,
} from '../../core/mdoc/engagement/index.ts';
import type { MessageTransport } from '../../core/mdoc/transport/message-transport.ts';
import { TransportError } from '../../core/mdoc/transport/message-transport.ts';
import { kioskProposal, type PreferredTransport } from './reader-proposal.ts';
import type { VirtualWallet } from '../../sim/wallet/holder.ts';
import type { SimWorld } from './simulate.ts';
import { nfcDataRetrievalFactory } from './nfc-message-transport.ts';
import { pcscdReachable, pcscdSocketPath } from '../pcsc/pcscd-probe.ts';
import { errorText } from '../../core/errors.ts';

export interface NfcSimulation {
  path: 'pcscd+vpcd' | 'in-memory-apdu' | 'unavailable';
  /** Why the in-memory path was taken, when it was. */
  note?: string;
  engage: (timeoutMs: number) => Promise<EngagementResult>;
  nfcTransport?: (e: EngagementResult) => Promise<MessageTransport>;
  walletDone: Promise<string>;
  close(): Promise<void>;
}

/** Where pcsclite looks for pcscd's socket. */

interface TagModule {
  WalletNfcTag: new (wallet: VirtualWallet) => { process(apdu: Uint8Array): Uint8Array | Promise<Uint8Array> };
  VirtualNfcTag: {
    present(o: { port: number; holder: VirtualWallet }): Promise<{ remove(): void; closed: Promise<void> }>;
  };
}

/** vpcd's two virtual reader slots (docs/architecture.md "Platform facts"): TCP port -> PC/SC reader name. */
const VPCD_SLOTS = [
  { port: 35963, readerName: 'Virtual PCD 00 00' },
  { port: 35964, readerName: 'Virtual PCD 00 01' },
] as const;

/**
 * Claim a vpcd slot for this process. Parallel users (test files) coordinate with an atomic mkdir
 * next to pcscd's socket, the same convention as test/support/pcscd.ts.
 */
function claimSlot(): { port: number; readerName: string; release(): void } | null {
  const dir = dirname(pcscdSocketPath());
  for (const s of VPCD_SLOTS) {
    const lock = join(dir, `vpcd-${s.port}.lock`);
    try {
      mkdirSync(lock);
    } catch {
      continue;
    }
    return { ...s, release: () => rmSync(lock, { recursive: true, force: true }) };
  }
  return null;
}

async function loadTag(): Promise<TagModule | null> {
  try {
    return (await import('../../sim/wallet/nfc-tag.ts' as string)) as TagModule;
  } catch {
    return null;
  }
}

/** The UUID the phone's BLE role uses after the handover: Hs's, else the one the reader proposed in Hr. */
function uuidAfterHandover(
  wallet: VirtualWallet,
  h: { handoverSelect: Uint8Array; handoverRequest?: Uint8Array },
): string {
  if (wallet.profile.uuidInHandoverSelect || !h.handoverRequest) return wallet.currentEngagement!.bleUuid;
  const hr = parseHandoverRequest(h.handoverRequest);
  const ble = hr.carriers.find((c) => c.kind === 'ble');
  if (ble && ble.kind === 'ble' && ble.uuid) return ble.uuid;
  return wallet.currentEngagement!.bleUuid;
}

/** Whether a Handover Select chose BLE (the phone then starts its BLE role). */
export function selectsBle(hs: Uint8Array): boolean {
  try {
    return parseHandoverSelect(hs).carriers.some((c) => c.kind === 'ble');
  } catch {
    return false;
  }
}

export async function nfcSimulation(
  world: SimWorld,
  wallet: VirtualWallet,
  o: { dataRetrieval: boolean; allowPcscd?: boolean; prefer?: PreferredTransport },
): Promise<NfcSimulation> {
  const mod = await loadTag();
  wallet.newTransaction();
  if (!mod) {
    return {
      path: 'unavailable',
      engage: async () => {
        throw new TransportError(
          'transport_unavailable',
          'the virtual wallet NFC tag (sim/wallet/nfc-tag.ts) is not in this build; try --simulate wallet:qr',
        );
      },
      walletDone: Promise.resolve('not started'),
      close: async () => {},
    };
  }
  let resolveDone: (s: string) => void = () => {};
  const walletDone = new Promise<string>((r) => (resolveDone = r));
  wallet.onHandover = (h) => {
    // The phone's BLE role runs only when its Handover Select chose BLE (and the scenario is not an NFC-only one).
    if (!h || o.dataRetrieval || !selectsBle(h.handoverSelect)) {
      resolveDone('nfc');
      return;
    }
    void world.walletBle(wallet, uuidAfterHandover(wallet, h), wallet.bleModes, 30_000).then(resolveDone);
  };
  // The simulated kiosk has both BLE roles (sim radio) and the NFC link: it offers all of them.
  const nfcOptions = () => ({
    proposal: kioskProposal({
      ble: world.reader,
      nfc: true,
      random16bytes: crypto.getRandomValues(new Uint8Array(16)),
      ...(o.prefer ? { prefer: o.prefer } : {}),
    }),
    random16: crypto.getRandomValues(new Uint16Array(1))[0]!,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  });

  // Preferred: the phone as a vpcd card, read through the real pcscd and pcsclite binding.
  let note: string;
  if (o.allowPcscd === false) note = 'pcscd not requested';
  else if (!pcscdReachable())
    note = `pcscd unreachable (no socket ${pcscdSocketPath()}): the NFC handover ran in-process, same engagement code, in-memory APDU channel`;
  else {
    const slot = claimSlot();
    if (!slot) note = 'both vpcd slots busy: in-memory APDU channel';
    else {
      try {
        const { PcscNfcReader } = await import('../nfc/pcsc-channel.ts');
        const reader = await PcscNfcReader.open({ readerName: slot.readerName, timeoutMs: 3000 });
        const vtag = await mod.VirtualNfcTag.present({ port: slot.port, holder: wallet });
        let live: ApduChannel | null = null;
        const nfcTransport = o.dataRetrieval ? nfcDataRetrievalFactory(() => live) : undefined;
        return {
          path: 'pcscd+vpcd',
          ...(nfcTransport ? { nfcTransport } : {}),
          engage: async (timeoutMs) => engageOverNfc((live = await reader.waitForTag(timeoutMs)), nfcOptions()),
          walletDone,
          close: async () => {
            wallet.onHandover = null;
            // Take the phone away and let pcscd see the slot empty before the next user claims it.
            vtag.remove();
            await Promise.race([vtag.closed, new Promise((r) => setTimeout(r, 1000))]);
            await reader.waitForRemoval(2000);
            await reader.close();
            slot.release();
          },
        };
      } catch (e) {
        slot.release();
        note = `pcscd + vpcd failed (${errorText(e)}): in-memory APDU channel`;
      }
    }
  }

  // Fallback: the same reader code (engageOverNfc) over an in-memory APDU channel into the tag.
  // Created after the hook: a static-handover tag serves (and reports) its Hs at once.
  const tag = new mod.WalletNfcTag(wallet);
  const channel: ApduChannel = {
    transmit: async (apdu) => {
      try {
        return await tag.process(apdu);
      } catch (e) {
        // The phone left the field: what a PC/SC adapter reports as a lost tag.
        if ((e as { code?: string }).code === 'nfc_tag_lost')
          throw new ApduChannelError('nfc_tag_lost', 'the phone was taken off the reader');
        throw e;
      }
    },
  };
  const nfcTransport = o.dataRetrieval ? nfcDataRetrievalFactory(() => channel) : undefined;
  return {
    path: 'in-memory-apdu',
    note,
    ...(nfcTransport ? { nfcTransport } : {}),
    engage: async () => engageOverNfc(channel, nfcOptions()),
    walletDone,
    close: async () => {
      wallet.onHandover = null;
    },
  };
}
