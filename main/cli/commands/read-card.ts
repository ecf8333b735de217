// `kakunin read-card`: read a physical My Number Card over PC/SC (or the virtual card through vpcd)
// and print the verdict. The flags, JSON fields and exit codes are a contract (docs/architecture.md
// "Contracts"):
//
//   npx kakunin read-card [--reader NAME] (--check-number 14DIGITS | --pin 4DIGITS | --birth-date YYMMDD)
//     --policy age-over-20|identity|entrance [--trust DIR] [--no-builtin-trust] [--at ISOTIME] --json
//     [--simulate card[:...]]
//
// prints {verdict, card{type, generation}, attributes (only the policy's), checks[], errors[],
// apdus{count, bytesSent, bytesReceived}, timings}; exits 0 valid, 1 invalid, 2 usage (including
// "pcscd not reachable"). Extra flags: --jpki-pin 4DIGITS (optional JPKI auth path), --photo-pixels
// (include the decoded greyscale pixels, base64; off by default for privacy), --wait MS.
//
// --simulate card[:variant,...] puts the virtual card (sim/card) on a vpcd reader of the running pcscd
// and reads it back through the real pcsclite binding; it needs pcscd with vsmartcard-vpcd. Nothing
// read is written anywhere: the photo is summarised ({format, width, height, bytes}), never dumped.
import { parseArgs } from 'node:util';
import { isPolicyName } from '../../../core/policy/policy.ts';
import { eraDigitsFromIso, parseBirthDateKey, parseCheckNumberB } from '../../../core/card/check-number-b.ts';
import type { Unlock } from '../../../core/card/read-card.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { loadFlagTrust } from '../trust-flags.ts';
import { PCSCD_HELP } from '../../pcsc/pcscd-probe.ts';
import { readCardOverPcsc, type PcscReadResult } from '../../pcsc/read-session.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../index.ts';
import {
  DOCUMENT_OPTIONS,
  DOCUMENT_USAGE,
  humanSummary,
  pcscdUnreachable,
  readJsonTail,
  readTimeFlags,
  routeDocument,
  simulatedReader,
  withSimulatedCard,
} from './read-document.ts';
import { errorText } from '../../../core/errors.ts';
import { PASSPORT_OPTIONS, PASSPORT_USAGE, routePassport } from './read-passport.ts';

const USAGE = `usage: kakunin read-card [--reader NAME] [--document auto|mynumber|driving-licence|residence-card|passport]
         (--check-number 14DIGITS | --pin 4DIGITS | --birth-date YYMMDD | --pin1 4DIGITS [--pin2 4DIGITS] | --card-number 12CHARS
          | --mrz-document NUM --mrz-birth YYMMDD --mrz-expiry YYMMDD | --mrz LINE2 | --can 6DIGITS)
         --policy age-over-20|identity|entrance [--trust DIR] [--no-builtin-trust] [--at ISOTIME] --json
         [--simulate card[:variant,...]] [--jpki-pin 4DIGITS] [--photo-pixels] [--wait MS]

  --check-number  照合番号B: birth date 6 (era year YYMMDD on most cards, or the Gregorian YYMMDD
                  for cards that use it) + expiry year 4 + security code 4
  --pin           the 4-digit PIN of the text input support AP (券面事項入力補助用暗証番号)
  --birth-date    age-over-20 only: the 6-digit birth date in the card's era form (1980-02-17 is
                  Showa 55: 550217), or YYYY-MM-DD, converted to the era form. Reads only the
                  signed birth-date record: no photo, name or address leaves the card
  --trust DIR     trust directory added to the built-in J-LIS / JPKI anchors (default
                  $KAKUNIN_HOME/trust); --no-builtin-trust leaves the built-ins out
  --simulate      card, card:tampered, card:wrong-signature, card:wrong-cvc, card:unknown-signer,
                  card:blocked-pin, card:one-try-left, card:pulled, card:clone; holders: minor, long,
                  gregorian (comma-separated). Needs pcscd with the vpcd driver running.


Driving licence and residence card (main/cli/commands/read-document.ts):
${DOCUMENT_USAGE}

${PASSPORT_USAGE}
${PCSCD_HELP}`;

