// Passport read benchmark: for BAC and for PACE, how many APDUs and bytes a read costs, how long the
// kiosk's own processing takes (the read in memory minus the virtual chip's time), and, where pcscd
// is reachable, the time from tap to verdict through the real PC/SC stack (pcscd + vpcd). The link
// model (transaction-model.ts apduLinkTime) gives the air time of the same APDUs, so the kiosk's share
// can be set beside it. `measurePassports()` is imported by the bench runner;
// `node --import tsx test/bench/passport.ts` prints the figures.
//
// Why these APDUs (core/passport/read-passport.ts; ICAO Doc 9303-11 §4.2, App. D.4):
// - SELECT MF + READ BINARY of EF.CardAccess by SFI (2-3): learn whether PACE is offered (§4.2 step 1).
// - BAC: SELECT eMRTD, GET CHALLENGE, EXTERNAL AUTHENTICATE (3). PACE: MSE:Set AT + 4 GENERAL
//   AUTHENTICATE + SELECT eMRTD under SM (6).
// - Each file: SELECT, READ BINARY of 4 bytes (the object's length, App. D.4), then blocks of 224
//   (3DES) / 223 (AES) bytes: the largest plaintext whose protected response fits 256 bytes. EF.COM,
//   EF.SOD, DG14/DG15 (clone detection), DG1, DG2 (the face: most of the APDUs).
// - Chip Authentication (2 under AES: MSE:Set AT + GENERAL AUTHENTICATE) or Active Authentication (1).
import { fileURLToPath } from 'node:url';
import { PassportChannel } from '../../core/passport/channel.ts';
import { mrzKeyFromFields } from '../../core/passport/mrz.ts';
import { readPassport } from '../../core/passport/read-passport.ts';
import { nodeCrypto } from '../../main/crypto/node-crypto.ts';
import { probePcscd } from '../../main/pcsc/pcscd-probe.ts';
import { readPassportOverPcsc } from '../../main/passport/read-session.ts';
import { withVirtualReader } from '../support/pcscd.ts';
import { errorText } from '../../core/errors.ts';
import { loadTrustDir } from '../../main/trust/load-dir.ts';
import { TEST_HOLDER } from '../../sim/passport/holder.ts';
import {
  createSimulatedPassport,
  parsePassportSimulation,
  type PassportSimulationSpec,
} from '../../sim/passport/simulate.ts';
import { VirtualPassport } from '../../sim/passport/virtual-passport.ts';
import { TEST_TRUST_DIR } from '../../main/project-root.ts';

const TRUST = TEST_TRUST_DIR;
const AT = new Date('2026-11-22T10:00:00+09:00');

export const PASSPORT_CASES = [
  { name: 'BAC + Active Authentication (RSA)', sim: 'passport:bac,aa' },
  { name: 'PACE GM brainpoolP256r1 AES-128 + Chip Authentication', sim: 'passport:pace,ca' },
  { name: 'PACE IM brainpoolP256r1 AES-128 + Active Authentication (RSA)', sim: 'passport:pace-im,aa' },
] as const;

