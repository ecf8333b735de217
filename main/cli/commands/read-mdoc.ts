// `kakunin read-mdoc`: read one mdoc credential from a phone (a contract: docs/architecture.md "Contracts"):
//
//   npx kakunin read-mdoc --policy age-over-20|identity|entrance [--trust DIR] [--no-builtin-trust] --json
//                         [--simulate wallet:apple|wallet:tamper|...]
//
// Prints the verify-response JSON shape (verdict, documents with only the policy's elements,
// checks, errors, warnings) plus `transport` and `timings` {engagement, session, transfer, verify}
// in ms. Exit 0 valid, 1 invalid, 2 usage. --simulate attaches the virtual wallet through the same
// adapters real devices use (simulated noble / bleno bindings; NFC through pcscd + vpcd when
// reachable, otherwise the same NFC engagement code over an in-memory APDU channel, said in
// `transport`). Without --simulate and without hardware: a clear message and exit 2. Every stage
// has a timeout: this command never hangs.
import { isPolicyName, POLICY_NAMES, type PolicyName } from '../../../core/policy/policy.ts';
import { nodeCrypto } from '../../crypto/node-crypto.ts';
import { checkTrustFlag, loadCliTrust, TRUST_FLAGS_HELP } from '../trust-flags.ts';
import { loadReaderAuth } from '../../trust/reader-auth.ts';
import { homeTrustDir } from '../../trust/trust-sources.ts';
import { responseResultToJson, usageFailed, type Json } from '../json-output.ts';
import { nodeTimers } from '../../ble/stacks.ts';
import { type ReadOutcome } from '../../mdoc-reader/read-mdoc.ts';
import { SCENARIOS, parseScenario, type ScenarioName } from '../../mdoc-reader/simulate.ts';
import { simulateRead } from '../../mdoc-reader/simulated-read.ts';
import { detectHardware } from '../../mdoc-reader/hardware.ts';
import { parseFlags, UsageError } from '../flags.ts';

export const HELP = `usage: kakunin read-mdoc --policy age-over-20|identity|entrance [--trust DIR] [--no-builtin-trust] [--json] [--simulate wallet:NAME]

  --policy NAME       what to ask for and show: ${POLICY_NAMES.join(', ')}
${TRUST_FLAGS_HELP}
  --json              print one JSON object: verify-response's shape plus "transport" and "timings"
  --simulate wallet:NAME
                      read from the virtual wallet instead of a phone:
${Object.entries(SCENARIOS)
  .map(([k, v]) => `                        wallet:${k.padEnd(22)}${v.about}`)
  .join('\n')}

Without --simulate the kiosk's NFC reader (PC/SC) and Bluetooth adapter are used.
exit status: 0 valid, 1 invalid, 2 usage error (or no reader hardware)`;

interface Args {
  policy: PolicyName;
  trust?: string;
  noBuiltinTrust: boolean;
  json: boolean;
  simulate?: ScenarioName;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const { values, bools } = parseFlags(
    argv,
    new Set(['--policy', '--trust', '--simulate']),
    new Set(['--json', '--help', '-h', '--no-builtin-trust']),
  );
  const help = bools.has('--help') || bools.has('-h');
  if (help) return { policy: 'age-over-20', noBuiltinTrust: false, json: bools.has('--json'), help };
  const policy = values.get('--policy');
  if (policy === undefined) throw new UsageError('--policy is required');
  if (!isPolicyName(policy)) throw new UsageError(`--policy must be one of ${POLICY_NAMES.join(', ')}`);
  const trust = values.get('--trust');
  checkTrustFlag(trust);
  const out: Args = { policy, noBuiltinTrust: bools.has('--no-builtin-trust'), json: bools.has('--json'), help };
  if (trust !== undefined) out.trust = trust;
  const sim = values.get('--simulate');
  if (sim !== undefined) {
    const s = parseScenario(sim);
    if (!s)
      throw new UsageError(
        `--simulate ${JSON.stringify(sim)}: expected one of ${Object.keys(SCENARIOS)
          .map((k) => `wallet:${k}`)
          .join(', ')}`,
      );
    out.simulate = s;
  }
  return out;
}

