// Training mode's phone: the virtual wallet (sim/wallet) on the simulated BLE radio (sim/ble), read
// by the REAL phone reader (PhoneReader -> read-mdoc -> core/mdoc verification), so staff practise
// on the same code path a customer's phone takes. Verification uses the project's TEST roots
// (resources/test-trust), which is why this only exists in training mode (labelled on screen).
import { TEST_TRUST_DIR } from '../../project-root.ts';
import type { TrainingScenario } from '../../../api/contract.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { makeWallet, SimWorld, type ScenarioName } from '../../mdoc-reader/simulate.ts';
import { PhoneReader } from './mdoc.ts';

export { TEST_TRUST_DIR };

const WALLET_SCENARIO: Partial<Record<TrainingScenario, ScenarioName>> = {
  'phone-ok': 'qr',
  'phone-tampered': 'tamper',
  'phone-expired': 'stale',
  'phone-walked-away': 'walk-away',
};

export class SimulatedPhone {
  readonly world = new SimWorld();
  readonly reader: PhoneReader;
  constructor(o: { trustDir?: string } = {}) {
    this.reader = new PhoneReader({
      ble: this.world.reader,
      trustDir: o.trustDir ?? TEST_TRUST_DIR,
      label: '訓練用スマートフォン (virtual wallet, simulated radio)',
      source: 'training',
      timeouts: { engagementMs: 5000, connectMs: 4000, responseMs: 4000 },
    });
  }

  /** The phone shows its QR code and the scanner hands the text over; false if no reader waits. */
  present(s: TrainingScenario): boolean {
    const name = WALLET_SCENARIO[s];
    if (!name) return false;
    const tx = this.world.qrTransaction(makeWallet(name, nodeCrypto, new Date()));
    tx.walletDone.catch(() => undefined);
    return this.reader.acceptEngagement(tx.text);
  }

  close(): void {
    this.world.shutdown();
  }
}
