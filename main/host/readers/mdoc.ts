// The real phone reader for the kiosk host: a thin adapter over the phone engineer's read-mdoc
// (main/mdoc-reader/read-mdoc.ts: engagement -> session -> BLE/NFC -> core/mdoc/verify.ts). QR
// engagement text arrives from the scanner through the API (submitEngagement); an NFC tap arrives
// from the shared PC/SC reader's dispatcher (tap.ts) as a connected channel (engageOverNfc, then BLE
// or NFC data retrieval); BLE links are the noble/bleno adapters of main/ble (real radios, or the
// simulated radio in tests).
import { join } from 'node:path';
import type { Policy } from '../../../core/policy/policy.ts';
import type { CborValue } from '../../../core/cbor/model.ts';
import { Tagged } from '../../../core/cbor/model.ts';
import {
  bleFromDeviceEngagement,
  engageOverNfc,
  parseQrEngagement,
  type EngagementResult,
} from '../../../core/mdoc/engagement/index.ts';
import {
  policyAllows,
  policyElements,
  SUPPORTED_DOCTYPES,
  type SupportedDocType,
} from '../../../core/mdoc/request/index.ts';
import type { Attributes, ReaderStatus } from '../../../api/contract.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { nodeTimers } from '../../ble/stacks.ts';
import { readMdoc, type ReadMdocDeps } from '../../mdoc-reader/read-mdoc.ts';
import { readErrorMessage } from '../../mdoc-reader/error-messages.ts';
import { nfcDataRetrievalFactory } from '../../mdoc-reader/nfc-message-transport.ts';
import { kioskProposal, type PreferredTransport } from '../../mdoc-reader/reader-proposal.ts';
import { cachedTrustStore } from '../../trust/trust-dir-cache.ts';
import { loadReaderAuth } from '../../trust/reader-auth.ts';
import {
  ABORTED,
  errorOutcome,
  type CredentialReader,
  type ReaderProbe,
  type ReadError,
  type ReadHooks,
  type ReadOutcome,
} from '../reader.ts';
import { decodeJp2 } from '../../card/jp2-decode.ts';
import { pixelsToPngDataUrl } from './png.ts';
import type { PhoneTap, TapSource } from './tap.ts';
import { notAccepted } from '../not-accepted.ts';
import { HOST_MESSAGES, NEXT as MSG_NEXT } from '../messages.ts';

/** Codes that mean "the read did not finish" (device trouble) rather than "not trustworthy". */
const TRANSPORT_OR_SESSION =
  /^(transport_|session_|no_common_transport|no_reader_hardware|read_aborted|qr_|device_engagement_|cipher_suite_|ndef_|handover_|tnep_|nfc_|phone_needs_bluetooth$)/;

const NEXT: Record<string, [string, string]> = {
  transport: [
    'スマートフォンをリーダーの近くに保ったまま、もう一度お試しください',
    'Keep the phone near the reader and try again',
  ],
  engagement: [
    'スマートフォンでQRコードを表示し直して、もう一度スキャンしてください',
    'Show the QR code on the phone again and scan it once more',
  ],
  nfcEngagement: [
    'スマートフォンをもう一度リーダーにかざしてください（またはQRコードを表示してください）',
    'Hold the phone to the reader again (or show its QR code)',
  ],
  invalid: [MSG_NEXT.checkAnother.nextJa, MSG_NEXT.checkAnother.nextEn],
  device: [MSG_NEXT.callStaff.nextJa, MSG_NEXT.callStaff.nextEn],
};

/** Device trouble the holder cannot fix by trying again (the reader or its service is down). */
const STAFF_MUST_ACT = new Set(['nfc_reader_unavailable', 'nfc_service_stopped', 'no_reader_hardware']);

/** Errors whose message already says what to do instead (their `next` repeats it). */
const OWN_NEXT: Record<string, [string, string]> = {
  phone_needs_bluetooth: ['QRコードを表示するか、カードをご利用ください', 'Use the QR code or the card'],
};

function text(v: CborValue): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Tagged && typeof v.value === 'string') return v.value; // full-date (1004) / tdate (0)
  if (typeof v === 'number') return String(v);
  return undefined;
}

