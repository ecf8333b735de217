// Structured outcomes (STYLE.md: "structured outcomes, not booleans"). A verification is a list of
// checks; it is VALID only when every check ran and passed (fail closed).
export interface Check {
  /** Stable code named after the spec structure or rule, e.g. "digest_mismatch", "mso_expired". */
  code: string;
  ok: boolean;
  /** Human detail (English) for logs and the staff screen; never personal data. */
  detail?: string;
}

/** Infrastructure warnings (stale trust list, clock unsure) are kept apart from security failures. */
export interface Warning {
  code: string;
  detail?: string;
}

export type Result<T, E = { code: string; message: string }> = { ok: true; value: T } | { ok: false; error: E };

export function allPassed(checks: readonly Check[]): boolean {
  return checks.length > 0 && checks.every((c) => c.ok);
}
