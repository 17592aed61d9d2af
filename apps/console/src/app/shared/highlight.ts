import { Pipe, type PipeTransform } from '@angular/core';

/** A piece of a text, and whether it is a place the search term matched. */
export interface HighlightPart {
  text: string;
  hit: boolean;
}

/** The words of a search as the server finds them: runs of letters, marks and digits, in any script. */
export function searchWords(q: string | null | undefined): string[] {
  return [...new Set(q?.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [])];
}

/**
 * Cuts `text` into plain and matching parts (every place `term`, or one of `words`, occurs,
 * case-insensitively; the longest first), for a template to write each as text, the matches in
 * `<mark>`: no markup is ever made from the text.
 */
export function highlightParts(text: string, term: string | null | undefined, words: readonly string[] = []): HighlightPart[] {
  const all = [...new Set([term?.trim() ?? '', ...words].filter((w) => w.length > 0))].sort((a, b) => b.length - a.length);
  if (all.length === 0) return [{ text, hit: false }];
  const parts: HighlightPart[] = [];
  let from = 0;
  const pattern = all.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  for (const m of text.matchAll(new RegExp(pattern, 'giu'))) {
    if (m.index > from) parts.push({ text: text.slice(from, m.index), hit: false });
    parts.push({ text: m[0], hit: true });
    from = m.index + m[0].length;
  }
  if (from < text.length || parts.length === 0) parts.push({ text: text.slice(from), hit: false });
  return parts;
}

/** `text | highlight: term` (or `text | highlight: term : words`) in a template; see highlightParts. */
@Pipe({ name: 'highlight' })
export class HighlightPipe implements PipeTransform {
  transform(text: string, term: string | null | undefined, words: readonly string[] = []): HighlightPart[] {
    return highlightParts(text, term, words);
  }
}
