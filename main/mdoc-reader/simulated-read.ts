// One read against the virtual wallet (`read-mdoc --simulate wallet:NAME`): the kiosk side runs
// exactly what it runs with a real phone (readMdoc, the noble / bleno adapters on simulated
// bindings, the NFC engagement code); only the phone and the radio are simulated.
// NFC scenarios go through pcscd + vpcd when a pcscd socket is reachable, else through the same NFC
// engagement code over an in-memory APDU channel; `transport.nfcPath` says which.
import type { PolicyName } from '../../core/policy/policy.ts';
import { readMdoc, type ReadMdocDeps, type ReadOutcome } from './read-mdoc.ts';
import { makeWallet, SCENARIOS, SimWorld, type ScenarioName } from './simulate.ts';
import { nfcSimulation } from './simulated-nfc.ts';

export async function simulateRead(
  name: ScenarioName,
  policy: PolicyName,
  base: Omit<ReadMdocDeps, 'ble'>,
): Promise<ReadOutcome> {
  const world = new SimWorld();
  const sc = SCENARIOS[name];
  const wallet = makeWallet(name, base.crypto, base.now());
  try {
    if (sc.engagement === 'qr') {
      const tx = world.qrTransaction(wallet);
      const outcome = await readMdoc({ policy, engage: tx.engage }, { ...base, ble: world.reader });
      await settle(tx.walletDone, 2000);
      outcome.transport.simulated = `wallet:${name}`;
      return outcome;
    }
    const nfc = await nfcSimulation(world, wallet, {
      dataRetrieval: 'nfcDataRetrieval' in sc && sc.nfcDataRetrieval === true,
    });
    try {
      const outcome = await readMdoc(
        { policy, engage: nfc.engage },
        {
          ...base,
          ble: world.reader,
          ...(nfc.nfcTransport ? { nfcTransport: nfc.nfcTransport, preferNfc: true } : {}),
        },
      );
      await settle(nfc.walletDone, 2000);
      Object.assign(outcome.transport, {
        simulated: `wallet:${name}`,
        nfcPath: nfc.path,
        ...(nfc.note ? { nfcNote: nfc.note } : {}),
      });
      return outcome;
    } finally {
      await nfc.close();
    }
  } finally {
    world.shutdown();
  }
}

/** Give the phone a moment to finish its side; never wait long (the world shuts down after). */
function settle(p: Promise<unknown>, ms: number): Promise<unknown> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise((r) => (t = setTimeout(r, ms)))]).finally(() => clearTimeout(t));
}
