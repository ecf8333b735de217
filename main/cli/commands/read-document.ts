// `kakunin read-card` for the driving licence and the residence card / special permanent resident
// certificate (the My Number Card keeps its path in read-card.ts, which calls `routeDocument` first).
// Contract (checked outside this repo):
//   npx kakunin read-card [--reader NAME] [--document auto|mynumber|driving-licence|residence-card]
//     [--pin1 4DIGITS] [--pin2 4DIGITS] [--card-number 12CHARS] [--no-licence-signature]
//     --policy P --trust DIR [--at ISOTIME] --json [--simulate licence[:..]|residence-card[:..]]
// JSON as for the My Number Card plus card.type (driving-licence | residence-card |
// special-permanent-resident-certificate) and card.generation; verdict valid | invalid |
// unverified (with staffConfirm[]: what staff must confirm); images summarised as
// {format, width, height, bytes}, never printed. Exit 0 valid, 1 invalid, 2 usage, 3 unverified.
//
// Which path: --document mynumber, or no document named and only My Number secrets
// (--check-number / --pin) given -> the My Number path (its own AP SELECT identifies the card).
// Otherwise the card is identified by AID here; a My Number Card found this way goes back to the My
// Number path when its secret was given.
//
// マイナ免許証 (a My Number Card carrying the licence AP; core/document/reading.ts): read as a driving
// licence with --document driving-licence, or with no document named when --pin1 was given and no
// My Number secret; --pin1 is then the licence AP's PIN (--pin2 is never sent). The JSON says
// card {type: driving-licence, generation: "mynumber-card"}, the verdict is at best unverified (exit
// 3), and `undecoded` lists the licence data objects whose meaning is unpublished (tag, length).
import { isPolicyName, type PolicyName } from '../../../core/policy/policy.ts';
import { CARD_NUMBER_RE } from '../../../core/residence-card/secure-messaging.ts';
import { imageInfo } from '../../../core/document/image-info.ts';
import type { DocumentReadResult } from '../../../core/document/result.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { loadDocumentTrust } from '../../trust/document-trust.ts';
import { probePcscd, PCSCD_HELP } from '../../pcsc/pcscd-probe.ts';
import { readDocumentOverPcsc, type DocumentChoice } from '../../pcsc/read-document.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_UNVERIFIED, EXIT_USAGE } from '../index.ts';
import type { VpcdCard } from '../../../sim/card/vpcd-link.ts';

export const DOCUMENT_OPTIONS = {
  document: { type: 'string' },
  pin1: { type: 'string' },
  pin2: { type: 'string' },
  'card-number': { type: 'string' },
  'no-licence-signature': { type: 'boolean' },
} as const;

export const DOCUMENT_USAGE = `  --document      auto (default) | mynumber | driving-licence | residence-card | passport
  --pin1, --pin2  driving licence PIN 1 / PIN 2 (4 digits each); PIN 2 opens the photo and lets the
                  signature be checked (age-over-20 needs PIN 1 only, and then ends unverified).
                  On a マイナ免許証 (My Number Card with the licence AP) --pin1 is the licence PIN;
                  it is read as a licence with --document driving-licence, or when --pin1 is given
                  without --pin/--check-number/--birth-date; it always ends unverified (no
                  published signature layout) and cannot answer age-over-20 (no birth date)
  --card-number   residence card / special permanent resident certificate number (AB12345678CD)
  --no-licence-signature  do not check the licence signature (needs 本籍 bytes); reads end unverified
  --simulate      also licence[:variant,...] (no-pin, blocked, two-tries, gaiji, address-change,
                  tampered-photo, unknown-signer, tlv-signature, expired, pulled, minor) and
                  residence-card[:variant,...] (gen1, gen2, sprc, tampered, foreign-cert, expired,
                  specified, pulled, stay-ended, minor) and myna-licence[:variant,...] (no-pin,
                  blocked, one-try-left, two-tries-left, expired, pulled, no-filler,
                  bad-pin-setting, no-counter, no-ap); the virtual マイナ免許証's licence PIN is 2580

exit codes: 0 valid, 1 invalid, 2 usage or pcscd not reachable, 3 unverified (staff confirm)`;

