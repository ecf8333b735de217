// One mdoc read, end to end (docs/architecture.md "One transaction"): engagement (QR text or NFC) ->
// session (fresh ephemeral key, SessionTranscript, SKReader/SKDevice) -> DeviceRequest built from
// the policy -> transport (BLE central client or peripheral server mode, or NFC data retrieval) ->
// verify (core/mdoc/verify.ts, every check) -> only the policy's elements. Whatever happens, the
// transport is closed and the session keys forgotten before this returns (the reader is idle
// again), and every stage runs under a timeout: nothing here can hang.
import type { CryptoProvider } from '../../core/crypto/provider.ts';
import { EngagementError, type EngagementResult } from '../../core/mdoc/engagement/index.ts';
import { ApduChannelError } from '../../core/mdoc/engagement/apdu-channel.ts';
import {
  ForbiddenElementError,
  NotRequestableError,
  deviceRequestForPolicy,
  policyElements,
  SUPPORTED_DOCTYPES,
} from '../../core/mdoc/request/index.ts';
import { ReaderSession, SessionError } from '../../core/mdoc/session/index.ts';
import {
  CentralClientReader,
  PeripheralServerReader,
  type GattClientLink,
  type GattServerLink,
} from '../../core/mdoc/transport/ble/index.ts';
import { TransportError, type MessageTransport } from '../../core/mdoc/transport/message-transport.ts';
import { NfcRetrievalError } from '../../core/mdoc/transport/nfc/codes.ts';
import type { Timers } from '../../core/mdoc/transport/timers.ts';
import { verifyDeviceResponse, type ElementRequest, type ResponseResult } from '../../core/mdoc/verify.ts';
import type { PolicyName } from '../../core/policy/policy.ts';
import type { TrustStore } from '../../core/trust/trust-store.ts';
import { rejectedResponse } from './error-messages.ts';
import type { ReaderAuthSigner } from '../trust/reader-auth.ts';
import { errorText } from '../../core/errors.ts';

export type BleModeName = 'central-client' | 'peripheral-server';

export interface ReadTimeouts {
  /** Engagement (QR parse is instant; NFC engagement includes the wallet's handover polling). */
  engagementMs: number;
  /** BLE: the phone connecting and starting (central client) or being found (peripheral server). */
  connectMs: number;
  /** The phone's answer to the request (users may confirm on the phone first). */
  responseMs: number;
}

export const DEFAULT_TIMEOUTS: ReadTimeouts = { engagementMs: 15_000, connectMs: 20_000, responseMs: 30_000 };

export interface ReadMdocDeps {
  crypto: CryptoProvider;
  trust: TrustStore;
  now: () => Date;
  timers: Timers;
  /** BLE links (either may be missing: no adapter, or a platform without that role). */
  ble?: { central?: GattClientLink; peripheral?: GattServerLink };
  /** NFC data retrieval over the engagement's NFC link (main/nfc), when the phone offers it. */
  nfcTransport?: (engagement: EngagementResult) => Promise<MessageTransport>;
  /** Which BLE mode to run when the phone offers both (default central client: Apple's mode). */
  preferBleMode?: BleModeName;
  /** Prefer NFC data retrieval over BLE when both are offered (staff setting, default BLE). */
  preferNfc?: boolean;
  /** Sign every DocRequest (ISO 18013-5 §9.1.4) with the kiosk's reader certificate, when installed. */
  readerAuth?: ReaderAuthSigner;
  timeouts?: Partial<ReadTimeouts>;
}

export interface ReadMdocRequest {
  policy: PolicyName;
  /** Produces the engagement; given the deadline in ms. Throws EngagementError / ApduChannelError. */
  engage: (timeoutMs: number) => Promise<EngagementResult>;
}

export interface ReadTimings {
  engagement: number;
  session: number;
  transfer: number;
  verify: number;
}

/** read-mdoc's `transport` object (JSON contract: `readerAuth`, `carriersOffered`, ...). No personal data. */
export type TransportInfo = Record<string, string | number | boolean | null | string[]>;