function usage(msg: string): number {
  process.stderr.write(`kakunin read-card: ${msg}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

export async function run(argv: string[]): Promise<number> {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args: argv,
      options: {
        reader: { type: 'string' },
        'check-number': { type: 'string' },
        pin: { type: 'string' },
        'birth-date': { type: 'string' },
        'no-builtin-trust': { type: 'boolean' },
        policy: { type: 'string' },
        trust: { type: 'string' },
        at: { type: 'string' },
        json: { type: 'boolean' },
        simulate: { type: 'string' },
        'jpki-pin': { type: 'string' },
        'photo-pixels': { type: 'boolean' },
        wait: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...DOCUMENT_OPTIONS,
        ...PASSPORT_OPTIONS,
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    return usage(errorText(e));
  }
  if (v.help) {
    process.stderr.write(USAGE + '\n');
    return EXIT_OK;
  }
  // A passport is named by its flags (--document passport, the MRZ or CAN, --simulate passport);
  // the licence / residence card router then decides between those and the My Number Card.
  const passport = await routePassport(v, usage);
  if (passport !== null) return passport;
  const routed = await routeDocument(v, usage);
  if (routed !== null) return routed;
  const cn = v['check-number'] as string | undefined;
  const pin = v.pin as string | undefined;
  const bd = v['birth-date'] as string | undefined;
  if ([cn, pin, bd].filter((x) => x !== undefined).length !== 1)
    return usage('give exactly one of --check-number, --pin or --birth-date');
  const policy = v.policy as string | undefined;
  if (!policy || !isPolicyName(policy)) return usage('--policy must be age-over-20, identity or entrance');
  let unlock: Unlock;
  if (cn !== undefined) {
    if (!parseCheckNumberB(cn))
      return usage('--check-number must be 14 digits: birth date YYMMDD, expiry year YYYY, security code NNNN');
    unlock = { kind: 'check_number_b', digits: cn };
  } else if (pin !== undefined) {
    if (!/^\d{4}$/.test(pin)) return usage('--pin must be 4 digits');
    unlock = { kind: 'pin', digits: pin };
  } else {
    if (policy !== 'age-over-20')
      return usage(
        '--birth-date answers --policy age-over-20 only (the birth-date record holds no name, address or photo)',
      );
    const digits = /^\d{4}-\d{2}-\d{2}$/.test(bd!) ? eraDigitsFromIso(bd!) : parseBirthDateKey(bd!) ? bd! : null;
    if (!digits)
      return usage("--birth-date must be 6 digits YYMMDD in the card's era form (e.g. 550217) or a date YYYY-MM-DD");
    unlock = { kind: 'birth_date', digits };
  }
  const trustDir = v.trust as string | undefined;
  const times = readTimeFlags(v, usage);
  if (typeof times === 'number') return times;
  const { at, waitMs } = times;
  const jpkiPin = v['jpki-pin'] as string | undefined;
  if (jpkiPin !== undefined && !/^\d{4}$/.test(jpkiPin)) return usage('--jpki-pin must be 4 digits');

  // Simulation spec is parsed before anything starts, so a typo is a usage error.
  let sim: import('../../../sim/card/simulate.ts').SimulationSpec | null = null;
  let simModule: typeof import('../../../sim/card/simulate.ts') | null = null;
  // A virtual マイナ免許証 with a My Number secret: the same card, read as a My Number Card.
  let mynaSim: Extract<
    import('../../../sim/document-simulate.ts').DocumentSimulation,
    { kind: 'myna-licence' }
  > | null = null;
  if (v.simulate !== undefined) {
    simModule = await import('../../../sim/card/simulate.ts');
    if (/^myna-licence(:|$)/.test(v.simulate as string)) {
      const s = (await import('../../../sim/document-simulate.ts')).parseDocumentSimulation(v.simulate as string);
      if ('error' in s) return usage(s.error);
      if (s.kind === 'myna-licence') mynaSim = s;
    } else {
      const s = simModule.parseSimulateSpec(v.simulate as string);
      if ('error' in s) return usage(s.error);
      sim = s;
    }
  }

  const down = await pcscdUnreachable(v, { type: 'mynumber-card', generation: null });
  if (down !== null) return down;

  const trust = loadFlagTrust(trustDir, v['no-builtin-trust'] === true, nodeCrypto, at);
  if (!trust) return usage(`trust directory ${trustDir} does not exist`);

  let readerName = v.reader as string | undefined;
  let simulated: { link: import('../../../sim/card/vpcd-link.ts').VpcdCard } | null = null;
  if ((sim || mynaSim) && simModule) {
    const on = await simulatedReader(readerName);
    if (typeof on === 'string') return usage(on);
    readerName = on.reader;
    simulated = mynaSim
      ? (await import('../../../sim/document-simulate.ts')).createSimulatedDocument(mynaSim, on.port)
      : simModule.createSimulatedCard(sim!, on.port);
  }

  const result = await withSimulatedCard(simulated, (insert) =>
    readCardOverPcsc({
      ...(readerName ? { reader: readerName } : {}),
      policy,
      unlock,
      trust,
      crypto: nodeCrypto,
      at,
      waitMs,
      ...(jpkiPin !== undefined ? { jpkiPin } : {}),
      ...insert,
    }),
  );
  if (typeof result === 'number') return result;

  const out = toJson(result, {
    policy,
    unlock: unlock.kind,
    simulated: v.simulate as string | undefined,
    pixels: v['photo-pixels'] === true,
    trustWarnings: trust.errors.map((e) => e.code),
  });
  if (v.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else process.stdout.write(human(out) + '\n');
  return result.verdict === 'valid' ? EXIT_OK : EXIT_INVALID;
}

export function toJson(
  r: PcscReadResult,
  o: { policy: string; unlock: string; simulated?: string | undefined; pixels: boolean; trustWarnings?: string[] },
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(r.attributes)) {
    if (k === 'portrait') {
      if (val === null) attributes.photo = null;
      else if (r.photo) {
        const p: Record<string, unknown> = {
          format: 'jp2',
          width: r.photo.width,
          height: r.photo.height,
          components: r.photo.components,
          bytes: (val as Uint8Array).length,
        };
        if (o.pixels && r.decodedPhoto) {
          p.pixelFormat =
            r.decodedPhoto.components === 1
              ? 'gray8'
              : `${r.decodedPhoto.components}x${r.decodedPhoto.bitsPerSample}bit`;
          p.pixels = Buffer.from(r.decodedPhoto.pixels).toString('base64');
        }
        attributes.photo = p;
      }
    } else attributes[k] = val;
  }
  return {
    verdict: r.verdict,
    card: r.card,
    policy: o.policy,
    unlock: o.unlock,
    reader: r.reader,
    ...(o.simulated ? { simulated: o.simulated } : {}),
    attributes,
    ...readJsonTail(r, o.trustWarnings),
  };
}

function human(j: Record<string, unknown>): string {
  return humanSummary(j, [`verdict: ${String(j.verdict)}`]);
}
