// Credential readers for the soak: simulated DEVICES, real WORK. They plug into the host
// through the same CredentialReader seam as the real adapters, and every transaction runs the real
// code: for a phone, an ISO 18013-5 reader session (ephemeral ECDH, HKDF, AES-GCM both ways) and
// DeviceResponse verification against the test trust store; for a card, the whole My Number Card
// read (core/card/read-card.ts) against the in-process virtual card (sim/card), with the 照合番号B
// asked through the host's keypad input. Faults are injected per transaction: tampered, expired and
// garbage responses, a phone that walks away, cards with wrong signatures, tampered files or pulled
// mid-read.
import { EmbeddedCbor, encodeCbor } from '../../core/cbor/index.ts';
import type { Check } from '../../core/check.ts';
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import type { Policy } from '../../core/policy/policy.ts';
import {
  ReaderSession,
  SessionEncryption,
  decodeSessionEstablishment,
  deriveSessionKeys,
  encodeSessionData,
} from '../../core/mdoc/session/index.ts';
import { verifyDeviceResponse } from '../../core/mdoc/verify.ts';
import type { TrustStore } from '../../core/trust/trust-store.ts';
import { readMyNumberCard } from '../../core/card/read-card.ts';
import { CardChannel } from '../../core/card/apdu.ts';
import type { Attributes, ReaderKind, ReaderStatus } from '../../api/contract.ts';
import {
  ABORTED,
  errorOutcome,
  type CredentialReader,
  type ReadHooks,
  type ReadOutcome,
} from '../../main/host/reader.ts';
import { VirtualMyNumberCard } from '../../sim/card/virtual-card.ts';
import type { CardFault } from '../../sim/card/card-files.ts';
import type { Scenario } from '../bench/fixtures.ts';

export type MdocVariant = 'valid' | 'tampered' | 'expired' | 'garbage' | 'walked-away';
export type CardVariant = 'valid' | CardFault;
export type Presentation = { kind: 'mdoc'; variant: MdocVariant } | { kind: 'card'; variant: CardVariant };

const WALKED_AWAY = {
  code: 'ble_disconnected',
  messageJa: 'スマートフォンとの接続が切れました',
  messageEn: 'The connection to the phone was lost',
  nextJa: 'もう一度お試しください',
  nextEn: 'Please try again',
};

/** Waits for the driver to present something, like a reader waits for a tap. */
abstract class SoakReader implements CredentialReader {
  abstract readonly kind: ReaderKind;
  readonly source = 'training' as const;
  private waiter: ((p: Presentation) => void) | null = null;
  reads = 0;

  status(): ReaderStatus {
    return { kind: this.kind, source: 'training', label: `soak ${this.kind} (simulated device)`, state: 'ready' };
  }

  /** Present a credential to this (armed) reader; false when it is not waiting. */
  present(p: Presentation): boolean {
    const w = this.waiter;
    if (!w) return false;
    this.waiter = null;
    w(p);
    return true;
  }

  get armed(): boolean {
    return this.waiter !== null;
  }

  async start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    const p = await new Promise<Presentation | null>((resolve) => {
      if (signal.aborted) return resolve(null);
      const onAbort = (): void => {
        this.waiter = null;
        resolve(null);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (x) => {
        signal.removeEventListener('abort', onAbort);
        resolve(x);
      };
    });
    if (!p) return errorOutcome(ABORTED);
    if (!hooks.onProgress({ step: 'detected', fraction: 0.1 })) return errorOutcome(ABORTED);
    this.reads++;
    return this.read(policy, p, signal, hooks);
  }

  protected abstract read(policy: Policy, p: Presentation, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome>;
}

export class SoakMdocReader extends SoakReader {
  readonly kind = 'mdoc' as const;
  private readonly eDevice;
  private readonly de: Uint8Array;
  private readonly eDeviceKeyBytes: EmbeddedCbor;

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly trust: TrustStore,
    /** age_over_20 and identity responses (bench fixtures), all verifying under `trust`. */
    private readonly scenarios: { age: Scenario; identity: Scenario },
    private readonly now: () => Date,
  ) {
    super();
    this.eDevice = crypto.generateEcKey('P-256');
    this.eDeviceKeyBytes = EmbeddedCbor.wrap(
      new Map<number, unknown>([
        [1, 2],
        [-1, 1],
        [-2, this.eDevice.publicKey.subarray(1, 33)],
        [-3, this.eDevice.publicKey.subarray(33)],
      ]) as never,
    );
    this.de = encodeCbor(
      new Map<number, unknown>([
        [0, '1.0'],
        [1, [1, this.eDeviceKeyBytes]],
      ]) as never,
    );
  }