export interface ReadOutcome {
  result: ResponseResult;
  /** Where the read ended: which stage failed, if any. */
  stage: 'engagement' | 'session' | 'transfer' | 'verify' | 'done';
  transport: TransportInfo;
  timings: ReadTimings;
  /** SHA-256 of SessionTranscriptBytes (hex): distinct per transaction (fresh keys). Not printed. */
  sessionId?: string;
}

/** The policy's elements as verify's ElementRequest (what may be shown). */
export function elementRequestForPolicy(policy: PolicyName): ElementRequest {
  const out: Record<string, Record<string, string[]>> = {};
  for (const docType of SUPPORTED_DOCTYPES) {
    const nss: Record<string, string[]> = {};
    for (const { namespace, element } of policyElements(policy, docType)) (nss[namespace] ??= []).push(element);
    out[docType] = nss;
  }
  return out;
}

function codeOf(e: unknown): { code: string; detail: string } {
  if (
    e instanceof EngagementError ||
    e instanceof SessionError ||
    e instanceof TransportError ||
    e instanceof ApduChannelError ||
    e instanceof ForbiddenElementError ||
    e instanceof NotRequestableError ||
    e instanceof NfcRetrievalError
  ) {
    return { code: e.code, detail: e.message };
  }
  return { code: 'read_aborted', detail: errorText(e).slice(0, 300) };
}

async function withDeadline<T>(timers: Timers, p: Promise<T>, ms: number, err: () => Error): Promise<T> {
  let h: unknown;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        h = timers.setTimeout(() => reject(err()), ms);
      }),
    ]);
  } finally {
    timers.clearTimeout(h);
  }
}

/** Choose and open the data-retrieval transport the phone offered. */
async function openTransport(deps: ReadMdocDeps, eng: EngagementResult, t: ReadTimeouts): Promise<MessageTransport> {
  const ble = eng.ble;
  const canCc = !!(ble?.centralClientMode && ble.centralClientUuid && deps.ble?.peripheral);
  const canPs = !!(ble?.peripheralServerMode && ble.peripheralServerUuid && deps.ble?.central);
  const canNfc = !!(eng.nfc && deps.nfcTransport);
  // A phone whose Handover Select chose only BLE (Apple Wallet does) at a kiosk without an adapter:
  // nothing can be done over NFC; say exactly that (its own code, ja/en in error-messages.ts).
  if (ble && !eng.nfc && !deps.ble?.central && !deps.ble?.peripheral) {
    throw new TransportError(
      'phone_needs_bluetooth',
      `the phone selected only BLE (${[ble.centralClientMode ? 'central client' : '', ble.peripheralServerMode ? 'peripheral server' : ''].filter(Boolean).join(' + ')}); this kiosk has no Bluetooth adapter`,
    );
  }
  const timeouts = { connectMs: t.connectMs, timers: deps.timers };
  if (canNfc && (deps.preferNfc || (!canCc && !canPs))) return deps.nfcTransport!(eng);
  const order: BleModeName[] =
    deps.preferBleMode === 'peripheral-server'
      ? ['peripheral-server', 'central-client']
      : ['central-client', 'peripheral-server'];
  for (const mode of order) {
    if (mode === 'central-client' && canCc)
      return CentralClientReader.open(
        deps.ble!.peripheral!,
        deps.crypto,
        ble!.centralClientUuid!,
        eng.deviceEngagement.eDeviceKeyBytes.raw,
        timeouts,
      );
    if (mode === 'peripheral-server' && canPs)
      return PeripheralServerReader.open(deps.ble!.central!, ble!.peripheralServerUuid!, timeouts);
  }
  if (canNfc) return deps.nfcTransport!(eng);
  const offered =
    [
      ble?.centralClientMode ? 'BLE central client' : '',
      ble?.peripheralServerMode ? 'BLE peripheral server' : '',
      eng.nfc ? 'NFC' : '',
    ]
      .filter(Boolean)
      .join(', ') || 'nothing';
  throw new TransportError(
    'transport_unavailable',
    `the phone offers ${offered}; this kiosk has ${[deps.ble?.peripheral ? 'BLE peripheral' : '', deps.ble?.central ? 'BLE central' : '', deps.nfcTransport ? 'NFC' : ''].filter(Boolean).join(', ') || 'no radio'}`,
  );
}

