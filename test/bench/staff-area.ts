// The staff area's own figures: how long one staff PIN check takes at the production scrypt cost
// (the guess rate a thief with the PIN file gets per core, and the wait staff see at the keypad;
// aim 0.25-0.5 s). test/bench/run.ts adds these under `staff_area`.
//   node --import tsx test/bench/staff-area.ts [--quick]
import { fileURLToPath } from 'node:url';
import { checkStaffPin, hashStaffPin, STAFF_PIN_KDF } from '../../main/host/staff-pin.ts';

export interface StaffAreaBench {
  /** median_ms is CPU time (all threads: scrypt runs in the thread pool), steady under load; wall beside it. */
  staff_pin_check: { median_ms: number; min_ms: number; max_ms: number; wall_median_ms: number; n: number; kdf: string; goal: string; met: boolean };
}

export default async function benchStaffArea(): Promise<StaffAreaBench> {
  const n = process.argv.includes('--quick') ? 3 : 9;
  const rec = await hashStaffPin('582914', 'cli', new Date());
  const ms: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await checkStaffPin('000017', rec);
    const d = process.cpuUsage(c);
    ms.push((d.user + d.system) / 1000);
    wall.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  const median = ms[n >> 1]!;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    staff_pin_check: {
      median_ms: r1(median), min_ms: r1(ms[0]!), max_ms: r1(ms[n - 1]!), wall_median_ms: r1(wall[n >> 1]!), n,
      kdf: `scrypt N=${STAFF_PIN_KDF.N} r=${STAFF_PIN_KDF.r} p=${STAFF_PIN_KDF.p}`,
      goal: '250-500 ms', met: median >= 250 && median <= 500,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchStaffArea(), null, 2));
