// `kakunin setup`: set the staff PIN at installation, from the kiosk's console.
//
//   npx kakunin setup [--home DIR] [--pin-file FILE | --pin-stdin] [--reset] [--mode MODE] [--lang ja|en] [--json]
//
// Interactive on a terminal (the PIN asked twice, not echoed). For scripted installs the PIN comes
// from --pin-file FILE (first line; the file must not be readable by group or others) or from
// --pin-stdin (first line of standard input). Exit 0 set, 1 refused (weak PIN, the two entries
// differ, a PIN already set without --reset), 2 usage (bad flags, unreadable file, no terminal).
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModeSchema, LangSchema } from '../../../api/contract.ts';
import { defaultHome } from '../../host/assemble.ts';
import { ApiFailure } from '../../host/api-failure.ts';
import { openAuditSink } from '../../host/audit-store-adapter.ts';
import type { AuditSink } from '../../host/audit-sink.ts';
import { SettingsStore } from '../../host/settings.ts';
import { StaffAuth } from '../../host/staff-auth.ts';
import { STAFF_PIN_FILE, STAFF_PIN_KDF, readStaffPin } from '../../host/staff-pin.ts';
import { parseFlags, UsageError } from '../flags.ts';
import { errorText } from '../../../core/errors.ts';

export const HELP = `usage: kakunin setup [--home DIR] [--pin-file FILE | --pin-stdin] [--reset] [--mode MODE] [--lang ja|en] [--json]

Set the kiosk's staff PIN (6 to 12 digits; not one digit repeated, a run such as 123456 or a
repeated block such as 121212). Stored as scrypt in DIR/${STAFF_PIN_FILE} (0600), never in clear.

  --home DIR      the kiosk's home (default: $KAKUNIN_HOME or ~/.config/kakunin)
  (no PIN flag)   ask on the terminal, twice, without echo
  --pin-file FILE read the PIN from the first line of FILE (chmod 600 FILE: a file that group or
                  others may read is refused); delete FILE afterwards
  --pin-stdin     read the PIN from the first line of standard input
  --reset         replace a PIN that is already set (and clear the wrong-PIN lockout)
  --mode MODE     also set the counter mode: age-over-20 | entrance | identity
  --lang ja|en    also set the screen language
  --json          print one JSON object

Without this command, a kiosk with no staff PIN prints a one-time setup code on its console at
start; the PIN can then be set on the kiosk screen with that code.

exit status: 0 set, 1 refused, 2 usage error`;

const WITH_VALUE = new Set(['--home', '--pin-file', '--mode', '--lang']);
const BOOLEANS = new Set(['--pin-stdin', '--reset', '--json', '--help', '-h']);

export interface SetupIo {
  out(s: string): void;
  err(s: string): void;
  stdinIsTerminal(): boolean;
  /** Standard input as text (first 4 KiB). */
  stdinText(): Promise<string>;
  /** Ask on the terminal without echo. */
  askHidden(prompt: string): Promise<string>;
}

function firstLine(s: string): string {
  return (s.split(/\r?\n/)[0] ?? '').trim();
}

function readPinFile(file: string): string {
  let st;
  try {
    st = lstatSync(file);
  } catch (e) {
    throw new UsageError(`--pin-file ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`);
  }
  if (!st.isFile()) throw new UsageError(`--pin-file ${file}: not a regular file`);
  if ((st.mode & 0o077) !== 0)
    throw new UsageError(
      `--pin-file ${file}: readable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 ${file} first`,
    );
  return firstLine(readFileSync(file, 'utf8'));
}

