// `kakunin read-card` for ICAO 9303 passports (read-card.ts calls `routePassport` first). Contract
// (checked outside this repo):
//   npx kakunin read-card [--document passport] (--mrz-document NUM --mrz-birth YYMMDD --mrz-expiry YYMMDD
//     | --mrz 'LINE2' | --can 6DIGITS) --policy P --trust DIR [--at ISOTIME] --json [--simulate passport[:FAULT]]
// JSON: verdict (valid | invalid | unverified), card {type: passport, access: bac | pace, ...},
// attributes (name, birth_date YYYY-MM-DD, sex, nationality, document_number, expiry_date, photo as a
// summary {format, width, height, bytes}; only the policy's), checks[], errors[], staffConfirm[],
// apdus, timings. Exit 0 valid, 1 invalid, 2 usage (or pcscd not reachable), 3 unverified.
//
// The typed MRZ is checked before anything starts: a check digit that does not match (--mrz) or a
// date that cannot be (--mrz-birth / --mrz-expiry) is a usage error that shows the computed digits.
import { isPolicyName } from '../../../core/policy/policy.ts';
import { mrzKeyFromFields, mrzKeyFromLine2, type MrzFieldProblem } from '../../../core/passport/mrz.ts';
import type { PassportAccessKey } from '../../../core/passport/read-passport.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { loadFlagTrust } from '../trust-flags.ts';
import { readPassportOverPcsc, type PcscPassportResult } from '../../passport/read-session.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_UNVERIFIED } from '../index.ts';
import {
  humanSummary,
  pcscdUnreachable,
  readJsonTail,
  readTimeFlags,
  simulatedReader,
  withSimulatedCard,
  type Values,
} from './read-document.ts';

/** Beside DOCUMENT_OPTIONS (read-document.ts), which holds --document. */
export const PASSPORT_OPTIONS = {
  'mrz-document': { type: 'string' },
  'mrz-birth': { type: 'string' },
  'mrz-expiry': { type: 'string' },
  mrz: { type: 'string' },
  can: { type: 'string' },
} as const;

export const PASSPORT_USAGE = `Passports (ICAO 9303, main/cli/commands/read-passport.ts):
  --document passport   read an electronic passport (implied by the MRZ / CAN flags below)
  --mrz-document NUM --mrz-birth YYMMDD --mrz-expiry YYMMDD
                        the document number, birth date and expiry as printed in the MRZ
  --mrz 'LINE2'         MRZ line 2 (44 characters; scanned or typed), every check digit verified
  --can 6DIGITS         the card access number (PACE documents only)
  --simulate passport[:variant,...]  access bac | pace | pace-p256 | pace-im | pace-3des | pace-only;
                        chip aa | aa-ec | ca | no-chip-auth; face jpeg | jp2; faults wrong-mrz,
                        tampered-dg1, dg2-mismatch, foreign-ds, expired-ds, clone, country-mismatch,
                        pulled; holders minor, germany, france, expired. The test holder's MRZ:
                        --mrz-document TK1234567 --mrz-birth 900401 --mrz-expiry 310401 (CAN 123456)
  exit codes: 0 valid, 1 invalid, 2 usage or pcscd not reachable, 3 unverified (no CSCA of the
  issuing state installed: staff confirm)`;

const MRZ_FLAGS = ['mrz-document', 'mrz-birth', 'mrz-expiry', 'mrz', 'can'] as const;

function problemsText(p: MrzFieldProblem[]): string {
  return p.map((x) => `${x.field.replace('_', ' ')}: ${x.detail}`).join('; ');
}

