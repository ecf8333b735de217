// `kakunin audit verify --db FILE [--pubkey FILE] [--json] [--expect-head SEQ:HASH]... [--expect-checkpoint FILE]...`
//     exit 0 intact, 1 broken, 2 usage
// `kakunin audit checkpoint --db FILE`   the latest signed checkpoint note, for a head office to keep
// `kakunin audit pubkey`                 the kiosk's audit public key (PEM, from $KAKUNIN_HOME)
// `kakunin audit export --db FILE --format csv|json`   to stdout
// (The contract is relied on outside this repo; keep it exact. docs/audit-log.md explains the
// signed layer.) Databases are opened read-only: inspecting a log never changes it.
import { existsSync, readFileSync } from 'node:fs';
import { parseCheckpointText } from '../../../core/audit/checkpoint.ts';
import { parseSignedNote } from '../../../core/audit/signed-note.ts';
import { AuditStore, type AuditReport, type CheckpointInfo } from '../../audit/audit-store.ts';
import { readAuditPublicKey, SealingKey } from '../../audit/sealing-key.ts';
import { kakuninHome } from '../../trust/trust-sources.ts';
import { errorText } from '../../../core/errors.ts';

const EXIT_OK = 0;
const EXIT_BROKEN = 1;
const EXIT_USAGE = 2;

const USAGE = `usage:
  kakunin audit verify --db FILE [--pubkey FILE] [--json] [--expect-head SEQ:HASH]... [--expect-checkpoint FILE]...
      Verify the log. Reports the first broken link (edited, inserted, deleted, reordered, truncated;
      with --pubkey also signature, retention, time, unsealed) and the first checkpoint that no
      longer holds. Exit 0 intact, 1 broken, 2 usage.
      --pubkey FILE: the kiosk's audit public key (from \`kakunin audit pubkey\`): every signed
        checkpoint and epoch certificate is checked. Without it only the hash chain is checked,
        and the output says that signatures were not checked.
      --json: {ok, rows, firstBroken: {seq, reason} | null, signatures, head: {seq, hash},
        checkpoint: {size, hash, time, epoch, note} | null, firstBadCheckpoint}.
      --expect-head: a head printed by an earlier verify and kept elsewhere; the log must still hold it.
      --expect-checkpoint: a signed checkpoint kept elsewhere (from \`kakunin audit checkpoint\`).
  kakunin audit checkpoint --db FILE
      Print the latest signed checkpoint (a signed note) for a head office to keep. Exit 1 if none.
  kakunin audit pubkey
      Print this kiosk's audit public key (PEM) from $KAKUNIN_HOME (default ~/.config/kakunin),
      making the key on first use.
  kakunin audit export --db FILE --format csv|json
      Write every entry to stdout (outcomes only: there is no personal data to export).`;

interface Args {
  db?: string;
  pubkey?: string;
  expect: { seq: number; hash: Uint8Array }[];
  expectFiles: string[];
  format?: string;
  json: boolean;
  help: boolean;
}

function parse(argv: string[]): Args | string {
  const a: Args = { json: false, help: false, expect: [], expectFiles: [] };
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
      else if (k === '--pubkey') a.pubkey = value();
      else if (k.startsWith('--pubkey=')) a.pubkey = k.slice(9);
      else if (k === '--format') a.format = value();
      else if (k.startsWith('--format=')) a.format = k.slice(9);
      else if (k === '--json') a.json = true;
      else if (k === '--expect-head') {
        const m = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(value());
        if (!m) return '--expect-head takes SEQ:HASH (the 64-hex hash printed by verify)';
        a.expect.push({ seq: Number(m[1]), hash: Uint8Array.from(Buffer.from(m[2]!.toLowerCase(), 'hex')) });
      } else if (k === '--expect-checkpoint') a.expectFiles.push(value());
      else if (k === '--help' || k === '-h') a.help = true;
      else return `unknown option ${k}`;
    } catch (e) {
      return errorText(e);
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
    return `cannot open ${db} as a Kakunin audit database: ${errorText(e)}`;
  }
}

function checkpointJson(c: CheckpointInfo | null, withNote: boolean) {
  if (!c) return null;
  return { size: c.size, hash: c.hash, time: c.time, epoch: c.epoch, ...(withNote ? { note: c.note } : {}) };
}