export interface PassportFigure {
  name: string;
  access: string | null;
  verdict: string;
  apdus: number;
  bytesSent: number;
  bytesReceived: number;
  /** DG2 size (the face), bytes. */
  faceBytes: number;
  /** Median of the kiosk's processing per read (in-memory read minus the virtual chip's time), ms. */
  kioskMs: number;
  /** Median of the virtual chip's own time per read (not the kiosk's), ms. */
  chipMs: number;
  /** Median time from the passport on the reader to the verdict through pcscd + vpcd, ms (chip time included). */
  tapToVerdictMs?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

export async function measurePassports(
  opts: { runs?: number; pcscd?: boolean; slotWaitMs?: number } = {},
): Promise<{ figures: PassportFigure[]; pcscdNote: string | null }> {
  const runs = opts.runs ?? 7;
  const trust = loadTrustDir(TRUST, { crypto: nodeCrypto, now: AT });
  const k = mrzKeyFromFields({
    documentNumber: TEST_HOLDER.documentNumber,
    birthDate: TEST_HOLDER.birthDate,
    expiryDate: TEST_HOLDER.expiryDate,
  });
  if (!k.ok) throw new Error('test MRZ');
  const access = { kind: 'mrz' as const, key: k.key };
  const figures: PassportFigure[] = [];
  for (const c of PASSPORT_CASES) {
    const spec = parsePassportSimulation(c.sim) as PassportSimulationSpec;
    const kiosk: number[] = [];
    const chipT: number[] = [];
    let last: Awaited<ReturnType<typeof readPassport>> | null = null;
    let face = 0;
    // One warm-up read (JIT, key imports), then the timed ones.
    for (let i = 0; i <= runs; i++) {
      const chip = new VirtualPassport(spec.options);
      face = chip.files.get(0x0102)!.length;
      let inChip = 0;
      const channel = new PassportChannel({
        async transmit(cmd) {
          const t = performance.now();
          const r = chip.process(cmd);
          inChip += performance.now() - t;
          return r;
        },
      });
      const t0 = performance.now();
      const r = await readPassport({
        channel,
        policy: 'identity',
        access,
        trust,
        crypto: nodeCrypto,
        at: AT,
        now: () => performance.now(),
      });
      const total = performance.now() - t0;
      if (r.verdict !== 'valid') throw new Error(`bench read ${c.name} was ${r.verdict}: ${JSON.stringify(r.errors)}`);
      if (i > 0) {
        kiosk.push(total - inChip);
        chipT.push(inChip);
      }
      last = r;
    }
    figures.push({
      name: c.name,
      access: last!.card.access,
      verdict: last!.verdict,
      apdus: last!.apdus.count,
      bytesSent: last!.apdus.bytesOut,
      bytesReceived: last!.apdus.bytesIn,
      faceBytes: face,
      kioskMs: r2(median(kiosk)),
      chipMs: r2(median(chipT)),
    });
  }
  let pcscdNote: string | null = null;
  if (opts.pcscd !== false) {
    const probe = await probePcscd();
    if (!probe.ok)
      pcscdNote = `pcscd not reachable (${probe.reason}): tap-to-verdict through PC/SC not measured (run inside the test namespace, see README "Tests")`;
    else {
      // A vpcd slot of our own (test files run in parallel and share the test run's pcscd).
      try {
        await withVirtualReader(async ({ port, readerName }) => {
          for (const f of figures) {
            const c = PASSPORT_CASES.find((x) => x.name === f.name)!;
            const spec = parsePassportSimulation(c.sim) as PassportSimulationSpec;
            const times: number[] = [];
            for (let i = 0; i <= Math.min(runs, 5); i++) {
              const s = createSimulatedPassport(spec, port);
              try {
                const r = await readPassportOverPcsc({
                  reader: readerName,
                  policy: 'identity',
                  access,
                  trust,
                  crypto: nodeCrypto,
                  at: AT,
                  insertCard: () => s.link.insert(),
                });
                if (r.verdict !== 'valid')
                  throw new Error(`bench pcscd read ${c.name} was ${r.verdict}: ${JSON.stringify(r.errors)}`);
                // From the first APDU after connect to the verdict, photo decode included (what staff wait
                // for once the passport lies on the reader); the simulator's socket set-up is excluded.
                if (i > 0) times.push(r.timings.total_ms! - (r.timings.connect_ms ?? 0));
              } finally {
                await s.link.remove();
              }
            }
            f.tapToVerdictMs = r2(median(times));
          }
        }, opts.slotWaitMs);
      } catch (e) {
        pcscdNote = `tap-to-verdict through PC/SC not measured: ${errorText(e)}`;
      }
    }
  }
  return { figures, pcscdNote };
}

async function main() {
  const { figures, pcscdNote } = await measurePassports();
  console.log('Passport reads (virtual passport, identity policy, face JPEG)');
  console.log(
    'case                                                         access  APDUs  sent B  recv B  DG2 B  kiosk ms  chip ms  tap->verdict',
  );
  for (const f of figures)
    console.log(
      `${f.name.padEnd(60)} ${String(f.access).padEnd(6)} ${String(f.apdus).padStart(6)} ${String(f.bytesSent).padStart(7)} ${String(f.bytesReceived).padStart(7)} ${String(f.faceBytes).padStart(6)} ${f.kioskMs.toFixed(2).padStart(9)} ${f.chipMs.toFixed(2).padStart(8)}  ${f.tapToVerdictMs !== undefined ? `${f.tapToVerdictMs} ms` : '-'}`,
    );
  if (pcscdNote) console.log(`# ${pcscdNote}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
