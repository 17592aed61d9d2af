/** A run of a message's text: plain, or an http(s) address to show as a link. */
export interface TextPart {
  text: string;
  href?: string;
}

/** Addresses written out in full; anything else (javascript:, data:, www.… without a scheme) stays text. */
const ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than an address. */
const TRAILING = /[.,;:!?'"»”’]+$/;

const count = (s: string, c: string) => s.split(c).length - 1;

/** The address as written, less trailing punctuation and an unbalanced closing bracket (`(see https://x.org/a)`). */
function trim(raw: string): string {
  let url = raw.replace(TRAILING, '');
  while (url.endsWith(')') && count(url, ')') > count(url, '(')) url = url.slice(0, -1).replace(TRAILING, '');
  return url;
}

/** Only what the URL parser reads as http(s) becomes a link; the text shown is exactly what was written. */
function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Splits a message into text and links. The parts joined give back the text exactly: nothing is
 * dropped or rewritten, and nothing of it is ever parsed as HTML (the template interpolates).
 */
export function textParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(ADDRESS)) {
    const url = trim(m[0]);
    const href = safeHref(url);
    if (!href) continue;
    if (m.index > at) parts.push({ text: text.slice(at, m.index) });
    parts.push({ text: url, href });
    at = m.index + url.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}
