// A typed verification failure inside core/mdoc: `code` is one of codes.ts. Parsers throw it;
// verify.ts catches it and turns it into a failed check. Nothing else may escape verification.
import type { MdocCode } from './codes.ts';

export class MdocError extends Error {
  override readonly name = 'MdocError';
  constructor(
    readonly code: MdocCode,
    message: string,
  ) {
    super(message);
  }
}
