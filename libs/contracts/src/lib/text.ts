import { z } from 'zod';

/**
 * The one place that decides what user-supplied text Parley accepts: names, message bodies,
 * titles, search terms. Everything a person types goes through `userText`, so a rule is never
 * restated (and never forgotten) by a single schema.
 *
 * - C0 and C1 control characters are refused (PostgreSQL refuses U+0000 outright, and the others
 *   are never typed by people); a multi-line text keeps tab and line feed, and CR LF becomes LF.
 * - Lone surrogates are refused: they are not text, and no UTF-8 column can hold them.
 * - Text is normalised to NFC, so the same words are stored (and searched) the same way.
 * - A text that is empty once whitespace and invisible characters (zero-width, bidi controls,
 *   fillers) are removed is refused: a message nobody can see is not a message.
 */

// Matching control characters is the point of these two patterns.
/** C0, DEL and C1, except tab and line feed. */
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
/** C0, DEL and C1. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * What draws nothing: white space, format characters (zero-width space and joiners, bidi
 * controls, the BOM, soft hyphen: Unicode category Cf), and the fillers that render blank
 * (combining grapheme joiner, Hangul fillers, Braille blank).
 */
const INVISIBLE = /[\s\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\u2800]/gu;

export interface TextRules {
  max: number;
  /** Keeps tab and line feed (message bodies); a one-line text refuses them like any control character. */
  multiline?: boolean;
}

/** True when the text shows something once invisible characters are taken away. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '').length > 0;
}

/** A user-supplied text: see the rules above. Trimmed, NFC, 1..max characters, something visible. */
export function userText({ max, multiline = false }: TextRules) {
  const control = multiline ? CONTROL_MULTILINE : CONTROL;
  const schema = multiline ? z.string().overwrite((s) => s.replace(/\r\n?/g, '\n')) : z.string();
  return schema
    .refine((s) => !control.test(s), {
      message: multiline ? 'control characters are not allowed (tab and new line are)' : 'control characters are not allowed',
    })
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'not valid Unicode text (a lone surrogate)' })
    .overwrite((s) => s.normalize('NFC'))
    .trim()
    .min(1)
    .max(max)
    .refine(hasVisibleText, { message: 'must contain visible text' });
}

/** A DNS name as a browser sends it in Origin (IDNs arrive as punycode): letters, digits, hyphens, dots. */
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The canonical form of a web origin (`scheme://host[:port]`, as browsers send it in `Origin`), or
 * null when the text is not exactly one origin: https, or http for loopback (or for any host where
 * the operator allows it: ALLOWED_ORIGINS, PUBLIC_URL); no path, query,
 * fragment, credentials, wildcard or separator. The socket check, CORS and the widget's CSP
 * `frame-ancestors` all compare and print this one form, so an entry means the same to each.
 */
export function canonicalOrigin(text: string, { allowHttp = false }: { allowHttp?: boolean } = {}): string | null {
  const trimmed = text.trim();
  if (!URL.canParse(trimmed)) return null;
  const url = new URL(trimmed);
  const host = url.hostname;
  const plainHost = HOSTNAME.test(host) || IPV4.test(host) || /^\[[0-9a-f:.]+\]$/.test(host);
  const scheme = url.protocol === 'https:' || (url.protocol === 'http:' && (allowHttp || LOOPBACK.has(host)));
  // Anything past the origin (a path other than the bare "/", a query, a fragment) means it is not one origin.
  const onlyOrigin = (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  const noTail = !/[/?#]/.test(trimmed.replace(/^[a-z]+:\/\//i, '').replace(/\/$/, ''));
  return plainHost && scheme && onlyOrigin && noTail ? url.origin : null;
}

/** An origin as an admin types it, stored in its canonical form. */
export const OriginSchema = z
  .string()
  .max(300)
  .refine((s) => canonicalOrigin(s) !== null, {
    message: 'an origin like https://shop.example.com (https, or http on localhost; no path, wildcard or separator)',
  })
  .transform((s) => canonicalOrigin(s) ?? s);