/**
 * read-mdoc's transport kinds (core/mdoc/transport) -> the audit's (core/audit/audit-entry.ts), named
 * after the mdoc BLE mode (§8.3.3.1.1): mdoc central client mode / mdoc peripheral server mode.
 */
const AUDIT_TRANSPORT: Record<string, NonNullable<ReadOutcome['credential']['transport']>> = {
  'ble-central-client': 'ble-central',
  'ble-peripheral-server': 'ble-peripheral',
  nfc: 'nfc',
};

/** ISO/IEC 5218 sex codes used by 18013-5 and 23220. */
const SEX: Record<string, string> = { '1': '男', '2': '女', '0': '—', '9': '—' };

/**
 * ISO 18013-5 §7.2.1: `portrait` is JPEG or JPEG 2000. Chromium shows JPEG (and PNG) itself but not
 * JPEG 2000, so JP2 (and a bare J2K codestream) is decoded here with OpenJPEG, the same decoder the
 * card's face photo uses, into an in-memory PNG. Anything else is not shown (staff see "no photo").
 */
async function portraitDataUrl(b: Uint8Array): Promise<string | undefined> {
  if (b.length < 4 || b.length > 2_000_000) return undefined;
  if (b[0] === 0xff && b[1] === 0xd8) return `data:image/jpeg;base64,${Buffer.from(b).toString('base64')}`;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47)
    return `data:image/png;base64,${Buffer.from(b).toString('base64')}`;
  const jp2 = b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x0c;
  if (!jp2) return undefined;
  try {
    const d = await decodeJp2(b);
    if (d.bitsPerSample > 8 || (d.components !== 1 && d.components !== 3)) return undefined;
    return pixelsToPngDataUrl(d.width, d.height, d.components, d.pixels);
  } catch {
    return undefined; // an undecodable photo is simply not shown; the verdict does not depend on it
  }
}

/** Verified elements -> the screen's attributes, only those the policy asked for. */
export async function attributesFrom(
  policy: Policy,
  docType: string,
  elements: Record<string, Record<string, CborValue>>,
): Promise<{ attributes: Attributes; photo?: string }> {
  const a: Attributes = {};
  let photo: Uint8Array | undefined;
  let family: string | undefined;
  let given: string | undefined;
  for (const [ns, els] of Object.entries(elements)) {
    for (const [el, v] of Object.entries(els)) {
      if (!policyAllows(policy.name, docType, ns, el)) continue;
      switch (el) {
        case 'age_over_20':
          if (typeof v === 'boolean') a.age_over_20 = v;
          break;
        case 'full_name_unicode':
          a.name = text(v);
          break;
        case 'family_name':
          family = text(v);
          break;
        case 'given_name':
          given = text(v);
          break;
        case 'resident_address':
        case 'resident_address_unicode':
          a.address = text(v);
          break;
        case 'birth_date':
          a.birth_date = text(v);
          break;
        case 'sex': {
          const s = text(v);
          if (s !== undefined) a.sex = SEX[s] ?? s;
          break;
        }
        case 'portrait':
          if (v instanceof Uint8Array) photo = v;
          break;
      }
    }
  }
  if (!a.name && (family || given)) a.name = [family, given].filter(Boolean).join(' ');
  for (const k of Object.keys(a) as (keyof Attributes)[]) if (a[k] === undefined) delete a[k];
  const url = photo ? await portraitDataUrl(photo) : undefined;
  return url ? { attributes: a, photo: url } : { attributes: a };
}

export class PhoneReader implements CredentialReader {
  readonly kind = 'mdoc' as const;
  /** 'training' when its radio is the simulated one (demo): the kiosk then says TRAINING. */
  readonly source: 'real' | 'training';
  private waiting: ((text: string) => void) | null = null;
  constructor(
    private deps: {
      ble?: ReadMdocDeps['ble'];
      /** Phones tapped on the shared PC/SC reader (tap.ts), already probed and connected. */
      taps?: TapSource<PhoneTap>;
      trustDir: string;
      label: string;
      timeouts?: ReadMdocDeps['timeouts'];
      source?: 'real' | 'training';
      /** Staff setting: which data retrieval to run when the phone's Handover Select offers both. */
      preferTransport?: () => PreferredTransport;
    },
  ) {
    this.source = deps.source ?? 'real';
  }

