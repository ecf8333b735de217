// NFC negotiated handover, reader side (ISO 18013-5 §8.2.2.1 with NFC Forum TNEP 1.0 single
// response mode), after the initial NDEF showed a Service Parameter for urn:nfc:sn:handover:
//   1. write Service Select (Ts) -> wait T_wait -> read: Status (Te) must be 0x00;
//   2. write the kiosk's Handover Request (Hr: cr, ac records for every carrier it can run now:
//      BLE OOB with the proposed UUID and role when an adapter answers, the NFC carrier record
//      when the tap came through an NFC reader);
//   3. wait T_wait, read NLEN; while NLEN = 0 (the wallet asks for more time, TNEP §4.1.7) wait
//      T_wait again, at most N_wait times (bounded: `maxEmptyPolls`), else `tnep_timeout`;
//   4. read and parse the Handover Select. Handover = [HandoverSelectBytes, HandoverRequestBytes].
//      Data retrieval then follows what the Hs selected (an Hs selecting nothing: handover_no_carrier).
// Apple Wallet: WT 0x14 (16 ms), N_wait 15, several NLEN = 0 answers, Hs without UUID.
//
// Entry points: `runNegotiatedHandover(tag, serviceParameter, options)`.
import { EngagementError } from './codes.ts';
import type { Sleep } from './apdu-channel.ts';
import type { EngagementResult } from './engagement-result.ts';
import { negotiatedHandover } from './handover.ts';
import { buildHandoverRequest, proposedCarriers, type ReaderProposal } from './handover-request.ts';
import { parseHandoverSelect } from './handover-select.ts';
import { resultFromSelect } from './static-handover.ts';
import { buildNdefMessage, parseNdefMessage } from './ndef.ts';
import { buildServiceSelect, parseStatus, tWaitMs, type ServiceParameter } from './tnep.ts';
import type { Type4Tag } from './type4-tag.ts';

export interface NegotiatedHandoverOptions {
  proposal: ReaderProposal;
  /** 16-bit collision resolution random number (pass crypto randomness in). */
  random16: number;
  sleep: Sleep;
  /** Cap on empty polls whatever N_wait says (default 15, the 4-bit maximum). */
  maxEmptyPolls?: number;
}

export async function runNegotiatedHandover(
  tag: Type4Tag,
  sp: ServiceParameter,
  o: NegotiatedHandoverOptions,
): Promise<EngagementResult & { stats: { apdus: number; emptyPolls: number } }> {
  const tWait = tWaitMs(sp.wt);
  const allowed = Math.min(sp.nWait, o.maxEmptyPolls ?? 15);
  let emptyPolls = 0;

  const exchange = async (message: Uint8Array, what: string): Promise<Uint8Array> => {
    await tag.writeNdef(message, sp.maxNdefSize);
    await o.sleep(tWait);
    for (let waits = 0; ; waits++) {
      const nlen = await tag.readNlen();
      if (nlen > 0) return tag.readBody(nlen);
      if (waits >= allowed)
        throw new EngagementError(
          'tnep_timeout',
          `${what}: still NLEN = 0 after ${waits} extra waits of ${tWait} ms (N_wait ${sp.nWait})`,
        );
      emptyPolls++;
      await o.sleep(tWait);
    }
  };

  const statusMsg = await exchange(buildNdefMessage([buildServiceSelect()]), 'Status');
  const status = parseStatus(parseNdefMessage(statusMsg));
  if (status !== 0x00)
    throw new EngagementError('tnep_status_error', `TNEP status 0x${status.toString(16).padStart(2, '0')}`);

  const hr = buildHandoverRequest(o.proposal, o.random16 & 0xffff);
  const carriersOffered = proposedCarriers(o.proposal);
  const hsBytes = await exchange(hr, 'Handover Select');
  const hs = parseHandoverSelect(hsBytes);
  const r = resultFromSelect(hs, 'nfc-negotiated', negotiatedHandover(hs.bytes, hr), o.proposal.ble?.uuid);
  return { ...r, carriersOffered, stats: { apdus: tag.apdus, emptyPolls } };
}
