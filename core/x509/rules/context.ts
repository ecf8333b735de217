// What every ISO/IEC 18013-5 Annex B profile rule sees. One rule a file (STYLE.md, after isomdl's
// src/definitions/x509/validation/): each returns Check objects whose codes are stable strings.
// Convention: a rule reports each of its codes exactly once, ok or not, so a valid chain lists every
// check that ran (spec item 8: "every check reports pass/fail with a code").

import type { Check } from '../../check.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import type { Certificate } from '../certificate.ts';

export interface DsRuleContext {
  /** The Document Signer certificate (x5chain[0]). */
  ds: Certificate;
  /** The trusted IACA root that issued it. */
  iaca: Certificate;
  /** Verification time (the kiosk's clock, or the CLI's --at). */
  at: Date;
  /** MSO validityInfo.signed, when the caller has it. */
  signedAt?: Date;
  crypto: CryptoProvider;
}

export type Rule<C> = (c: C) => Check[];

export const pass = (code: string, detail?: string): Check => (detail ? { code, ok: true, detail } : { code, ok: true });
export const fail = (code: string, detail: string): Check => ({ code, ok: false, detail });