  status(): ReaderStatus {
    const radios = [
      this.deps.ble?.peripheral ? 'BLE peripheral' : '',
      this.deps.ble?.central ? 'BLE central' : '',
      this.deps.taps?.ready() ? 'NFC tap' : '',
    ]
      .filter(Boolean)
      .join(' + ');
    return {
      kind: 'mdoc',
      source: this.source,
      label: this.deps.label,
      state: radios ? 'ready' : 'unavailable',
      detail: radios || 'no Bluetooth',
    };
  }

  acceptEngagement(t: string): boolean {
    const w = this.waiting;
    if (!w) return false;
    this.waiting = null;
    w(t);
    return true;
  }

  /**
   * Reader test: the first QR engagement or phone tap, described, with no session started (a tapped
   * phone is released at once; the QR text is only parsed for the BLE modes it offers).
   */
  async probe(signal: AbortSignal): Promise<ReaderProbe | null> {
    const got = await this.waitForEngagement(signal, { onProgress: () => false, requestInput: async () => null });
    if (!got) return null;
    if ('tap' in got) {
      const ndef = got.tap.probe.answered === 'ndef';
      await got.tap.release();
      return {
        credential: 'phone',
        how: 'nfc',
        detailJa: `${got.tap.readerName}：${ndef ? 'NFCで接続できるスマートフォン（NDEFアプリ応答）' : 'mdocアプリのみ応答（NFC接続情報なし）'}`,
        detailEn: `${got.tap.readerName}: ${ndef ? 'phone with NFC engagement (NDEF application answered)' : 'mdoc application only (no NFC engagement)'}`,
      };
    }
    try {
      const q = parseQrEngagement(got.qr);
      const ble = bleFromDeviceEngagement(q.deviceEngagement);
      const modes =
        [ble?.centralClientMode ? 'central client' : '', ble?.peripheralServerMode ? 'peripheral server' : '']
          .filter(Boolean)
          .join(', ') || 'none';
      return {
        credential: 'phone',
        how: 'qr',
        detailJa: `QRコード（BLE: ${modes}）`,
        detailEn: `QR code engagement (BLE: ${modes})`,
      };
    } catch {
      return {
        credential: 'phone',
        how: 'qr',
        detailJa: 'QRコード（形式が不正）',
        detailEn: 'QR code (not a valid engagement)',
      };
    }
  }

  bleRoles(): { central: boolean; peripheral: boolean; simulated: boolean } {
    return {
      central: !!this.deps.ble?.central,
      peripheral: !!this.deps.ble?.peripheral,
      simulated: this.source === 'training',
    };
  }

  facts(): { key: string; value: string }[] {
    const ble = this.deps.ble;
    return [
      { key: 'qr', value: 'QR scanner text (keyboard input on the idle screen)' },
      {
        key: 'nfc',
        value: this.deps.taps
          ? this.deps.taps.ready()
            ? 'phone taps on the PC/SC reader: ready'
            : 'phone taps on the PC/SC reader: reader not ready'
          : 'no PC/SC reader',
      },
      { key: 'ble.central', value: ble?.central ? 'yes (peripheral server mode wallets)' : 'no' },
      { key: 'ble.peripheral', value: ble?.peripheral ? 'yes (central client mode wallets, e.g. Apple Wallet)' : 'no' },
      ...(this.source === 'training' ? [{ key: 'radio', value: 'simulated Bluetooth radio (training)' }] : []),
    ];
  }

