// What every ISO/IEC 18013-5 Annex B profile rule sees. One rule a file (after isomdl's
// src/definitions/x509/validation/): each returns X509Check objects (codes in ../codes.ts).
// Convention: a rule reports each of its codes exactly once, ok or not, so a valid chain lists every
// check that ran (docs/card-and-mdoc-facts.md "What the verifier checks" item 8).

import type { CryptoProvider } from '../../crypto/provider.ts';
import type { Certificate } from '../certificate.ts';
import type { X509Check } from '../codes.ts';

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

export type Rule<C> = (c: C) => X509Check[];

export { fail, pass } from '../codes.ts';
