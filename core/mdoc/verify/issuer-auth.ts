// Stage 2, read issuerAuth (item 2 of "What the verifier checks", docs/card-and-mdoc-facts.md):
// a COSE_Sign1 with the algorithm in its protected header, an x5chain, and the MSO as its payload.
// Nothing is verified here; the issuer chain stage uses what this one read.
import type { SignatureAlgorithm } from '../../cose/algorithms.ts';
import { CoseError } from '../../cose/errors.ts';
import { parseCoseSign1, sign1Algorithm, sign1X5Chain, type CoseSign1 } from '../../cose/sign1.ts';
import type { Document } from '../device-response.ts';
import { MdocError } from '../errors.ts';
import { parseMobileSecurityObject, type MobileSecurityObject } from '../mobile-security-object.ts';
import { fail, pass, type MdocCheck } from './check-list.ts';

export interface IssuerAuthRead {
  checks: MdocCheck[];
  blocked?: string;
  sign1?: CoseSign1;
  x5chain?: Uint8Array[];
  alg?: SignatureAlgorithm;
  mso?: MobileSecurityObject;
}

export function readIssuerAuth(doc: Document): IssuerAuthRead {
  let sign1: CoseSign1;
  try {
    sign1 = parseCoseSign1(doc.issuerSigned.issuerAuth, 'issuerAuth');
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    return { checks: [fail(e.code, e.message)], blocked: 'issuerAuth is not a COSE_Sign1' };
  }
  const out: IssuerAuthRead = { checks: [pass('malformed_cose')], sign1 };
  try {
    out.x5chain = sign1X5Chain(sign1, 'issuerAuth');
    out.checks.push(pass('x5chain_missing', `${out.x5chain.length} certificate(s)`));
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    out.checks.push(fail(e.code, e.message));
    if (e.code !== 'x5chain_missing') out.checks.push(fail('x5chain_missing', 'x5chain is unusable'));
  }
  try {
    out.alg = sign1Algorithm(sign1, 'issuerAuth');
    out.checks.push(pass('alg_not_in_protected_header', out.alg.name), pass('alg_unsupported', out.alg.name));
  } catch (e) {
    if (!(e instanceof CoseError)) throw e;
    out.checks.push(fail(e.code, e.message));
  }
  if (sign1.payload === null) {
    out.checks.push(fail('mso_malformed', 'issuerAuth payload is detached: the MSO is missing'));
    return out;
  }
  try {
    out.mso = parseMobileSecurityObject(sign1.payload);
    out.checks.push(pass('mso_malformed'));
  } catch (e) {
    if (!(e instanceof MdocError)) throw e;
    out.checks.push(fail(e.code, e.message));
    if (e.code !== 'mso_malformed') out.checks.push(fail('mso_malformed', e.message));
  }
  return out;
}
