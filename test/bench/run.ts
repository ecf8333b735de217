// `npm run bench` (readable table) and `npm run bench -- --json` (one JSON object for machines).
// Issue 6: every comparison runs side by side in this ONE process, on the SAME inputs (made once by
// fixtures.ts), with warm-up, many iterations and medians. Goals are reported, never enforced here:
// a goal that is not met is printed as not met.
//
// JSON contract (relied on outside this repo):
//   comparisons: [{name, baseline, ours_median_ms, baseline_median_ms, ratio, goal, met}]
//     ratio = baseline_median_ms / ours_median_ms, met = ratio >= goal;
//     peer comparisons have goal 3, the crypto-floor comparisons goal 0.67.
//   transaction_model: [{name, link_ms, kiosk_ms, kiosk_share, goal: 0.05, met, total_ms}]
//     kiosk_share = kiosk_ms / (link_ms + kiosk_ms), met = kiosk_share < goal.
//   startup: [{name, compiled_command, loader_command, compiled_median_ms, loader_median_ms, goal_ms,
//     met, runs}] or {name, missing}: the compiled program (npm run build) beside the tsx loader it
//     replaced, as separate processes; met = compiled_median_ms <= goal_ms (startup.ts).
//   session_crypto, card_apdus, audit_appends, passport_reads: figures, or {"missing": "reason"}.
//   transaction_model also has one row per NFC link and passport read ("<link> | passport <case>"):
//   link_ms modelled from the read's APDUs and bytes, kiosk_ms the kiosk's measured processing.
//
// Flags: --json; --quick (few iterations: a smoke run, figures are noisy).
// Environment: BENCH_ROUNDS, BENCH_PER_ROUND, BENCH_WARMUP override the iteration counts.

import { cpus, loadavg } from 'node:os';
import { decodeCbor, type CborMap, type CborValue } from '../../core/cbor/index.ts';
import { cryptoFloor } from './crypto-floor.ts';
import { makeScenarios, type Scenario } from './fixtures.ts';
import { CLOCK, measureSideBySide, type BothStats } from './measure.ts';
import { assertOursValid, loadOurs, type OurVerifier } from './ours.ts';
import { assertAllPassed, PEERS, type PeerVerifier } from './peers.ts';
import { benchSession, type SessionBench } from './session.ts';
import { benchStartup, type StartupResult } from './startup.ts';
import { apduLinkTime, LINKS, linkTime } from './transaction-model.ts';

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const QUICK = args.includes('--quick');
const env = (k: string, d: number): number => (process.env[k] ? Math.max(1, Number(process.env[k])) : d);
// Warm-up: V8 tiers a function up (interpreter -> baseline -> optimising compilers) only after some
// hundreds of calls; with 30 the first scenario's cold path (a fresh provider and trust store each
// call) was timed half-interpreted (traced: DS parse, chain and COSE key code never optimised in
// that window), so the rows measured the tiering, not the verifier a kiosk runs all day. Every
// subject (peers, floor, ours) gets the same 300 untimed calls; "cold caches" means our key and DS
// caches are empty, not that the JIT is.
const ITER = {
  warmup: env('BENCH_WARMUP', QUICK ? 3 : 300),
  rounds: env('BENCH_ROUNDS', QUICK ? 2 : 40),
  perRound: env('BENCH_PER_ROUND', QUICK ? 3 : 5),
};

export const PEER_GOAL = 3;
export const FLOOR_GOAL = 0.67;
export const KIOSK_SHARE_GOAL = 0.05;

export interface Comparison {
  name: string;
  baseline: string;
  ours_median_ms: number;
  baseline_median_ms: number;
  ratio: number;
  goal: number;
  met: boolean;
}

export interface TransactionRow {
  name: string;
  link_ms: number;
  kiosk_ms: number;
  kiosk_share: number;
  goal: number;
  met: boolean;
  total_ms: number;
  /** With the audit append (H5a's median, synchronous FULL) counted as kiosk time too. */
  kiosk_with_audit_ms?: number;
  kiosk_share_with_audit?: number;
  met_with_audit?: boolean;
}

type Missing = { missing: string };

const log = (...a: unknown[]): void => {
  if (!JSON_OUT) console.error(...a);
};
const r4 = (x: number): number => Math.round(x * 10000) / 10000;

function comparison(name: string, baseline: string, ours: number, base: number, goal: number): Comparison {
  const ratio = base / ours;
  return {
    name,
    baseline,
    ours_median_ms: r4(ours),
    baseline_median_ms: r4(base),
    ratio: r4(ratio),
    goal,
    met: r4(ratio) >= goal,
  };
}

