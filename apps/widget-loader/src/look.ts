import type { WidgetSettings } from '@parley/contracts';
import { chooseLocale, type WidgetLocale } from '@parley/contracts/constants';

/** What the loader draws, in the visitor's language `lang`. */
export type Look = Pick<WidgetSettings, 'title' | 'greetingLines' | 'color'> & { lang: WidgetLocale };

const COLOR = /^#[0-9a-f]{6}$/i;

/**
 * Keeps only what the loader can show safely, whatever the server sent; the title and greeting in
 * the visitor's language (`wanted`: the page's, then the browser's) when the admin wrote them for it.
 */
export function toLook(s: Partial<WidgetSettings>, wanted: readonly (string | undefined)[]): Look {
  const lang = chooseLocale(wanted, s.defaultLocale);
  const own = s.translations?.[lang];
  const title = own?.title ?? s.title;
  const greeting = own?.greetingLines ?? s.greetingLines;
  const lines = Array.isArray(greeting) ? greeting.filter((l) => typeof l === 'string').slice(0, 3) : [];
  return {
    lang,
    title: typeof title === 'string' && title.trim() ? title.slice(0, 60) : 'Chat with us',
    greetingLines: lines.map((l) => l.slice(0, 200)),
    color: typeof s.color === 'string' && COLOR.test(s.color) ? s.color : '#1a73e8',
  };
}

/** The element the static markup guarantees (the loader writes that markup itself). */
export const el = <T extends Element = HTMLElement>(root: ParentNode, selector: string): T => root.querySelector(selector) as T;

/** Dark text on a light colour, white on a dark one. */
export function textColor(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#111' : '#fff';
}