function printVerify(io: Io, r: AuditReport, json: boolean): void {
  const firstBroken = r.firstBroken ? { seq: r.firstBroken.seq, reason: r.firstBroken.reason } : null;
  if (json) {
    io.out(
      JSON.stringify({
        ok: r.ok,
        rows: r.rows,
        firstBroken,
        signatures: r.signatures,
        head: r.head,
        checkpoint: checkpointJson(r.checkpoint, true),
        firstBadCheckpoint: checkpointJson(r.firstBadCheckpoint, false),
      }) + '\n',
    );
    return;
  }
  const sig =
    r.signatures === 'checked'
      ? `signatures checked (${r.epochs} epoch certificate${r.epochs === 1 ? '' : 's'}${r.checkpoint ? `, latest checkpoint ${r.checkpoint.size} of epoch ${r.checkpoint.epoch} at ${r.checkpoint.time}` : ''})`
      : "signatures NOT checked (hash chain only; pass --pubkey FILE to check the kiosk's signatures)";
  if (r.ok) {
    // The head hash is printed so an operator can note it elsewhere (a daily report): that is what
    // detects a rewrite of the whole tail together with every in-file anchor.
    const head = r.head ? `, head seq ${r.head.seq} hash ${r.head.hash}` : '';
    io.out(`audit chain intact: ${r.rows} rows${head}; ${sig}\n`);
  } else {
    const b = r.firstBroken!;
    const cp = r.firstBadCheckpoint
      ? `; first bad checkpoint: ${r.firstBadCheckpoint.size}${r.firstBadCheckpoint.epoch !== null ? ` (epoch ${r.firstBadCheckpoint.epoch}, ${r.firstBadCheckpoint.time})` : ''}`
      : '';
    io.out(`audit chain BROKEN at seq ${b.seq}: ${b.reason} (${b.detail}); ${r.rows} rows read${cp}; ${sig}\n`);
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
  if (!['verify', 'export', 'checkpoint', 'pubkey'].includes(sub)) return usageError(`unknown subcommand "${sub}"`);

  if (sub === 'pubkey') {
    if (args.db || args.pubkey || args.format || args.json || args.expect.length || args.expectFiles.length)
      return usageError('pubkey takes no options (the key comes from $KAKUNIN_HOME)');
    try {
      const key = SealingKey.open(kakuninHome());
      try {
        io.out(key.publicKeyPem());
      } finally {
        key.close();
      }
      return EXIT_OK;
    } catch (e) {
      io.err(`kakunin audit: cannot open the audit key: ${errorText(e)}\n`);
      return EXIT_USAGE;
    }
  }

  if (!args.db) return usageError('--db FILE is required');
  if (sub !== 'verify' && (args.pubkey || args.expect.length || args.expectFiles.length))
    return usageError('--pubkey, --expect-head and --expect-checkpoint belong to verify');

  if (sub === 'checkpoint') {
    if (args.format !== undefined || args.json) return usageError('checkpoint takes --db only');
    const store = openStore(args.db);
    if (typeof store === 'string') return usageError(store);
    try {
      const note = store.latestSignedCheckpoint();
      if (!note) {
        io.err("kakunin audit: this log has no signed checkpoint (was it written without the kiosk's key?)\n");
        return EXIT_BROKEN;
      }
      io.out(note);
      return EXIT_OK;
    } finally {
      store.close();
    }
  }

  if (sub === 'verify') {
    if (args.format !== undefined) return usageError('--format belongs to export');
    let publicKey: Uint8Array | undefined;
    if (args.pubkey) {
      try {
        publicKey = readAuditPublicKey(readFileSync(args.pubkey, 'utf8'));
      } catch (e) {
        return usageError(`--pubkey ${args.pubkey}: ${errorText(e)}`);
      }
    }
    const expect = [...args.expect];
    for (const f of args.expectFiles) {
      try {
        const c = parseCheckpointText(parseSignedNote(readFileSync(f, 'utf8')).text);
        expect.push({ seq: c.size, hash: c.head });
      } catch (e) {
        return usageError(`--expect-checkpoint ${f}: not a Kakunin signed checkpoint (${errorText(e)})`);
      }
    }
    const store = openStore(args.db);
    if (typeof store === 'string') return usageError(store);
    try {
      let r: AuditReport;
      try {
        r = store.verify(expect, publicKey ? { publicKey } : {});
      } catch (e) {
        // SQLite could not read the file through (e.g. "database disk image is malformed"): the log
        // is damaged or tampered with below the row level, and no link can be named.
        io.err(`kakunin audit: cannot read the audit log through: ${errorText(e)}\n`);
        if (args.json)
          io.out(
            JSON.stringify({
              ok: false,
              rows: 0,
              firstBroken: null,
              signatures: publicKey ? 'checked' : 'not checked',
              head: null,
              checkpoint: null,
              firstBadCheckpoint: null,
            }) + '\n',
          );
        else io.out('audit chain BROKEN: the database file cannot be read through\n');
        return EXIT_BROKEN;
      }
      printVerify(io, r, args.json);
      return r.ok ? EXIT_OK : EXIT_BROKEN;
    } finally {
      store.close();
    }
  }

  if (args.json) return usageError('export takes --format json, not --json');
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