/** Flip one bit of the MSO signature: every verifier must then reject (proves the checks run). */
function tamperIssuerSignature(s: Scenario): Scenario {
  const doc = ((decodeCbor(s.deviceResponse) as CborMap).get('documents') as CborValue[])[0] as CborMap;
  const sig = ((doc.get('issuerSigned') as CborMap).get('issuerAuth') as CborValue[])[3] as Uint8Array;
  const at = Buffer.from(s.deviceResponse).indexOf(Buffer.from(sig));
  if (at < 0) throw new Error('tamper: signature not found');
  const bad = s.deviceResponse.slice();
  bad[at + 5] ^= 0x01;
  return { ...s, deviceResponse: bad };
}

async function peerRejects(p: PeerVerifier, s: Scenario): Promise<boolean> {
  try {
    const checks = await p.verify(s);
    return checks.some((c) => c.status === 'FAILED');
  } catch {
    return true;
  }
}

/** Dynamically import another engineer's bench module; report it missing rather than crash. */
async function optionalModule(path: string, hint: RegExp, options?: object): Promise<unknown> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(path)) as Record<string, unknown>;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? '';
    return {
      missing:
        /Cannot find module|ERR_MODULE_NOT_FOUND/.test(msg) || (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND'
          ? `${path} does not exist yet`
          : `${path} failed to load: ${msg}`,
    };
  }
  const fns = Object.entries(mod).filter(([, v]) => typeof v === 'function') as [
    string,
    (...a: unknown[]) => unknown,
  ][];
  const pick = (
    mod.default && typeof mod.default === 'function' ? ['default', mod.default] : fns.find(([k]) => hint.test(k))
  ) as [string, (...a: unknown[]) => unknown] | undefined;
  try {
    if (pick) return { source: `${path} ${pick[0]}()`, ...((await pick[1](options)) as object) };
    const data = Object.fromEntries(Object.entries(mod).filter(([, v]) => typeof v !== 'function'));
    if (Object.keys(data).length) return { source: path, ...data };
    return { missing: `${path} exports nothing the benchmark recognises` };
  } catch (e) {
    return { missing: `${path} threw: ${(e as Error).message}` };
  }
}