export type Values = Record<string, string | boolean | undefined>;

/** null: run the My Number path; else the exit code. */
export async function routeDocument(v: Values, usage: (msg: string) => number): Promise<number | null> {
  const doc = (v.document as string | undefined) ?? 'auto';
  if (!['auto', 'mynumber', 'driving-licence', 'residence-card'].includes(doc))
    return usage('--document must be auto, mynumber, driving-licence, residence-card or passport');
  const pin1 = v.pin1 as string | undefined;
  const pin2 = v.pin2 as string | undefined;
  const cardNumber = v['card-number'] as string | undefined;
  const sim = v.simulate as string | undefined;
  const { isDocumentSimulation, parseDocumentSimulation, createSimulatedDocument } =
    await import('../../../sim/document-simulate.ts');
  const docSim = sim !== undefined && isDocumentSimulation(sim);
  const documentSecrets = pin1 !== undefined || pin2 !== undefined || cardNumber !== undefined;
  const myNumberSecrets = v['check-number'] !== undefined || v.pin !== undefined || v['birth-date'] !== undefined;
  if (doc === 'mynumber' || (doc === 'auto' && !documentSecrets && !docSim)) return null;
  for (const [flag, val] of [
    ['--pin1', pin1],
    ['--pin2', pin2],
  ] as const)
    if (val !== undefined && !/^\d{4}$/.test(val)) return usage(`${flag} must be 4 digits`);
  if (cardNumber !== undefined && !CARD_NUMBER_RE.test(cardNumber))
    return usage('--card-number must be 2 capital letters, 8 digits, 2 capital letters (e.g. AB12345678CD)');
  if (doc === 'driving-licence' && pin1 === undefined)
    return usage('a driving licence needs --pin1 (and --pin2 for identity, entrance or the signature)');
  if (doc === 'residence-card' && cardNumber === undefined) return usage('a residence card needs --card-number');
  const policy = v.policy as string | undefined;
  if (!policy || !isPolicyName(policy)) return usage('--policy must be age-over-20, identity or entrance');
  // No --trust: no licence signer and no residence card root (nothing built in for them), so a
  // licence ends unverified and a residence card invalid (its chain cannot be checked).
  const trustDir = v.trust as string | undefined;
  const times = readTimeFlags(v, usage);
  if (typeof times === 'number') return times;
  const { at, waitMs } = times;
  let spec = null;
  if (sim !== undefined) {
    if (!docSim)
      return sim.startsWith('card') && !documentSecrets
        ? null
        : usage(`--simulate ${sim} does not fit the secrets given`);
    const s = parseDocumentSimulation(sim);
    if ('error' in s) return usage(s.error);
    spec = s;
  }
  const { existsSync } = await import('node:fs');
  if (trustDir !== undefined && !existsSync(trustDir)) return usage(`trust directory ${trustDir} does not exist`);

  const down = await pcscdUnreachable(v, {
    type: doc === 'residence-card' ? 'residence-card' : 'driving-licence',
    generation: null,
  });
  if (down !== null) return down;
  const trust =
    trustDir !== undefined
      ? loadDocumentTrust(trustDir, nodeCrypto)
      : { residenceCardRoots: [], licenceSigners: new Map(), errors: [] };
  let readerName = v.reader as string | undefined;
  let simulated: ReturnType<typeof createSimulatedDocument> | null = null;
  if (spec) {
    const on = await simulatedReader(readerName);
    if (typeof on === 'string') return usage(on);
    readerName = on.reader;
    simulated = createSimulatedDocument(spec, on.port);
  }
  const r = await withSimulatedCard(simulated, (insert) =>
    readDocumentOverPcsc({
      ...(readerName ? { reader: readerName } : {}),
      document: doc as DocumentChoice,
      policy: policy as PolicyName,
      secrets: {
        ...(pin1 !== undefined ? { pin1 } : {}),
        ...(pin2 !== undefined ? { pin2 } : {}),
        ...(cardNumber !== undefined ? { cardNumber } : {}),
      },
      trust,
      crypto: nodeCrypto,
      at,
      licenceSignature: v['no-licence-signature'] !== true,
      licenceAsked: doc === 'auto' && pin1 !== undefined && !myNumberSecrets,
      waitMs,
      ...insert,
    }),
  );
  if (typeof r === 'number') return r;
  if (r.identified === 'mynumber-card') {
    if (myNumberSecrets) return null;
    return usage('this is a My Number Card: give --check-number, --pin or --birth-date');
  }
  if (r.identified === 'passport')
    return usage(
      'this is a passport: give --mrz-document NUM --mrz-birth YYMMDD --mrz-expiry YYMMDD, --mrz LINE2 or --can 6DIGITS',
    );
  const out = documentJson(r, { policy, simulated: sim, trustIssues: trust.errors.map((e) => e.code) });
  if (v.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else process.stdout.write(human(out) + '\n');
  return r.verdict === 'valid' ? EXIT_OK : r.verdict === 'unverified' ? EXIT_UNVERIFIED : EXIT_INVALID;
}

/** The JSON of a licence / residence card read: attributes with images summarised, never their bytes. */
export function documentJson(
  r: DocumentReadResult & { reader: string | null },
  o: { policy: string; simulated?: string | undefined; trustIssues?: string[] },
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const summary = (k: keyof DocumentReadResult['images']) => {
    const img = r.images[k];
    return img ? imageInfo(img) : null;
  };
  for (const [k, val] of Object.entries(r.attributes)) {
    if (val && typeof val === 'object' && 'image' in val)
      attributes[k] = summary((val as { image: keyof DocumentReadResult['images'] }).image);
    else attributes[k] = val;
  }
  return {
    verdict: r.verdict,
    card: r.card,
    policy: o.policy,
    reader: r.reader,
    ...(o.simulated ? { simulated: o.simulated } : {}),
    attributes,
    staffConfirm: r.staffConfirm,
    ...(r.undecoded ? { undecoded: r.undecoded } : {}),
    ...readJsonTail(r, o.trustIssues),
  };
}

/** --at (an ISO time; default now) and --wait (milliseconds; default 5000), or the usage exit code. */
export function readTimeFlags(v: Values, usage: (msg: string) => number): { at: Date; waitMs: number } | number {
  let at = new Date();
  if (v.at !== undefined) {
    at = new Date(v.at as string);
    if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v.at as string))
      return usage('--at must be an ISO time, e.g. 2026-11-22T10:00:00+09:00');
  }
  const waitMs = v.wait !== undefined ? Number(v.wait) : 5000;
  if (!Number.isInteger(waitMs) || waitMs < 0) return usage('--wait must be milliseconds');
  return { at, waitMs };
}

