// What the kiosk proposes in its Handover Request (ISO 18013-5 §8.2.2.1, negotiated handover): every
// carrier it can run at this moment and nothing else. BLE only with the roles an adapter really
// answered for (bleno = GATT server = mdoc central client mode; noble = GATT client = mdoc
// peripheral server mode); NFC data retrieval whenever the phone came in over an NFC reader, with
// the limits NfcDataRetrieval really supports. The staff setting orders them when both are offered.
import type { ReaderProposal } from '../../core/mdoc/engagement/index.ts';
import { randomServiceUuid } from '../../core/mdoc/transport/ble/uuids.ts';
import { NFC_RETRIEVAL_LIMITS } from '../../core/mdoc/transport/nfc/nfc-data-retrieval.ts';
import type { ReadMdocDeps } from './read-mdoc.ts';

export type PreferredTransport = 'ble' | 'nfc';

export function kioskProposal(o: {
  ble?: ReadMdocDeps['ble'] | undefined;
  nfc: boolean;
  random16bytes: Uint8Array;
  prefer?: PreferredTransport;
}): ReaderProposal {
  const p: ReaderProposal = {};
  const cc = !!o.ble?.peripheral;
  const ps = !!o.ble?.central;
  if (cc || ps) p.ble = { centralClientMode: cc, peripheralServerMode: ps, uuid: randomServiceUuid(o.random16bytes) };
  if (o.nfc) p.nfc = { ...NFC_RETRIEVAL_LIMITS };
  if (o.prefer) p.prefer = o.prefer;
  return p;
}
