// A refused API call with its code and a message in both languages: thrown by the handlers and the
// services behind them (staff PIN, trust import), answered as `{ok: false, error}` by the session.
import { apiError } from '../../api/contract.ts';

export class ApiFailure extends Error {
  readonly error;
  constructor(code: string, en: string, ja: string) {
    super(en);
    this.error = apiError(code, en, ja);
  }
}
