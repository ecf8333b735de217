// What a caught value says, for details and logs. `catch (e)` gives `unknown`: a library may throw a
// string or a plain object, so a cast to Error would print "undefined".

/** The message of an Error, else the value as text. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "Name: message" for an unexpected failure (the name tells a bug, e.g. TypeError, from a typed error). */
export function errorSummary(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
