// Stage 3, the issuer (item 3 of "What the verifier checks", docs/card-and-mdoc-facts.md): the
// Document Signer chains to a trusted IACA under the Annex B profile (core/x509/chain.ts), the MSO
// signature verifies under the DS key with an algorithm that fits it, and the signed docType is the
// document's and one this IACA may issue (docs/trust.md "docType binding").
import type { SignatureAlgorithm } from '../../cose/algorithms.ts';
import { CoseError } from '../../cose/errors.ts';
import type { VerificationKey } from '../../cose/key.ts';
import { assertAlgMatchesKey, verifySign1, type CoseSign1 } from '../../cose/sign1.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import { checkDocTypeBinding } from '../../trust/doctype-binding.ts';
import type { TrustedRoot, TrustStore } from '../../trust/trust-store.ts';
import { checkDsChain } from '../../x509/chain.ts';
import type { MobileSecurityObject } from '../mobile-security-object.ts';
import { fail, pass, type MdocCheck } from './check-list.ts';

export interface IssuerNames {
  dsSubject: string;
  iacaSubject?: string;
  iacaFingerprint?: string;
}

export interface IssuerChainResult {
  checks: MdocCheck[];
  /** Who signed, when the DS certificate parsed (certificate names only). */
  issuer?: IssuerNames;
  /** The trusted IACA the chain ends at. */
  iaca?: TrustedRoot;
  /** The MSO signature verified under the DS key. */
  signed: boolean;
}

export interface IssuerChainInput {
  x5chain: Uint8Array[];
  sign1?: CoseSign1;
  alg?: SignatureAlgorithm;
  mso?: MobileSecurityObject;
}

export function verifyIssuerChain(
  i: IssuerChainInput,
  trust: TrustStore,
  now: Date,
  crypto: CryptoProvider,
): IssuerChainResult {
  const chain = checkDsChain(
    i.x5chain,
    trust,
    i.mso ? { at: now, signedAt: i.mso.validityInfo.signed, crypto } : { at: now, crypto },
  );
  const out: IssuerChainResult = { checks: [...chain.checks], signed: false };
  if (!chain.ds) return out;
  out.issuer = { dsSubject: chain.dsSubject! };
  if (chain.iaca) {
    out.issuer.iacaSubject = chain.iacaSubject!;
    out.issuer.iacaFingerprint = chain.iaca.fingerprint;
    out.iaca = chain.iaca;
  }
  if (!i.sign1 || !i.alg) return out;
  const key = chain.ds.publicKey as VerificationKey;
  try {
    assertAlgMatchesKey(i.alg, key, 'issuerAuth');
    out.checks.push(
      pass('alg_key_mismatch', `${i.alg.name} with a ${key.kind === 'ec' ? key.curve : key.kind} DS key`),
    );
    if (i.sign1.payload === null) {
      out.checks.push(fail('issuer_signature_invalid', 'issuerAuth has no payload'));
    } else if (verifySign1(i.sign1, key, crypto, { what: 'issuerAuth' })) {
      out.signed = true;
      out.checks.push(pass('issuer_signature_invalid', 'MSO signature verified with the DS key'));
    } else {
      out.checks.push(
        fail('issuer_signature_invalid', 'the MSO signature does not verify with the DS certificate key'),
      );
    }
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    out.checks.push(fail(e.code, e.message));
  }
  return out;
}

/** The signed docType is the document's, and the IACA the chain ended at may issue it. */
export function docTypeChecks(
  documentDocType: string,
  mso: MobileSecurityObject,
  iaca: TrustedRoot | undefined,
  trust: TrustStore,
): MdocCheck[] {
  const same =
    mso.docType === documentDocType
      ? pass('doc_type_mismatch', documentDocType)
      : fail(
          'doc_type_mismatch',
          `Document says ${JSON.stringify(documentDocType)}, the signed MSO says ${JSON.stringify(mso.docType)}`,
        );
  return [same, checkDocTypeBinding(mso.docType, iaca, trust.docTypeBindings)];
}