/**
 * null when pcscd answers; else says so (stderr, and with --json an invalid result of the shape the
 * document's JSON has, `card` and any `extra` fields given) and returns the usage exit code.
 */
export async function pcscdUnreachable(
  v: Values,
  card: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<number | null> {
  const probe = await probePcscd();
  if (probe.ok) return null;
  process.stderr.write(`kakunin read-card: pcscd is not reachable: ${probe.reason}\n\n${PCSCD_HELP}\n`);
  if (v.json) {
    const error = {
      code: 'pcsc_unavailable',
      messageEn: 'Cannot reach the smart-card service (pcscd).',
      messageJa: 'カードリーダーのサービス（pcscd）に接続できません。',
      detail: probe.reason,
    };
    process.stdout.write(
      JSON.stringify(
        {
          verdict: 'invalid',
          card,
          attributes: {},
          checks: [],
          errors: [error],
          ...extra,
          apdus: { count: 0, bytesSent: 0, bytesReceived: 0 },
          timings: {},
        },
        null,
        2,
      ) + '\n',
    );
  }
  return EXIT_USAGE;
}

/** null when the simulated card reached vpcd (or none was simulated); else says so, the usage exit code. */
export function vpcdUnreachable(tracked: { failure(): string | null } | null): number | null {
  const failed = tracked?.failure() ?? null;
  if (!failed) return null;
  process.stderr.write(
    `kakunin read-card: cannot reach the vpcd reader of pcscd (${failed}); is vsmartcard-vpcd installed?\n${PCSCD_HELP}\n`,
  );
  return EXIT_USAGE;
}

/** The vpcd reader a simulated card goes on (`--reader`, default the first) and its port, or why not. */
export async function simulatedReader(
  readerName: string | undefined,
): Promise<{ reader: string; port: number } | string> {
  const { VPCD_READERS } = await import('../../../sim/card/simulate.ts');
  const reader = readerName ?? 'Virtual PCD 00 00';
  const port = VPCD_READERS[reader];
  if (!port) return `--simulate needs a vpcd reader: ${Object.keys(VPCD_READERS).join(' or ')}`;
  return { reader, port };
}

/**
 * Run a read with the simulated card (if any) put on its vpcd reader when the read asks, and taken
 * off again whatever happens; the read's result, or the usage exit code when the card never reached vpcd.
 */
export async function withSimulatedCard<T extends object>(
  simulated: { link: VpcdCard } | null,
  read: (insert: { insertCard?: () => Promise<void> }) => Promise<T>,
): Promise<T | number> {
  const tracked = simulated ? (await import('../../../sim/card/vpcd-link.ts')).trackedInsert(simulated.link) : null;
  let result: T;
  try {
    result = await read(tracked ? { insertCard: tracked.insertCard } : {});
  } finally {
    await simulated?.link.remove();
  }
  return vpcdUnreachable(tracked) ?? result;
}

/** The fields every read-card JSON ends with (My Number Card and the documents alike). */
export function readJsonTail(
  r: Pick<DocumentReadResult, 'checks' | 'errors' | 'apdus' | 'timings' | 'pins' | 'requested' | 'signerKeyIds'>,
  trustIssues?: string[],
): Record<string, unknown> {
  return {
    checks: r.checks,
    errors: r.errors,
    apdus: { count: r.apdus.count, bytesSent: r.apdus.bytesOut, bytesReceived: r.apdus.bytesIn },
    timings: r.timings,
    pins: r.pins,
    requested: r.requested,
    signerKeyIds: r.signerKeyIds,
    ...(trustIssues?.length ? { trustIssues } : {}),
  };
}

/** The human (non-JSON) summary lines of a read-card JSON object. */
export function humanSummary(j: Record<string, unknown>, head: string[]): string {
  const lines = [...head, `attributes: ${JSON.stringify(j.attributes)}`];
  for (const c of j.checks as Array<{ code: string; ok: boolean; detail?: string }>)
    lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.code}${c.detail ? ` (${c.detail})` : ''}`);
  for (const e of j.errors as Array<{ code: string; messageJa: string; messageEn: string }>)
    lines.push(`  error ${e.code}: ${e.messageJa} / ${e.messageEn}`);
  lines.push(`apdus: ${JSON.stringify(j.apdus)}  timings: ${JSON.stringify(j.timings)}`);
  return lines.join('\n');
}

function human(j: Record<string, unknown>): string {
  const staff = j.staffConfirm as string[];
  return humanSummary(j, [
    `verdict: ${String(j.verdict)}${staff.length ? ` (staff confirm: ${staff.join(', ')})` : ''}`,
    `card: ${JSON.stringify(j.card)}`,
  ]);
}
