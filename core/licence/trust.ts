// The driving licence's trust: NPA signer certificates by subject key identifier (EF07 tag B6 names
// the signer; the card stores no certificate). The NPA does not publish them: with none installed a
// licence read can at best end 'unverified'.
import type { Certificate } from '../x509/certificate.ts';

export interface LicenceSigner {
  cert: Certificate;
  origin: string;
  /** Lower-case hex SHA-256 of the DER (audit issuer key id). */
  fingerprint: string;
}

export interface LicenceTrust {
  /** Lower-case hex SKI -> signer. */
  licenceSigners: ReadonlyMap<string, LicenceSigner>;
}
