// The per-document (and per-response) list of checks: each code once, in the order first reported.
// Stages return their checks; verify.ts puts them here in stage order and `finish` turns every
// expected code that no stage reported into a failure that says why it could not run (fail closed).
import { checkMaker, type Check } from '../../check.ts';
import type { MdocCheckCode } from '../codes.ts';

export type MdocCheck = Check<MdocCheckCode>;

export const { pass, fail } = checkMaker<MdocCheckCode>();

export class CheckList {
  readonly list: MdocCheck[] = [];
  private readonly seen = new Set<MdocCheckCode>();
  private readonly reasons: string[] = [];

  /** The first report of a code wins, except that a later failure replaces an earlier pass. */
  put(c: MdocCheck): void {
    if (this.seen.has(c.code)) {
      if (!c.ok) {
        const i = this.list.findIndex((x) => x.code === c.code);
        if (this.list[i]!.ok) this.list[i] = c;
      }
      return;
    }
    this.seen.add(c.code);
    this.list.push(c);
  }

  putAll(checks: readonly MdocCheck[]): void {
    for (const c of checks) this.put(c);
  }

  /** Remember why later checks could not run; the first reason is the one reported. */
  blocked(reason: string | undefined): void {
    if (reason) this.reasons.push(reason);
  }

  finish(expected: readonly MdocCheckCode[]): MdocCheck[] {
    const why = this.reasons.length ? `not evaluated: ${this.reasons[0]}` : 'not evaluated';
    for (const code of expected) if (!this.seen.has(code)) this.put(fail(code, why));
    return this.list;
  }
}