  /** The first of: QR text from the scanner, a phone tapped on the PC/SC reader, or abort. */
  private waitForEngagement(signal: AbortSignal, hooks: ReadHooks): Promise<{ qr: string } | { tap: PhoneTap } | null> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(null);
      const local = new AbortController();
      let settled = false;
      const settle = (v: { qr: string } | { tap: PhoneTap } | null): boolean => {
        if (settled) return false;
        settled = true;
        this.waiting = null;
        signal.removeEventListener('abort', onAbort);
        local.abort();
        resolve(v);
        return true;
      };
      const onAbort = () => settle(null);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting = (qr) => settle({ qr });
      // A tap that arrives just after a QR scan won is handed back (the phone is left alone).
      void this.deps.taps
        ?.next(local.signal, (n) => hooks.notice?.(n ?? notAccepted('card')))
        .then(async (tap) => {
          if (tap && !settle({ tap })) await tap.release();
        });
    });
  }

  async start(policy: Policy, signal: AbortSignal, hooks: ReadHooks): Promise<ReadOutcome> {
    const got = await this.waitForEngagement(signal, hooks);
    if (got === null) return errorOutcome(ABORTED, 'mdoc');
    const tap = 'tap' in got ? got.tap : null;
    try {
      return await this.read(policy, signal, hooks, got);
    } finally {
      await tap?.release();
    }
  }

  private async read(
    policy: Policy,
    signal: AbortSignal,
    hooks: ReadHooks,
    got: { qr: string } | { tap: PhoneTap },
  ): Promise<ReadOutcome> {
    if (!hooks.onProgress({ step: 'detected', fraction: 0.1 })) return errorOutcome(ABORTED, 'mdoc');
    const at = new Date();
    const trust = cachedTrustStore(this.deps.trustDir, { crypto: nodeCrypto, now: at });
    // Reader authentication (§9.1.4) when the operator installed a reader certificate; a broken one
    // (expired, key readable by others) is not used and the request goes unauthenticated.
    const ra = loadReaderAuth(this.deps.trustDir, { crypto: nodeCrypto, now: at });
    const readerAuth = ra.state === 'ready' ? ra.signer : undefined;
    const ble = this.deps.ble;
    const prefer = this.deps.preferTransport?.() ?? 'ble';
    let engage: (timeoutMs: number) => Promise<EngagementResult>;
    let nfcTransport: ReadMdocDeps['nfcTransport'];
    if ('qr' in got) {
      engage = async () => {
        const q = parseQrEngagement(got.qr);
        const bleOffer = bleFromDeviceEngagement(q.deviceEngagement);
        hooks.onProgress({ step: 'engaged', fraction: 0.3 });
        return {
          kind: 'qr',
          deviceEngagement: q.deviceEngagement,
          handover: q.handover,
          ...(bleOffer ? { ble: bleOffer } : {}),
        };
      };
    } else {
      // NFC engagement on the tapped phone (18013-5 §8.2.2.1): the kiosk proposes every carrier it
      // can run now (NFC data retrieval on this link; BLE roles with a fresh service UUID only when
      // an adapter answers; Apple Wallet takes the reader's UUID); data retrieval then follows the
      // phone's Handover Select, the staff preference deciding when it selects both.
      const channel = got.tap.channel;
      engage = async () => {
        const r = await engageOverNfc(channel, {
          proposal: kioskProposal({ ble, nfc: true, random16bytes: nodeCrypto.randomBytes(16), prefer }),
          random16: Buffer.from(nodeCrypto.randomBytes(2)).readUInt16BE(0),
          sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
        });
        hooks.onProgress({ step: 'engaged', fraction: 0.3 });
        return r;
      };
      nfcTransport = nfcDataRetrievalFactory(() => channel);
    }
    const out = await readMdoc(
      { policy: policy.name, engage },
      {
        crypto: nodeCrypto,
        trust,
        now: () => at,
        timers: nodeTimers,
        ...(ble ? { ble } : {}),
        ...(nfcTransport ? { nfcTransport } : {}),
        ...(prefer === 'nfc' ? { preferNfc: true } : {}),
        ...(readerAuth ? { readerAuth } : {}),
        ...(this.deps.timeouts ? { timeouts: this.deps.timeouts } : {}),
      },
    );
    if (signal.aborted) return errorOutcome(ABORTED, 'mdoc');
    hooks.onProgress({ step: 'verifying', fraction: 0.9 });
    const r = out.result;
    const doc = r.documents[0];
    const checks = [...r.checks, ...(doc?.checks ?? [])].map((c) => ({ code: c.code, ok: c.ok }));
    const credential: ReadOutcome['credential'] = {
      type: 'mdoc',
      ...(doc ? { docType: doc.docType } : {}),
      ...(doc?.issuer?.iacaFingerprint ? { issuerKeyId: doc.issuer.iacaFingerprint.toLowerCase() } : {}),
      engagement: 'qr' in got ? 'qr' : 'nfc',
      ...(AUDIT_TRANSPORT[String(out.transport.kind)]
        ? { transport: AUDIT_TRANSPORT[String(out.transport.kind)]! }
        : {}),
      ...(readerAuth && out.transport.readerAuth === true
        ? { readerAuth: { subject: readerAuth.subject, fingerprint: readerAuth.fingerprint } }
        : {}),
    };
    // The audit records what the kiosk ASKED for (the DeviceRequest built from the policy), also when
    // the read failed: for the returned docType if known, else every docType the request named.
    const docTypes =
      doc && (SUPPORTED_DOCTYPES as readonly string[]).includes(doc.docType)
        ? [doc.docType as SupportedDocType]
        : SUPPORTED_DOCTYPES;
    const requested = [
      ...new Set(docTypes.flatMap((dt) => policyElements(policy.name, dt).map((r) => `${r.namespace}:${r.element}`))),
    ];
    const firstErr = r.errors[0];
    if (r.verdict === 'valid' && doc) {
      const shown = await attributesFrom(policy, doc.docType, doc.elements);
      if (policy.shows.includes('age_over_20')) {
        const over = shown.attributes.age_over_20 === true;
        checks.push({ code: 'policy_age_over_20', ok: over });
        if (!over) {
          return {
            verdict: 'invalid',
            ...shown,
            checks,
            credential,
            requested,
            error: HOST_MESSAGES.age_over_20_false,
          };
        }
      }
      return { verdict: 'valid', ...shown, checks, credential, requested };
    }
    const code = firstErr?.code ?? 'mdoc_invalid';
    const m = readErrorMessage(code);
    if (out.stage !== 'verify' && out.stage !== 'done' && TRANSPORT_OR_SESSION.test(code)) {
      const next =
        OWN_NEXT[code] ??
        (STAFF_MUST_ACT.has(code)
          ? NEXT.device!
          : out.stage !== 'engagement'
            ? NEXT.transport!
            : 'qr' in got
              ? NEXT.engagement!
              : NEXT.nfcEngagement!);
      const e: ReadError = { code, messageJa: m.ja, messageEn: m.en, nextJa: next[0], nextEn: next[1] };
      return { ...errorOutcome(e, 'mdoc', checks), credential, requested };
    }
    return {
      verdict: 'invalid',
      attributes: {},
      checks,
      credential,
      requested,
      error: {
        code,
        messageJa: firstErr?.message_ja ?? m.ja,
        messageEn: firstErr?.message ?? m.en,
        nextJa: NEXT.invalid![0],
        nextEn: NEXT.invalid![1],
      },
    };
  }
}

/**
 * Used at start (main/host/readers/real.ts). A phone engages by QR (the HID scanner types the
 * `mdoc:` text on the idle screen) and hands the data over by BLE, so the kiosk's phone reader needs
 * a Bluetooth adapter: noble / bleno on their HCI bindings, probed in a child process first because
 * they cannot even load without a Bluetooth socket (docs/architecture.md "Platform facts"). Verification uses the kiosk's
 * own trust directory (staff imports), never the test roots.
 * With a PC/SC reader attached, start-up uses tap.ts instead: the same PhoneReader also takes phones
 * tapped on the reader the card uses (NFC engagement), and this QR-only reader is not needed.
 */
export async function detect(opts: {
  home: string;
  trustDir?: string;
}): Promise<{ reader: CredentialReader | null; note: string }> {
  const { detectBle } = await import('../../mdoc-reader/hardware.ts');
  const { ble, note } = await detectBle();
  if (!ble) return { reader: null, note };
  const reader = new PhoneReader({
    ble,
    trustDir: opts.trustDir ?? join(opts.home, 'trust'),
    label: `スマートフォン (QR + ${note})`,
    source: 'real',
  });
  return { reader, note: `QR scanner + ${note}` };
}
