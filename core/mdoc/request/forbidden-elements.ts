// Elements the kiosk must never ask for, whatever a policy or caller says.
// individual_number_unicode is the My Number itself (個人番号): the My Number Act (art. 15, 19, 20)
// restricts who may collect it, and no Kakunin preset is one of them. Keeping it in one list that
// every request passes through makes the rule testable (test/mdoc-session/request.test.ts).
export const FORBIDDEN_ELEMENTS: ReadonlySet<string> = new Set(['individual_number_unicode']);

export class ForbiddenElementError extends Error {
  override readonly name = 'ForbiddenElementError';
  readonly code = 'request_forbidden_element';
  constructor(readonly element: string) {
    super(`element ${element} may never be requested (My Number Act)`);
  }
}

export function assertNotForbidden(element: string): void {
  if (FORBIDDEN_ELEMENTS.has(element)) throw new ForbiddenElementError(element);
}