export async function runSetup(argv: string[], io: SetupIo): Promise<number> {
  let values: Map<string, string>;
  let bools: Set<string>;
  try {
    ({ values, bools } = parseFlags(argv, WITH_VALUE, BOOLEANS));
    if (values.has('--pin-file') && bools.has('--pin-stdin'))
      throw new UsageError('give --pin-file or --pin-stdin, not both');
    const mode = values.get('--mode');
    if (mode !== undefined && !ModeSchema.safeParse(mode).success)
      throw new UsageError(`--mode ${mode}: expected age-over-20, entrance or identity`);
    const lang = values.get('--lang');
    if (lang !== undefined && !LangSchema.safeParse(lang).success)
      throw new UsageError(`--lang ${lang}: expected ja or en`);
  } catch (e) {
    io.err(`kakunin setup: ${errorText(e)}\n\n${HELP}\n`);
    return 2;
  }
  if (bools.has('--help') || bools.has('-h')) {
    io.out(HELP + '\n');
    return 0;
  }
  const json = bools.has('--json');
  const home = values.get('--home') ?? defaultHome();
  const reset = bools.has('--reset');
  const fail = (code: number, message: string, error = 'usage_error') => {
    if (json) io.out(JSON.stringify({ ok: false, error, message }) + '\n');
    io.err(`kakunin setup: ${message}\n`);
    return code;
  };

  if (readStaffPin(home).state === 'set' && !reset)
    return fail(1, `a staff PIN is already set in ${home} (use --reset to replace it)`, 'staff_pin_already_set');

  let pin: string;
  try {
    if (values.has('--pin-file')) pin = readPinFile(values.get('--pin-file')!);
    else {
      const tty = io.stdinIsTerminal();
      if (bools.has('--pin-stdin')) {
        if (tty)
          throw new UsageError(
            '--pin-stdin: standard input is a terminal (pipe the PIN in, or leave the flag out to be asked)',
          );
        pin = firstLine(await io.stdinText());
      } else {
        if (!tty) throw new UsageError('standard input is not a terminal: use --pin-file FILE or --pin-stdin');
        pin = await io.askHidden('New staff PIN (6-12 digits) / 新しいスタッフPIN（6〜12桁）: ');
        const again = await io.askHidden('Again / もう一度: ');
        if (again !== pin) return fail(1, 'the two entries differ; nothing was changed', 'staff_pin_mismatch');
      }
    }
  } catch (e) {
    return fail(2, errorText(e));
  }

  let audit: AuditSink | null = null;
  try {
    audit = await openAuditSink(join(home, 'audit.sqlite'));
  } catch (e) {
    io.err(`kakunin setup: warning: the audit log cannot be opened, the PIN change is not logged (${errorText(e)})\n`);
  }
  try {
    const staff = new StaffAuth({ home, audit: (kind, fields) => audit?.event(kind, fields) });
    const started = performance.now();
    let what: 'set' | 'replaced';
    try {
      what = await staff.setFromConsole(pin, reset);
    } catch (e) {
      if (e instanceof ApiFailure) return fail(1, e.error.messageEn, e.error.code);
      throw e;
    }
    const ms = Math.round(performance.now() - started);
    const settings = new SettingsStore(join(home, 'settings.json'));
    const patch = {
      ...(values.has('--mode') ? { mode: ModeSchema.parse(values.get('--mode')) } : {}),
      ...(values.has('--lang') ? { lang: LangSchema.parse(values.get('--lang')) } : {}),
    };
    if (Object.keys(patch).length) settings.update(patch);
    const k = STAFF_PIN_KDF;
    if (json) {
      io.out(
        JSON.stringify({
          ok: true,
          home,
          pin: what,
          file: join(home, STAFF_PIN_FILE),
          kdf: { alg: 'scrypt', ...k },
          hashMs: ms,
          settings: settings.view(),
        }) + '\n',
      );
    } else {
      io.out(
        `kakunin setup: staff PIN ${what} in ${join(home, STAFF_PIN_FILE)} (scrypt N=${k.N} r=${k.r} p=${k.p}, ${ms} ms)\n`,
      );
      if (Object.keys(patch).length) io.out(`kakunin setup: settings: ${JSON.stringify(patch)}\n`);
      io.out('kakunin setup: open the staff area with it: スタッフ / Staff\n');
    }
    return 0;
  } finally {
    await audit?.close();
  }
}

/** Terminal input without echo (raw mode): digits are collected, Enter ends, Ctrl+C aborts. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let s = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (err: Error | null) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(s);
    };
    const onData = (b: Buffer) => {
      for (const ch of b.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') s = s.slice(0, -1);
        else if (s.length < 64) s += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    if (size > 4096) break; // a PIN is one short line
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(argv: string[]): Promise<number> {
  return runSetup(argv, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    stdinIsTerminal: () => process.stdin.isTTY === true,
    stdinText,
    askHidden,
  });
}
