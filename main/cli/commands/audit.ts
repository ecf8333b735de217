// `kakunin audit verify --db FILE [--json]`   exit 0 intact, 1 broken, 2 usage
// `kakunin audit export --db FILE --format csv|json`   to stdout
// (issue #5 "Audit log": the contract is relied on outside this repo; keep it exact.)
// The database is opened read-only: inspecting a log never changes it.
import { existsSync } from 'node:fs';
import { AuditStore } from '../../audit/audit-store.ts';

const EXIT_OK = 0;
const EXIT_BROKEN = 1;
const EXIT_USAGE = 2;

const USAGE = `usage:
  kakunin audit verify --db FILE [--json] [--expect-head SEQ:HASH]...
      Verify the hash chain. Reports the first broken link (edited, inserted, deleted, reordered,
      truncated). Exit 0 intact, 1 broken, 2 usage. --json prints {ok, rows, firstBroken: {seq, reason} | null}.
      --expect-head: a head printed by an earlier verify and kept elsewhere; the log must still hold it.
  kakunin audit export --db FILE --format csv|json
      Write every entry to stdout (outcomes only: there is no personal data to export).`;

interface Args {
  db?: string;
  expect: { seq: number; hash: Uint8Array }[];
  format?: string;
  json: boolean;
  help: boolean;
}

function parse(argv: string[]): Args | string {
  const a: Args = { json: false, help: false, expect: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${k} needs a value`);
      return v;
    };
    try {
      if (k === '--db') a.db = value();
      else if (k.startsWith('--db=')) a.db = k.slice(5);
      else if (k === '--format') a.format = value();
      else if (k.startsWith('--format=')) a.format = k.slice(9);
      else if (k === '--json') a.json = true;
      else if (k === '--expect-head') {
        const m = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(value());
        if (!m) return '--expect-head takes SEQ:HASH (the 64-hex hash printed by verify)';
        a.expect.push({ seq: Number(m[1]), hash: Uint8Array.from(Buffer.from(m[2]!.toLowerCase(), 'hex')) });
      }
      else if (k === '--help' || k === '-h') a.help = true;
      else return `unknown option ${k}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  return a;
}

/** Where output goes: the process streams, or a test's buffers. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
}
const processIo: Io = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

function openStore(db: string): AuditStore | string {
  if (!existsSync(db)) return `no such file: ${db}`;
  try {
    return AuditStore.open(db, { readOnly: true });
  } catch (e) {
    return `cannot open ${db} as a Kakunin audit database: ${(e as Error).message}`;
  }
}

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const usageError = (msg: string): number => {
    io.err(`kakunin audit: ${msg}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  };
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    io.err(USAGE + '\n');
    return sub ? EXIT_OK : EXIT_USAGE;
  }
  const args = parse(rest);
  if (typeof args === 'string') return usageError(args);
  if (args.help) {
    io.out(USAGE + '\n');
    return EXIT_OK;
  }
  if (sub !== 'verify' && sub !== 'export') return usageError(`unknown subcommand "${sub}"`);
  if (!args.db) return usageError('--db FILE is required');

  if (sub === 'verify') {
    if (args.format !== undefined) return usageError('--format belongs to export');
    const store = openStore(args.db);
    if (typeof store === 'string') return usageError(store);
    try {
      let r;
      try {
        r = store.verify(args.expect);
      } catch (e) {
        // SQLite could not read the file through (e.g. "database disk image is malformed"): the log
        // is damaged or tampered with below the row level, and no link can be named.
        io.err(`kakunin audit: cannot read the audit log through: ${(e as Error).message}\n`);
        if (args.json) io.out(JSON.stringify({ ok: false, rows: 0, firstBroken: null }) + '\n');
        else io.out('audit chain BROKEN: the database file cannot be read through\n');
        return EXIT_BROKEN;
      }
      const firstBroken = r.firstBroken ? { seq: r.firstBroken.seq, reason: r.firstBroken.reason } : null;
      if (args.json) {
        io.out(JSON.stringify({ ok: r.ok, rows: r.rows, firstBroken }) + '\n');
      } else if (r.ok) {
        // The head hash is printed so an operator can note it elsewhere (a daily report): that is
        // what detects a rewrite of the whole tail together with every in-file anchor.
        const head = r.lastVerified ? `, head seq ${r.lastVerified.seq} hash ${Buffer.from(r.lastVerified.hash).toString('hex')}` : '';
        io.out(`audit chain intact: ${r.rows} rows${head}\n`);
      } else {
        const b = r.firstBroken!;
        io.out(`audit chain BROKEN at seq ${b.seq}: ${b.reason} (${b.detail}); ${r.rows} rows read\n`);
      }
      return r.ok ? EXIT_OK : EXIT_BROKEN;
    } finally {
      store.close();
    }
  }

  if (args.json) return usageError('export takes --format json, not --json');
  if (args.expect.length) return usageError('--expect-head belongs to verify');
  if (args.format !== 'csv' && args.format !== 'json') return usageError('--format must be csv or json');
  const store = openStore(args.db);
  if (typeof store === 'string') return usageError(store);
  try {
    io.out(store.export(args.format));
    return EXIT_OK;
  } finally {
    store.close();
  }
}
