// Child process of test/audit/crash-safety.test.ts (not a test itself). Appends entries forever,
// writing each returned seq to stdout with a synchronous write BEFORE the next append, so the parent
// knows exactly which appends had returned when it SIGKILLs us. Every 40th append it also runs a
// retention cut, so kills land inside retention transactions too.
//   node --import tsx test/audit/crash-child.ts DB_FILE
import { writeSync } from 'node:fs';
import { AuditStore } from '../../main/audit/audit-store.ts';
import { crashEntry, crashPruneNow, CRASH_CHECKPOINT_EVERY } from './crash-entries.ts';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: crash-child.ts DB_FILE\n');
  process.exit(2);
}
const store = AuditStore.open(file, { checkpointEvery: CRASH_CHECKPOINT_EVERY });
writeSync(1, 'ready\n');
let next = (store.head()?.seq ?? 0) + 1;
for (;;) {
  const r = store.append(crashEntry(next));
  writeSync(1, `appended ${r.seq}\n`);
  if (r.seq % 40 === 0) {
    const p = store.prune(1, crashPruneNow(r.seq));
    writeSync(1, `pruned ${p.firstSeq} ${p.cutSeq ?? 0}\n`);
  }
  next = (store.head()?.seq ?? 0) + 1;
}
