// Child process of soak.test.ts (run with --expose-gc): N consecutive simulated transactions in ONE
// process through one SimWorld (the kiosk's noble / bleno stacks live across transactions, as in
// the app), alternating BLE modes, each with fresh reader and device keys. Prints one JSON line:
// verdicts, distinct session transcripts, heapUsed after GC at checkpoints, timings.
import { SimWorld, makeWallet } from '../../main/mdoc-reader/simulate.ts';
import { readMdoc } from '../../main/mdoc-reader/read-mdoc.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { deps } from './support.ts';

const N = Number(process.argv[2] ?? 200);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const world = new SimWorld();
const wallets = {
  both: makeWallet('qr', nodeCrypto, new Date()),
  ps: makeWallet('qr-peripheral', nodeCrypto, new Date()),
};
const sessions = new Set<string>();
const verdicts: Record<string, number> = {};
const modes: Record<string, number> = {};
const total: number[] = [];
const byMode: Record<string, number[]> = {};
const transfer: number[] = [];
const heap: { tx: number; heapUsed: number }[] = [{ tx: 0, heapUsed: heapAfterGc() }];
const errors: string[] = [];

for (let i = 1; i <= N; i++) {
  const wallet = i % 2 ? wallets.both : wallets.ps;
  const tx = world.qrTransaction(wallet);
  const t0 = performance.now();
  const o = await readMdoc({ policy: 'age-over-20', engage: tx.engage }, deps(world));
  const dt = performance.now() - t0;
  total.push(dt);
  (byMode[String(o.transport.kind)] ??= []).push(dt);
  transfer.push(o.timings.transfer);
  await tx.walletDone;
  verdicts[o.result.verdict] = (verdicts[o.result.verdict] ?? 0) + 1;
  modes[String(o.transport.kind)] = (modes[String(o.transport.kind)] ?? 0) + 1;
  if (o.sessionId) sessions.add(o.sessionId);
  if (o.result.verdict !== 'valid' && errors.length < 5) errors.push(o.result.errors.map((e) => e.code).join(','));
  // Wait for the radio to settle (links down, advertising stopped) before the next customer.
  for (let k = 0; k < 100 && !world.radio.idle; k++) await new Promise((r) => setTimeout(r, 1));
  if (i % 25 === 0) heap.push({ tx: i, heapUsed: heapAfterGc() });
}
world.shutdown();

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const pct = (a: number[], p: number) => sorted(a)[Math.min(a.length - 1, Math.floor((p / 100) * a.length))]!;
console.log(
  JSON.stringify({
    n: N,
    verdicts,
    modes,
    distinctSessions: sessions.size,
    errors,
    heap,
    radio: world.radio.stats,
    ms: {
      medianTotal: +pct(total, 50).toFixed(2),
      p95Total: +pct(total, 95).toFixed(2),
      medianTransfer: +pct(transfer, 50).toFixed(2),
      medianByMode: Object.fromEntries(Object.entries(byMode).map(([k, v]) => [k, +pct(v, 50).toFixed(2)])),
    },
  }),
);
