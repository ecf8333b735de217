// Test doubles for the kiosk host: a scripted reader whose every step the test controls.
import type { Policy } from '../../core/policy/policy.ts';
import type { ReaderStatus } from '../../api/contract.ts';
import {
  ABORTED,
  errorOutcome,
  type CredentialReader,
  type ReadHooks,
  type ReadOutcome,
} from '../../main/host/reader.ts';

/** A reader driven by the test: `script` runs once per arming, with the hooks and the signal. */
export class ScriptedReader implements CredentialReader {
  arms = 0;
  policies: string[] = [];
  aborted = 0;
  private gate: ((v: unknown) => void) | null = null;
  constructor(
    readonly kind: 'card' | 'mdoc',
    readonly source: 'real' | 'training' = 'real',
    public script: (
      policy: Policy,
      signal: AbortSignal,
      hooks: ReadHooks,
      self: ScriptedReader,
    ) => Promise<ReadOutcome> = async (_p, signal) => {
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      return errorOutcome(ABORTED);
    },
  ) {}
  status(): ReaderStatus {
    return { kind: this.kind, source: this.source, label: `scripted ${this.kind}`, state: 'ready' };
  }
  async start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    this.arms++;
    this.policies.push(policy.name);
    signal.addEventListener('abort', () => this.aborted++, { once: true });
    return this.script(policy, signal, hooks, this);
  }
  /** Helper for scripts: wait until the test calls release() (or abort). */
  wait(signal: AbortSignal): Promise<boolean> {
    return new Promise((r) => {
      this.gate = r as (v: unknown) => void;
      signal.addEventListener('abort', () => r(false), { once: true });
    });
  }
  release(): void {
    const g = this.gate;
    this.gate = null;
    g?.(true);
  }
}

export function validOutcome(extra: Partial<ReadOutcome> = {}): ReadOutcome {
  return {
    verdict: 'valid',
    attributes: {
      age_over_20: true,
      name: '見本 花子',
      address: '東京都（見本）',
      birth_date: '1990-04-01',
      sex: '女',
    },
    photo: 'data:image/png;base64,AAAA',
    checks: [{ code: 'mso_signature', ok: true }],
    credential: { type: 'mdoc', docType: 'org.iso.18013.5.1.mDL', issuerKeyId: 'abc' },
    requested: ['age_over_20'],
    ...extra,
  };
}

export function tick(ms = 0): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(5);
  }
}

/** Cheap scrypt for tests (production: STAFF_PIN_KDF, N = 2^17); the kiosk under test is told the same. */
export const TEST_PIN_KDF = { N: 1024, r: 8, p: 1 } as const;

/** A staff PIN as `kakunin setup` leaves it, at the test cost. */
export async function setTestStaffPin(home: string, pin: string): Promise<void> {
  const { hashStaffPin, writeStaffPin } = await import('../../main/host/staff-pin.ts');
  writeStaffPin(home, await hashStaffPin(pin, 'cli', new Date(), TEST_PIN_KDF));
}