/** null: not a passport read (the caller's paths continue); else the exit code. */
export async function routePassport(v: Values, usage: (msg: string) => number): Promise<number | null> {
  const doc = v.document as string | undefined;
  const sim = v.simulate as string | undefined;
  const passportFlags = MRZ_FLAGS.filter((f) => v[f] !== undefined);
  const isPassport =
    doc === 'passport' || passportFlags.length > 0 || (sim !== undefined && sim.split(':')[0] === 'passport');
  if (!isPassport) return null;
  if (doc !== undefined && doc !== 'passport')
    return usage(`--document ${doc} does not take the passport flags (--mrz-*, --mrz, --can)`);
  for (const f of ['check-number', 'pin', 'birth-date', 'jpki-pin', 'pin1', 'pin2', 'card-number'])
    if (v[f] !== undefined) return usage(`--${f} is not a passport flag`);

  // Exactly one access key: the three MRZ fields, MRZ line 2, or the CAN.
  const fields = v['mrz-document'] !== undefined || v['mrz-birth'] !== undefined || v['mrz-expiry'] !== undefined;
  const ways = [fields, v.mrz !== undefined, v.can !== undefined].filter(Boolean).length;
  if (ways !== 1)
    return usage(
      'give exactly one of (--mrz-document NUM --mrz-birth YYMMDD --mrz-expiry YYMMDD), --mrz LINE2 or --can 6DIGITS',
    );
  let access: PassportAccessKey;
  if (fields) {
    const [d, b, e] = [v['mrz-document'], v['mrz-birth'], v['mrz-expiry']] as Array<string | undefined>;
    if (d === undefined || b === undefined || e === undefined)
      return usage('--mrz-document, --mrz-birth and --mrz-expiry go together');
    const k = mrzKeyFromFields({ documentNumber: d, birthDate: b, expiryDate: e });
    if (!k.ok) return usage(`the MRZ as given cannot be right: ${problemsText(k.problems)}`);
    access = { kind: 'mrz', key: k.key };
  } else if (v.mrz !== undefined) {
    const k = mrzKeyFromLine2(v.mrz as string);
    if (!k.ok) return usage(`MRZ line 2: ${problemsText(k.problems)}`);
    access = { kind: 'mrz', key: k.key };
  } else {
    if (!/^[0-9]{6}$/.test(v.can as string)) return usage('--can must be the 6 digits printed on the document');
    access = { kind: 'can', can: v.can as string };
  }
  const policy = v.policy as string | undefined;
  if (!policy || !isPolicyName(policy)) return usage('--policy must be age-over-20, identity or entrance');
  const times = readTimeFlags(v, usage);
  if (typeof times === 'number') return times;
  const { at, waitMs } = times;

  let simModule: typeof import('../../../sim/passport/simulate.ts') | null = null;
  let spec: import('../../../sim/passport/simulate.ts').PassportSimulationSpec | null = null;
  if (sim !== undefined) {
    simModule = await import('../../../sim/passport/simulate.ts');
    const s = simModule.parsePassportSimulation(sim);
    if ('error' in s) return usage(s.error);
    spec = s;
  }

  const down = await pcscdUnreachable(v, { type: 'passport', access: null }, { staffConfirm: [] });
  if (down !== null) return down;
  const trustDir = v.trust as string | undefined;
  const trust = loadFlagTrust(trustDir, v['no-builtin-trust'] === true, nodeCrypto, at);
  if (!trust) return usage(`trust directory ${trustDir} does not exist`);

  let readerName = v.reader as string | undefined;
  let simulated: ReturnType<typeof import('../../../sim/passport/simulate.ts').createSimulatedPassport> | null = null;
  if (spec && simModule) {
    const on = await simulatedReader(readerName);
    if (typeof on === 'string') return usage(on);
    readerName = on.reader;
    simulated = simModule.createSimulatedPassport(spec, on.port);
  }
  const result = await withSimulatedCard(simulated, (insert) =>
    readPassportOverPcsc({
      ...(readerName ? { reader: readerName } : {}),
      policy,
      access,
      trust,
      crypto: nodeCrypto,
      at,
      waitMs,
      ...insert,
    }),
  );
  if (typeof result === 'number') return result;
  const out = passportJson(result, { policy, access, simulated: sim, pixels: v['photo-pixels'] === true });
  if (v.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else process.stdout.write(human(out) + '\n');
  return result.verdict === 'valid' ? EXIT_OK : result.verdict === 'unverified' ? EXIT_UNVERIFIED : EXIT_INVALID;
}

export function passportJson(
  r: PcscPassportResult,
  o: { policy: string; access: PassportAccessKey; simulated?: string | undefined; pixels: boolean },
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(r.attributes)) {
    if (k !== 'portrait') attributes[k] = val;
    else if (val === null || !r.photo) attributes.photo = null;
    else {
      // Summarised, never printed (privacy): the format, the size, and the decoded dimensions.
      const p: Record<string, unknown> = {
        format: r.photo.format,
        width: r.decodedPhoto?.width ?? r.photo.width,
        height: r.decodedPhoto?.height ?? r.photo.height,
        bytes: r.photo.image.length,
      };
      if (o.pixels && r.decodedPhoto) {
        p.pixelFormat = `${r.decodedPhoto.components}x${r.decodedPhoto.bitsPerSample}bit`;
        p.pixels = Buffer.from(r.decodedPhoto.pixels).toString('base64');
      }
      attributes.photo = p;
    }
  }
  return {
    verdict: r.verdict,
    card: r.card,
    policy: o.policy,
    // Which key opened the chip; for a typed MRZ, the check digits computed from it (not the values).
    unlock: o.access.kind === 'mrz' ? 'mrz' : 'can',
    ...(o.access.kind === 'mrz' ? { mrzCheckDigits: o.access.key.checkDigits } : {}),
    reader: r.reader,
    ...(o.simulated ? { simulated: o.simulated } : {}),
    attributes,
    staffConfirm: r.staffConfirm,
    warnings: r.warnings,
    // A passport has no PIN: access is the MRZ or the CAN (`unlock` above).
    ...readJsonTail({ ...r, pins: [] }),
  };
}

function human(j: Record<string, unknown>): string {
  const staff = j.staffConfirm as string[];
  return humanSummary(j, [
    `verdict: ${String(j.verdict)}${staff.length ? ` (staff confirm: ${staff.join(', ')})` : ''}`,
    `card: ${JSON.stringify(j.card)}`,
  ]);
}
