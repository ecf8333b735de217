// Structured outcomes (docs/architecture.md "Checks and codes"). A verification is a list of checks;
// it is VALID only when every check ran and passed (fail closed). A check that could not run is
// reported as a failure that says why ("not evaluated: ..."), never left out.
//
// Naming: a check is named after the failure it rules out. `mso_expired` with ok=true says "the MSO
// is not expired", with ok=false "the MSO is expired"; one code names both outcomes, and a failed
// check's code reads as the reason. The card's dotted codes name the record or property whose failure
// they rule out (`card_face.expiry`, `text_ap.cvc_signature`).
//
// Codes are typed per domain (MdocCheckCode, X509CheckCode, CardCheckCode, PassportCheckCode,
// ResidenceCardCheckCode, LicenceCheckCode, each `keyof` its table of messages): build a domain's
// checks with `checkMaker<ThatCode>()` so a misspelt code does not compile.
export interface Check<C extends string = string> {
  /** Stable code named after the failure it rules out, e.g. "digest_mismatch", "mso_expired". */
  code: C;
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

/** The age check every document's policy runs (the 20-or-over rule of the counter's age mode). */
export const AGE_CHECK = 'policy.age_over_20';

/** Invalid on age alone: the read stopped on no error and the only failed check is the age check. */
export function failedOnAgeAlone(checks: readonly Check[], errorCount: number): boolean {
  const failed = checks.filter((c) => !c.ok);
  return errorCount === 0 && failed.length > 0 && failed.every((c) => c.code === AGE_CHECK);
}

export function allPassed(checks: readonly Check[]): boolean {
  return checks.length > 0 && checks.every((c) => c.ok);
}

/** `pass` and `fail` for one domain's codes. */
export function checkMaker<C extends string>(): {
  pass(code: C, detail?: string): Check<C>;
  fail(code: C, detail: string): Check<C>;
} {
  return {
    pass: (code, detail) => (detail ? { code, ok: true, detail } : { code, ok: true }),
    fail: (code, detail) => ({ code, ok: false, detail }),
  };
}
