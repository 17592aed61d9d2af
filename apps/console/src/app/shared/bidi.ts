/**
 * Wraps someone's text in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE for the places markup
 * cannot isolate it (attributes such as placeholder, system notifications): right-to-left text or
 * a U+202E in a name then cannot reorder the words around it.
 */
export function isolated(text: string): string {
  return `\u2068${text}\u2069`;
}