  protected async read(policy: Policy, p: Presentation, _signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    const v = p.variant as MdocVariant;
    const s = policy.name === 'age-over-20' ? this.scenarios.age : this.scenarios.identity;
    const requested = Object.entries(s.requested).flatMap(([ns, els]) => els.map((e) => `${ns}:${e}`));
    const credential: ReadOutcome['credential'] = {
      type: 'mdoc',
      docType: s.docType,
      engagement: 'qr',
      transport: 'ble-central',
    };
    // Session: the kiosk's real reader session; the phone's side is simulated here.
    const session = ReaderSession.start(this.crypto, {
      deviceEngagement: this.de,
      eDeviceKeyBytes: this.eDeviceKeyBytes,
      handover: { kind: 'qr' },
    });
    try {
      const est = decodeSessionEstablishment(session.establishment(new Uint8Array(64).fill(1)));
      hooks.onProgress({ step: 'engaged', fraction: 0.3 });
      const rk = est.eReaderKeyBytes.decode() as Map<number, Uint8Array>;
      const holder = new SessionEncryption(
        this.crypto,
        'mdoc',
        deriveSessionKeys(
          this.crypto,
          'P-256',
          this.eDevice.privateKey,
          new Uint8Array([4, ...rk.get(-2)!, ...rk.get(-3)!]),
          session.transcript.bytes,
        ),
      );
      holder.decrypt(est.data);
      if (v === 'walked-away') return { ...errorOutcome(WALKED_AWAY, 'mdoc'), credential, requested };
      let response = s.deviceResponse;
      if (v === 'tampered') {
        response = response.slice();
        response[response.length - 40] ^= 0x04;
      } else if (v === 'garbage') {
        response = this.crypto.randomBytes(64 + (this.reads % 512));
      }
      const reply = session.openReply(encodeSessionData({ data: holder.encrypt(response) }));
      hooks.onProgress({ step: 'verifying', fraction: 0.8 });
      const now = v === 'expired' ? new Date('2031-06-01T00:00:00Z') : this.now();
      const r = verifyDeviceResponse(reply.deviceResponse!, {
        crypto: this.crypto,
        trust: this.trust,
        now,
        transcript: s.sessionTranscriptBytes,
        request: { [s.docType]: s.requested },
      });
      const checks: Check[] = r.documents.flatMap((d) => d.checks);
      if (checks.length === 0) checks.push(...r.checks);
      if (r.verdict !== 'valid') {
        const e = r.errors[0];
        return {
          verdict: 'invalid',
          attributes: {},
          checks: checks.length ? checks : [{ code: e?.code ?? 'malformed_cbor', ok: false }],
          error: {
            code: e?.code ?? 'invalid',
            messageJa: e?.message_ja ?? '無効',
            messageEn: e?.message ?? 'invalid',
            nextJa: '',
            nextEn: '',
          },
          credential,
          requested,
        };
      }
      const attributes: Attributes = {};
      const el = r.documents[0]!.elements['org.iso.18013.5.1'] ?? {};
      if (policy.shows.includes('age_over_20')) attributes.age_over_20 = el.age_over_20 === true;
      if (policy.shows.includes('name') && typeof el.family_name === 'string')
        attributes.name = `${el.family_name} ${String(el.given_name ?? '')}`;
      return { verdict: 'valid', attributes, checks, credential, requested };
    } finally {
      session.close();
    }
  }
}

export class SoakCardReader extends SoakReader {
  readonly kind = 'card' as const;
  constructor(
    private readonly crypto: CryptoProvider,
    private readonly trust: TrustStore,
    private readonly at: Date,
    private readonly matchingB: string,
  ) {
    super();
  }

  protected async read(policy: Policy, p: Presentation, _signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    const v = p.variant as CardVariant;
    const card = new VirtualMyNumberCard(v === 'valid' ? {} : { faults: [v], pullAtReadBinary: 3 });
    const credential: ReadOutcome['credential'] = {
      type: 'mynumber-card',
      docType: 'jp.mynumber-card.gen1',
      engagement: 'card',
      transport: 'pcsc',
    };
    // Staff key in the 照合番号B on the kiosk keypad (through the host, as the real card adapter does).
    const digits = await hooks.requestInput({ kind: 'matching-b', digits: this.matchingB.length, retry: false });
    if (digits === null) return { ...errorOutcome(ABORTED, 'mynumber-card'), credential, requested: [] };
    const channel = new CardChannel({
      transmit: async (cmd: Uint8Array) => {
        try {
          return card.process(cmd);
        } catch (e) {
          // The virtual card throws CardPulled when it leaves the field: a reader reports that as
          // a transport failure, which read-card turns into a typed error.
          throw Object.assign(new Error(`card removed: ${(e as Error).message}`), { code: 'card_removed' });
        }
      },
    } as never);
    const r = await readMyNumberCard({
      channel,
      policy: policy.name,
      unlock: { kind: 'check_number_b', digits },
      trust: this.trust as never,
      crypto: this.crypto,
      at: this.at,
      now: () => performance.now(),
    });
    const requested = r.requested;
    if (r.verdict !== 'valid') {
      const e = r.errors[0];
      const failed = r.checks.find((c) => !c.ok);
      const code = (e as { code?: string } | undefined)?.code ?? failed?.code ?? 'invalid';
      return {
        verdict: e && !failed ? 'error' : 'invalid',
        attributes: {},
        checks: r.checks.length ? r.checks : [{ code, ok: false }],
        error: { code, messageJa: '無効', messageEn: 'invalid', nextJa: '', nextEn: '' },
        credential,
        requested,
      };
    }
    const attributes: Attributes = {};
    const a = r.attributes as Record<string, unknown>;
    if (typeof a.age_over_20 === 'boolean') attributes.age_over_20 = a.age_over_20;
    if (typeof a.name === 'string') attributes.name = a.name;
    if (typeof a.address === 'string') attributes.address = a.address;
    if (typeof a.birth_date === 'string') attributes.birth_date = a.birth_date;
    if (typeof a.sex === 'string') attributes.sex = a.sex;
    return { verdict: 'valid', attributes, checks: r.checks, credential, requested };
  }
}
