// What a caught value says, for details and logs. `catch (e)` gives `unknown`: a library may throw a
// string or a plain object, and a cast to Error would then print "undefined".

/** The message of an Error (or of any object with a string `message`), else the value as text. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string')
    return (e as { message: string }).message;
  return String(e);
}

/** "Name: message" for an unexpected failure (the name tells a bug, e.g. TypeError, from a typed error). */
export function errorSummary(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
