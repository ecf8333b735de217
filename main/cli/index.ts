// The `kakunin` command line. Each subcommand lives in main/cli/commands/<name>.ts and exports
// `run(argv: string[]): Promise<number>` returning the exit code. Exit codes are a contract:
// 0 valid / ok, 1 invalid, 2 usage error, 3 unverified (read-card: staff must confirm).
import { COMPILED } from '../project-root.ts';
import { errorText } from '../../core/errors.ts';

const COMMANDS: Record<string, { file: string; summary: string }> = {
  'verify-response': { file: './commands/verify-response.ts', summary: 'verify an ISO 18013-5 DeviceResponse offline' },
  'read-mdoc': {
    file: './commands/read-mdoc.ts',
    summary: 'read one mdoc credential from a phone (or the virtual wallet)',
  },
  'read-card': {
    file: './commands/read-card.ts',
    summary: 'read a My Number Card, driving licence or residence card over PC/SC (or a virtual one)',
  },
  trust: { file: './commands/trust.ts', summary: 'inspect and import trust roots' },
  audit: { file: './commands/audit.ts', summary: 'verify or export the audit log' },
  demo: { file: './commands/demo.ts', summary: 'run simulated transactions through the host' },
  setup: { file: './commands/setup.ts', summary: 'set the staff PIN at installation (and the counter mode, language)' },
};

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
/** read-card: every check that could run passed, but staff must confirm (licence without an NPA signer, facts only in an image). */
export const EXIT_UNVERIFIED = 3;

function usage(): string {
  const lines = ['usage: kakunin <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(16)} ${c.summary}`);
  lines.push('', "Run `kakunin <command> --help` for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stderr.write(usage() + '\n');
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`kakunin: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT_USAGE;
  }
  let mod: { run(argv: string[]): Promise<number> };
  try {
    // The table names the sources; the compiled CLI (dist/, what `npx kakunin` runs) loads their .js.
    mod = await import(COMPILED ? cmd.file.replace(/\.ts$/, '.js') : cmd.file);
  } catch (e) {
    process.stderr.write(`kakunin: command "${name}" is not available in this build (${errorText(e)})\n`);
    return EXIT_USAGE;
  }
  return mod.run(rest);
}
