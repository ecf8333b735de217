// Child process of test/audit/crash-safety.test.ts (not a test itself). Appends entries forever to
// a log sealed with a sealing key in HOME, writing each returned seq to stdout with a synchronous
// write BEFORE the next append, so the parent knows exactly which appends had returned when it
// SIGKILLs us. Every 40th append it also runs a retention cut, and the key's epoch ends every few
// checkpoints, so kills land inside retention transactions, signatures and ratchets too.
//   node --import tsx test/audit/crash-child.ts DB_FILE HOME
import { writeSync } from 'node:fs';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { SealingKey } from '../../main/audit/sealing-key.ts';
import {
  crashEntry,
  crashPruneNow,
  crashTime,
  CRASH_CHECKPOINT_EVERY,
  CRASH_EPOCH_MS,
  CRASH_RETENTION_DAYS,
} from './crash-entries.ts';

const [file, home] = process.argv.slice(2);
if (!file || !home) {
  process.stderr.write('usage: crash-child.ts DB_FILE HOME\n');
  process.exit(2);
}
// The simulated clock: a second after the row being written (entries are a day apart).
let clock = crashTime(1);
const now = () => new Date(clock);
const key = SealingKey.open(home, { epochMs: CRASH_EPOCH_MS, now });
let store: AuditStore;
{
  // Opening seals what a kill left unsealed, at the time of the next row.
  const probe = AuditStore.open(file, { readOnly: false, checkpointEvery: CRASH_CHECKPOINT_EVERY });
  clock = crashTime((probe.head()?.seq ?? 0) + 1) + 1000;
  probe.close();
  store = AuditStore.open(file, { checkpointEvery: CRASH_CHECKPOINT_EVERY, sealer: key, now });
}
writeSync(1, 'ready\n');
let next = (store.head()?.seq ?? 0) + 1;
for (;;) {
  clock = crashTime(next) + 1000;
  const r = store.append(crashEntry(next));
  writeSync(1, `appended ${r.seq}\n`);
  if (r.seq % 40 === 0) {
    const at = crashPruneNow(r.seq);
    clock = at.getTime();
    const p = store.prune(CRASH_RETENTION_DAYS, at);
    writeSync(1, `pruned ${p.firstSeq} ${p.cutSeq ?? 0}\n`);
  }
  next = (store.head()?.seq ?? 0) + 1;
}