export function outcomeToJson(
  o: ReadOutcome,
  extraWarnings: { code: string; detail?: string; file?: string }[] = [],
): { [k: string]: Json } {
  return {
    ...responseResultToJson(o.result, { warnings: extraWarnings }),
    transport: { ...o.transport } as { [k: string]: Json },
    timings: { ...o.timings },
  };
}

function printHuman(o: ReadOutcome): void {
  const r = o.result;
  const lines = [
    `verdict: ${r.verdict.toUpperCase()}`,
    `transport: ${Object.entries(o.transport)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  ];
  r.documents.forEach((d, i) => {
    lines.push(`document ${i}: ${d.docType}: ${d.verdict.toUpperCase()}`);
    for (const [ns, els] of Object.entries(d.elements)) lines.push(`  ${ns}: ${Object.keys(els).join(', ')}`);
  });
  for (const e of r.errors) lines.push(`  error ${e.code}: ${e.detail ?? e.message}`);
  lines.push(
    `timings (ms): engagement ${o.timings.engagement}, session ${o.timings.session}, transfer ${o.timings.transfer}, verify ${o.timings.verify}`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

export async function run(argv: string[]): Promise<number> {
  const wantsJson = argv.includes('--json');
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return usageFailed('read-mdoc', e, HELP, wantsJson, { checks: [] });
  }
  if (args.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }

  const now = new Date();
  const { store: trust, issues: trustWarnings } = loadCliTrust(args.trust, args.noBuiltinTrust, nodeCrypto, now);
  if (trust.iacas.length === 0)
    trustWarnings.push({
      code: 'trust_store_empty',
      detail: `no IACA root loaded${args.trust ? ` from ${args.trust}` : ''}`,
    });

  // Reader authentication (ISO 18013-5 §9.1.4) when DIR/reader-auth holds a usable certificate + key.
  const ra = loadReaderAuth(args.trust ?? homeTrustDir(), { crypto: nodeCrypto, now });
  if (ra.state === 'unusable')
    trustWarnings.push({ code: ra.code, detail: `${ra.detail}; requests are sent without readerAuth` });
  const base = {
    crypto: nodeCrypto,
    trust,
    now: () => new Date(),
    timers: nodeTimers,
    ...(ra.state === 'ready' ? { readerAuth: ra.signer } : {}),
  };

  let outcome: ReadOutcome;
  if (args.simulate) {
    outcome = await simulateRead(args.simulate, args.policy, base);
  } else {
    const hw = await detectHardware();
    if (!hw.available) {
      const msg = `no phone reader here: ${hw.reason}. Connect an NFC reader (PC/SC) or a Bluetooth adapter, or try the virtual wallet: --simulate wallet:apple`;
      process.stderr.write(`kakunin read-mdoc: ${msg}\n`);
      if (args.json)
        process.stdout.write(
          JSON.stringify({
            verdict: 'invalid',
            documents: [],
            errors: [{ code: 'no_reader_hardware', message: msg }],
            warnings: trustWarnings,
            checks: [],
            transport: { kind: 'none', readerAuth: false, carriersOffered: [] },
            timings: { engagement: 0, session: 0, transfer: 0, verify: 0 },
          }) + '\n',
        );
      exitEvenIfPcscliteLingers(2);
      return 2;
    }
    outcome = await hw.read(args.policy, base);
  }

  if (args.json) process.stdout.write(JSON.stringify(outcomeToJson(outcome, trustWarnings)) + '\n');
  else printHuman(outcome);
  const code = outcome.result.verdict === 'valid' ? 0 : 1;
  exitEvenIfPcscliteLingers(code);
  return code;
}

/**
 * @pokusew/pcsclite keeps a native handle referenced after close(), so a CLI run that touched PC/SC
 * would never exit. When this runs as the `kakunin` command (not imported by a test), end the
 * process shortly after the result is written; the unref'd timer cannot itself keep it alive.
 */
function exitEvenIfPcscliteLingers(code: number): void {
  if (!/kakunin(\.mjs)?$/.test(process.argv[1] ?? '')) return;
  setTimeout(() => process.exit(code), 300).unref();
}
