// How a tapped card is read: as the document it is, except for a My Number Card that carries the
// licence AP (マイナ免許証), which can be read two ways. The rule, in one place for the CLI and the kiosk:
//   - it is read as a driving licence (its licence AP, core/myna-licence) only when the operator
//     asked for a licence: `--document driving-licence`; or, with no document named, when the
//     licence PIN (--pin1) was given and no My Number secret was; or, at the kiosk, when the counter's
//     setting says My Number Cards that carry a licence are read as licences;
//   - otherwise it is read as a My Number Card: its own APs are signed by J-LIS, so that read can end
//     'valid', while the licence AP can at best end 'unverified' (its signature layout is unpublished);
//   - age-over-20 always reads it as a My Number Card: the licence AP holds no birth date.
// A My Number Card without the licence AP asked for as a licence is refused (myna_licence_absent).
// A passport is read only when no document was named (its access key is the MRZ or CAN, which the
// caller asks for once it knows a passport answered).
import type { PolicyName } from '../policy/policy.ts';
import type { IdentifiedCard } from './identify.ts';

export type DocumentChoice = 'auto' | 'mynumber' | 'driving-licence' | 'residence-card';
/** What to run on the card: a reader, or a refusal code. */
export type Reading =
  | 'mynumber-card'
  | 'driving-licence'
  | 'myna-licence'
  | 'residence-card'
  | 'passport'
  | { refuse: 'unsupported_card' | 'document_mismatch' | 'myna_licence_absent' };

export interface ReadingRequest {
  asked: DocumentChoice;
  policy: PolicyName;
  /**
   * With `asked` auto: the operator asked for a licence. CLI: the licence PIN (--pin1) was given and
   * no My Number secret; kiosk: the counter's setting reads a マイナ免許証 as a licence.
   */
  licenceAsked: boolean;
}

export function chooseReading(id: Pick<IdentifiedCard, 'document' | 'licenceAp'>, q: ReadingRequest): Reading {
  if (id.document === null) return { refuse: 'unsupported_card' };
  if (id.document === 'mynumber-card') {
    const wantsLicence = q.asked === 'driving-licence' || (q.asked === 'auto' && q.licenceAsked);
    if (!wantsLicence) return q.asked === 'residence-card' ? { refuse: 'document_mismatch' } : 'mynumber-card';
    if (!id.licenceAp) return q.asked === 'driving-licence' ? { refuse: 'myna_licence_absent' } : 'mynumber-card';
    if (q.policy === 'age-over-20' && q.asked !== 'driving-licence') return 'mynumber-card';
    return 'myna-licence';
  }
  if (id.document === 'passport') return q.asked === 'auto' ? 'passport' : { refuse: 'document_mismatch' };
  if (q.asked !== 'auto' && q.asked !== id.document) return { refuse: 'document_mismatch' };
  return id.document;
}