async function main(): Promise<void> {
  log(
    `Kakunin benchmark — load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )}, node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, ${QUICK ? 'QUICK (smoke) ' : ''}warmup ${ITER.warmup}, ${ITER.rounds} rounds x ${ITER.perRound} calls per subject`,
  );
  log('making inputs with @auth0/mdl issuer + the project test PKI ...');
  const scenarios = await makeScenarios();

  const oursOrMissing = await loadOurs('node');
  const ours: OurVerifier | null = 'missing' in oursOrMissing ? null : oursOrMissing;

  // Every verifier must accept every input, and reject a tampered one, before any timing.
  for (const s of scenarios) {
    for (const p of PEERS) {
      assertAllPassed(p.name, s.name, await p.verify(s), 10);
      if (!(await peerRejects(p, tamperIssuerSignature(s))))
        throw new Error(`${p.name} accepted a tampered issuer signature on "${s.name}"`);
    }
    if (ours) {
      assertOursValid(ours, s);
      if (ours.verify(tamperIssuerSignature(s)).verdict !== 'invalid')
        throw new Error(`${ours.name} accepted a tampered issuer signature on "${s.name}"`);
    }
  }
  log('all verifiers accept every input and reject a tampered signature: OK');

  const comparisons: Comparison[] = [];
  const oursMs = new Map<string, number>();
  const detail: Record<string, Record<string, BothStats>> = {};
  for (const s of scenarios) {
    log(`timing: ${s.name} (${s.deviceResponse.length} bytes) ...`);
    const floor = cryptoFloor(s);
    const subjects = [
      ...PEERS.map((p) => ({ name: p.name, run: () => p.verify(s) })),
      { name: 'crypto floor', run: () => floor.run() },
      { name: 'crypto floor (cold keys)', run: () => floor.runCold() },
      ...(ours
        ? [
            { name: 'ours', run: () => ours.verify(s) },
            { name: 'ours (cold caches)', prepare: () => ours.prepareCold(s) },
          ]
        : []),
    ];
    const st = await measureSideBySide(subjects, ITER);
    detail[s.name] = Object.fromEntries(st);
    if (!ours) continue;
    const o = st.get('ours')!.main.median_ms;
    oursMs.set(s.name, o);
    for (const p of PEERS)
      comparisons.push(comparison(`verify ${s.name}`, p.name, o, st.get(p.name)!.main.median_ms, PEER_GOAL));
    comparisons.push(
      comparison(
        `verify ${s.name}`,
        'crypto floor (node:crypto, 3 bare ECDSA verifies)',
        o,
        st.get('crypto floor')!.main.median_ms,
        FLOOR_GOAL,
      ),
    );
    // Every cache of ours cold (fresh provider and trust store): the steady-state row above skips the
    // DS certificate check on a DS already proven (core/x509/chain.ts, per trust store) and finds the
    // DS and device keys already imported, so this row shows the first response from a new DS and a
    // new holder. Its floor does the same unavoidable work: the 3 verifies plus importing the DS and
    // device keys (the IACA key is loaded at start on both sides).
    const cold = st.get('ours (cold caches)')!.main.median_ms;
    comparisons.push(
      comparison(
        `verify ${s.name} (cold caches)`,
        'crypto floor, cold (node:crypto, 3 bare ECDSA verifies + DS and device key import)',
        cold,
        st.get('crypto floor (cold keys)')!.main.median_ms,
        FLOOR_GOAL,
      ),
    );
  }

  // Session crypto, per scenario response size.
  const { nodeCrypto } = await import('../../main/crypto/node-crypto.ts');
  const sessions = new Map<string, SessionBench | Missing>();
  for (const s of scenarios) {
    sessions.set(s.name, await benchSession(nodeCrypto, s.deviceResponse, ITER.rounds * ITER.perRound, ITER.warmup));
  }

  const startup = await benchStartup({ quick: QUICK, log });

  const card_apdus = await optionalModule('./card-apdus.ts', /card|apdu|bench|measure|run/i);
  const audit_appends = await optionalModule('./audit-appends.ts', /audit|append|bench|measure|run/i);
  const staff_area = await optionalModule('./staff-area.ts', /staff|bench/i);
  // --quick: fewer reads, and no long wait for a vpcd slot other test files hold.
  const passport_reads = await optionalModule('./passport.ts', /passport/i, {
    runs: QUICK ? 2 : 7,
    slotWaitMs: QUICK ? 10_000 : 120_000,
  });
  const auditMs =
    typeof (audit_appends as { median_append_ms?: unknown }).median_append_ms === 'number'
      ? (audit_appends as { median_append_ms: number }).median_append_ms
      : null;

  // Transaction model: modelled link time vs measured kiosk time. kiosk_ms is the kiosk's processing
  // (session crypto + verification). The host also writes the audit entry (synchronous FULL) before it
  // shows the verdict, so the same row also gives the share with that write included, when H5a's
  // audit figures are present.
  const transaction_model: TransactionRow[] = [];
  for (const s of scenarios) {
    const sess = sessions.get(s.name)!;
    const verifyMs = oursMs.get(s.name);
    if ('missing' in sess || verifyMs === undefined) continue;
    for (const l of LINKS) {
      const lt = linkTime(l, sess.requestBytes, sess.responseBytes);
      const kiosk = verifyMs + sess.total.median_ms;
      const share = kiosk / (lt.link_ms + kiosk);
      transaction_model.push({
        name: `${l.name} | ${s.name}`,
        link_ms: r4(lt.link_ms),
        kiosk_ms: r4(kiosk),
        kiosk_share: r4(share),
        goal: KIOSK_SHARE_GOAL,
        met: share < KIOSK_SHARE_GOAL,
        total_ms: r4(lt.link_ms + kiosk),
        ...(auditMs !== null
          ? {
              kiosk_with_audit_ms: r4(kiosk + auditMs),
              kiosk_share_with_audit: r4((kiosk + auditMs) / (lt.link_ms + kiosk + auditMs)),
              met_with_audit: (kiosk + auditMs) / (lt.link_ms + kiosk + auditMs) < KIOSK_SHARE_GOAL,
            }
          : {}),
      });
    }
  }

  // Passport reads: the air time of the read's own APDUs (no engagement, no chip processing time:
  // a lower bound, so the kiosk share is an upper bound) beside the kiosk's measured processing.
  const pf = (
    passport_reads as {
      figures?: Array<{ name: string; apdus: number; bytesSent: number; bytesReceived: number; kioskMs: number }>;
    }
  ).figures;
  for (const f of pf ?? []) {
    for (const l of LINKS) {
      if (l.kind !== 'nfc') continue;
      const lt = apduLinkTime(l, f.apdus, f.bytesSent, f.bytesReceived);
      const share = f.kioskMs / (lt.link_ms + f.kioskMs);
      transaction_model.push({
        name: `${l.name} | passport ${f.name}`,
        link_ms: r4(lt.link_ms),
        kiosk_ms: r4(f.kioskMs),
        kiosk_share: r4(share),
        goal: KIOSK_SHARE_GOAL,
        met: share < KIOSK_SHARE_GOAL,
        total_ms: r4(lt.link_ms + f.kioskMs),
      });
    }
  }

  const session_crypto: Record<string, unknown> = {};
  for (const [name, sb] of sessions) {
    session_crypto[name] =
      'missing' in sb
        ? sb
        : {
            per_transaction_median_ms: r4(sb.total.median_ms),
            start_median_ms: r4(sb.start.median_ms),
            encrypt_request_median_ms: r4(sb.encryptRequest.median_ms),
            decrypt_response_median_ms: r4(sb.decryptResponse.median_ms),
            request_bytes: sb.requestBytes,
            response_bytes: sb.responseBytes,
          };
  }

  const out = {
    comparisons,
    transaction_model,
    session_crypto,
    card_apdus,
    audit_appends,
    startup,
    staff_area,
    passport_reads,
    ...(ours ? {} : { ours: oursOrMissing }),
    inputs: scenarios.map((s) => ({
      name: s.name,
      device_response_bytes: s.deviceResponse.length,
      issuer_curve: s.issuerCurve,
      made_by: '@auth0/mdl issuer + Kakunin test PKI',
    })),
    clock: CLOCK === 'cpu' ? 'process CPU time (user+system, all threads) per call' : 'wall-clock time per call',
    timings: Object.fromEntries(
      Object.entries(detail).map(([k, v]) => [
        k,
        Object.fromEntries(
          Object.entries(v).map(([n, st]) => [
            n,
            {
              median_ms: r4(st.main.median_ms),
              p10_ms: r4(st.main.p10_ms),
              p90_ms: r4(st.main.p90_ms),
              n: st.main.n,
              wall_median_ms: r4(st.wall.median_ms),
              cpu_median_ms: r4(st.cpu.median_ms),
            },
          ]),
        ),
      ]),
    ),
    environment: {
      load_average: loadavg().map((x) => Math.round(x * 100) / 100),
      node: process.version,
      cpu: cpus()[0]?.model ?? null,
      cpus: cpus().length,
      platform: process.platform,
      quick: QUICK,
      iterations: ITER,
    },
  };

  if (JSON_OUT) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  printTables(out as never);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function printTables(o: {
  comparisons: Comparison[];
  transaction_model: TransactionRow[];
  session_crypto: Record<string, Record<string, unknown>>;
  card_apdus: unknown;
  audit_appends: unknown;
  startup: StartupResult[];
  staff_area: unknown;
  passport_reads: unknown;
  ours?: Missing;
  timings: Record<
    string,
    Record<
      string,
      { median_ms: number; p10_ms: number; p90_ms: number; n: number; wall_median_ms: number; cpu_median_ms: number }
    >
  >;
  clock: string;
}): void {
  const p = (s = ''): void => console.log(s);
  if (o.ours) p(`Kakunin verifier MISSING: ${o.ours.missing}`);
  p(
    `\nDeviceResponse verification, median ms per response (p10-p90) on ${o.clock}; wall-clock median beside it. All subjects interleaved in one process:`,
  );
  for (const [scen, subj] of Object.entries(o.timings)) {
    p(`  ${scen}`);
    for (const [n, st] of Object.entries(subj))
      p(
        `    ${pad(n.startsWith('ours') ? n.replace('ours', 'Kakunin (node crypto)') : n, 36)} ${lpad(st.median_ms.toFixed(3), 8)} ms  (${st.p10_ms.toFixed(3)}-${st.p90_ms.toFixed(3)}, n=${st.n})  wall ${st.wall_median_ms.toFixed(3)} ms`,
      );
  }
  p('\nComparisons (ratio = baseline / ours; met = ratio >= goal):');
  p(
    `  ${pad('name', 34)} ${pad('baseline', 50)} ${lpad('ours ms', 8)} ${lpad('base ms', 8)} ${lpad('ratio', 7)} ${lpad('goal', 5)}  met`,
  );
  for (const c of o.comparisons) {
    p(
      `  ${pad(c.name, 34)} ${pad(c.baseline, 50)} ${lpad(c.ours_median_ms.toFixed(3), 8)} ${lpad(c.baseline_median_ms.toFixed(3), 8)} ${lpad(c.ratio.toFixed(2), 7)} ${lpad(String(c.goal), 5)}  ${c.met ? 'yes' : 'NO'}`,
    );
  }
  p(
    '\nSession crypto per transaction (reader side: key gen + ECDH + HKDF, encrypt request, decrypt response), median ms:',
  );
  for (const [n, v] of Object.entries(o.session_crypto)) {
    if ('missing' in v) p(`  ${pad(n, 24)} missing: ${String(v.missing)}`);
    else
      p(
        `  ${pad(n, 24)} total ${Number(v.per_transaction_median_ms).toFixed(3)}  (start ${Number(v.start_median_ms).toFixed(3)}, encrypt ${Number(v.encrypt_request_median_ms).toFixed(3)}, decrypt ${Number(v.decrypt_response_median_ms).toFixed(3)})  request ${String(v.request_bytes)} B, response ${String(v.response_bytes)} B`,
      );
  }
  p(
    '\nTransaction model (link time modelled, kiosk time measured = verify + session crypto; goal kiosk_share < 0.05):',
  );
  p(
    `  ${pad('link | input', 56)} ${lpad('link ms', 9)} ${lpad('kiosk ms', 9)} ${lpad('share', 7)}  met  | ${lpad('+audit ms', 9)} ${lpad('share', 7)}  met`,
  );
  for (const t of o.transaction_model)
    p(
      `  ${pad(t.name, 56)} ${lpad(t.link_ms.toFixed(1), 9)} ${lpad(t.kiosk_ms.toFixed(3), 9)} ${lpad((t.kiosk_share * 100).toFixed(2) + '%', 7)}  ${t.met ? 'yes' : 'NO '}` +
        (t.kiosk_with_audit_ms !== undefined
          ? `  | ${lpad(t.kiosk_with_audit_ms.toFixed(3), 9)} ${lpad((t.kiosk_share_with_audit! * 100).toFixed(2) + '%', 7)}  ${t.met_with_audit ? 'yes' : 'NO'}`
          : '  | (no audit figures)'),
    );
  p('\nMy Number Card reads (APDUs and bytes per policy):');
  p('  ' + JSON.stringify(o.card_apdus, null, 2).replaceAll('\n', '\n  '));
  p(
    '\nPassport reads (virtual passport through the kiosk reader; kiosk ms = processing without the chip; tap->verdict through pcscd + vpcd):',
  );
  const pr = o.passport_reads as {
    figures?: Array<Record<string, number | string | null>>;
    pcscdNote?: string | null;
    missing?: string;
  };
  if (pr.missing) p(`  missing: ${pr.missing}`);
  for (const f of pr.figures ?? [])
    p(
      `  ${pad(String(f.name), 62)} ${pad(String(f.access), 5)} ${lpad(String(f.apdus), 4)} APDUs ${lpad(String(f.bytesSent), 6)} B out ${lpad(String(f.bytesReceived), 6)} B in  kiosk ${Number(f.kioskMs).toFixed(2)} ms  chip ${Number(f.chipMs).toFixed(2)} ms  tap->verdict ${f.tapToVerdictMs !== undefined ? `${String(f.tapToVerdictMs)} ms` : '-'}`,
    );
  if (pr.pcscdNote) p(`  # ${pr.pcscdNote}`);
  p('\nAudit appends per second (synchronous = FULL):');
  p('  ' + JSON.stringify(o.audit_appends, null, 2).replaceAll('\n', '\n  '));
  p(
    '\nStart-up, wall-clock median ms per process (compiled = what npm start / npx kakunin run; loader = tsx, as before):',
  );
  p(`  ${pad('name', 30)} ${lpad('compiled', 9)} ${lpad('loader', 9)} ${lpad('goal', 6)}  met`);
  for (const s of o.startup) {
    if ('missing' in s) p(`  ${pad(s.name, 30)} missing: ${s.missing}`);
    else
      p(
        `  ${pad(s.name, 30)} ${lpad(s.compiled_median_ms.toFixed(0), 9)} ${lpad(s.loader_median_ms.toFixed(0), 9)} ${lpad(String(s.goal_ms), 6)}  ${s.met ? 'yes' : 'NO'}   (${s.compiled_command.length > 60 ? `${s.compiled_command.slice(0, 57)}...` : s.compiled_command})`,
      );
  }
  p('\nStaff area (PIN check at the production scrypt cost; dashboard render):');
  p('  ' + JSON.stringify(o.staff_area, null, 2).replaceAll('\n', '\n  '));
  const notMet =
    o.comparisons.filter((c) => !c.met).length +
    o.transaction_model.filter((t) => !t.met).length +
    o.startup.filter((s) => 'met' in s && !s.met).length;
  const auditShort = o.transaction_model.filter((t) => t.met_with_audit === false).length;
  p(
    `\n${notMet === 0 ? 'All goals met.' : `${notMet} goal(s) NOT met (see rows marked NO).`}${auditShort ? ` With the audit write counted as kiosk time, ${auditShort} transaction row(s) exceed 5%.` : ''}`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
