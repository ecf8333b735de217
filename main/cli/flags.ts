// Command-line flags shared by the CLI commands: `--flag value` or `--flag=value`, each at most once,
// a value never taken from the next flag, and anything unknown is a usage error (exit 2), so a typo
// never runs with a default the caller did not mean.

export class UsageError extends Error {}

export interface ParsedFlags {
  values: Map<string, string>;
  bools: Set<string>;
}

export function parseFlags(argv: string[], withValue: ReadonlySet<string>, booleans: ReadonlySet<string>): ParsedFlags {
  const values = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    if (withValue.has(a)) {
      if (values.has(a)) throw new UsageError(`${a} given twice`);
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${a} needs a value`);
      values.set(a, v);
    } else if (booleans.has(a) && inline === undefined) {
      bools.add(a);
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  return { values, bools };
}