export async function readMdoc(req: ReadMdocRequest, deps: ReadMdocDeps): Promise<ReadOutcome> {
  const t: ReadTimeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const timings: ReadTimings = { engagement: 0, session: 0, transfer: 0, verify: 0 };
  const transportInfo: TransportInfo = { readerAuth: false, carriersOffered: [] };
  let stage: ReadOutcome['stage'] = 'engagement';
  let session: ReaderSession | null = null;
  let transport: MessageTransport | null = null;
  let sessionId: string | undefined;
  let mark = performance.now();
  const lap = (k: keyof ReadTimings) => {
    const n = performance.now();
    timings[k] = Math.round((n - mark) * 100) / 100;
    mark = n;
  };
  try {
    // The engagement gets its own deadline and usually reports a more specific error (no tag,
    // TNEP timeout); this outer one, a little later, only guarantees nothing hangs.
    const eng = await withDeadline(
      deps.timers,
      req.engage(t.engagementMs),
      t.engagementMs + 2000,
      () => new TransportError('transport_timeout', `no engagement within ${t.engagementMs} ms`),
    );
    transportInfo.engagement = eng.kind;
    transportInfo.carriersOffered = eng.carriersOffered ?? [];
    transportInfo.deviceEngagementVersion = eng.deviceEngagement.version;
    if (eng.ble) transportInfo.bleUuidSource = eng.ble.uuidSource;
    lap('engagement');

    stage = 'session';
    session = ReaderSession.start(deps.crypto, {
      deviceEngagement: eng.deviceEngagement.bytes,
      eDeviceKeyBytes: eng.deviceEngagement.eDeviceKeyBytes,
      handover: eng.handover,
    });
    const request = deviceRequestForPolicy(
      req.policy,
      undefined,
      deps.readerAuth ? { sign: (items) => deps.readerAuth!.sign(session!.transcript, items) } : undefined,
    );
    const establishment = session.establishment(request);
    if (deps.readerAuth)
      Object.assign(transportInfo, {
        readerAuth: true,
        readerCertificate: deps.readerAuth.subject,
        readerCertificateFingerprint: deps.readerAuth.fingerprint,
      });
    sessionId = Array.from(deps.crypto.digest('SHA-256', session.transcript.bytes), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    transport = await openTransport(deps, eng, t);
    Object.assign(transportInfo, { kind: transport.kind }, transport.describe());
    lap('session');

    stage = 'transfer';
    await transport.send(establishment);
    const reply = session.openReply(await transport.receive(t.responseMs));
    // End the session (§9.1.1.4): BLE ends with State 0x02 in close(); NFC with status 20.
    if (transport.terminate) await transport.terminate(session.termination()).catch(() => {});
    await transport.close();
    lap('transfer');

    stage = 'verify';
    const result = verifyDeviceResponse(reply.deviceResponse!, {
      crypto: deps.crypto,
      trust: deps.trust,
      now: deps.now(),
      transcript: session.transcript,
      readerPrivateKey: session.readerPrivateKey,
      request: elementRequestForPolicy(req.policy),
    });
    lap('verify');
    stage = 'done';
    return { result, stage, transport: transportInfo, timings, ...(sessionId ? { sessionId } : {}) };
  } catch (e) {
    const { code, detail } = codeOf(e);
    lap(
      stage === 'engagement'
        ? 'engagement'
        : stage === 'session'
          ? 'session'
          : stage === 'transfer'
            ? 'transfer'
            : 'verify',
    );
    return { result: rejectedResponse(code, detail), stage, transport: transportInfo, timings };
  } finally {
    if (transport) await transport.close();
    session?.close();
  }
}
