import { Pipe, type PipeTransform } from '@angular/core';

/** A piece of a text, and whether it is a place the search term matched. */
export interface HighlightPart {
  text: string;
  hit: boolean;
}

/**
 * Cuts `text` into plain and matching parts (every place `term` occurs, case-insensitively), for a
 * template to write each as text, the matches in `<mark>`: no markup is ever made from the text.
 */
export function highlightParts(text: string, term: string | null | undefined): HighlightPart[] {
  const t = term?.trim();
  if (!t) return [{ text, hit: false }];
  const parts: HighlightPart[] = [];
  let from = 0;
  for (const m of text.matchAll(new RegExp(t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu'))) {
    if (m.index > from) parts.push({ text: text.slice(from, m.index), hit: false });
    parts.push({ text: m[0], hit: true });
    from = m.index + m[0].length;
  }
  if (from < text.length || parts.length === 0) parts.push({ text: text.slice(from), hit: false });
  return parts;
}

/** `text | highlight: term` in a template; see highlightParts. */
@Pipe({ name: 'highlight' })
export class HighlightPipe implements PipeTransform {
  transform(text: string, term: string | null | undefined): HighlightPart[] {
    return highlightParts(text, term);
  }
}
