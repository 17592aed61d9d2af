import { computed, effect, Injectable, inject, signal } from '@angular/core';
import { chooseLocale, localeDir, type WidgetLocale } from '@parley/contracts';
import { LOCALE_PARAM } from '@parley/widget-protocol';
import { WIDGET_WINDOW } from '../host-bridge';
import { en, type Messages, type Plural } from './en';

/** The catalogs other than English, each its own chunk, fetched when a visitor needs it. */
const CATALOGS: Record<Exclude<WidgetLocale, 'en'>, () => Promise<Messages>> = {
  de: () => import('./de').then((m) => m.de),
  fr: () => import('./fr').then((m) => m.fr),
  es: () => import('./es').then((m) => m.es),
  pt: () => import('./pt').then((m) => m.pt),
  hi: () => import('./hi').then((m) => m.hi),
  ar: () => import('./ar').then((m) => m.ar),
};

export function loadCatalog(locale: WidgetLocale): Promise<Messages> {
  return locale === 'en' ? Promise.resolve(en) : CATALOGS[locale]();
}

/** The first of `tags` the widget speaks (by primary subtag), or null when it speaks none of them. */
export function wantedLocale(tags: readonly (string | null | undefined)[]): WidgetLocale | null {
  for (const tag of tags) {
    if (!tag) continue;
    const locale = chooseLocale([tag], null);
    if (tag.toLowerCase().split('-')[0] === locale) return locale;
  }
  return null;
}

/**
 * The widget's language and its texts. The language is the one the host page asks for
 * (`ParleySettings.locale`, which the loader puts in the iframe's address), else the first of the
 * browser's languages the widget speaks, else the site's default language (from the settings).
 * English is built in; another language's catalog is fetched first, and until it is there the app
 * shows "Loading" rather than flashing English. Plurals go through `Intl.PluralRules`, dates and
 * times through `Intl.DateTimeFormat`, both in that language.
 */
@Injectable({ providedIn: 'root' })
export class I18n {
  private readonly win = inject(WIDGET_WINDOW);
  /** What the host page or the browser asks for, when the widget speaks it. */
  readonly wanted: WidgetLocale | null = wantedLocale([
    new URLSearchParams(this.win.location?.search ?? '').get(LOCALE_PARAM),
    ...(this.win.navigator?.languages ?? []),
  ]);
  /** undefined until the settings said (or could not say) the site's language. */
  private readonly siteDefault = signal<WidgetLocale | null | undefined>(undefined);
  private readonly catalog = signal<{ locale: WidgetLocale; messages: Messages }>({ locale: 'en', messages: en });

  readonly locale = computed<WidgetLocale>(() => this.wanted ?? this.siteDefault() ?? 'en');
  readonly dir = computed(() => localeDir(this.locale()));
  /** The texts of the chosen language. */
  readonly t = computed(() => this.catalog().messages);
  /** The language is settled and its texts are loaded. */
  readonly ready = computed(() => (this.wanted !== null || this.siteDefault() !== undefined) && this.catalog().locale === this.locale());

  private readonly formats = computed(() => {
    const locale = this.locale();
    return {
      plural: new Intl.PluralRules(locale),
      number: new Intl.NumberFormat(locale),
      time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
      day: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }),
    };
  });

  /** The latest catalog fetch (what `settled` waits for). */
  private fetching: Promise<void> = Promise.resolve();

  constructor() {
    effect(() => {
      const locale = this.locale();
      if (this.catalog().locale === locale) return;
      this.fetching = loadCatalog(locale)
        // A catalog that cannot be fetched (the network went): English rather than nothing.
        .catch(() => en)
        .then((messages) => {
          if (this.locale() === locale) this.catalog.set({ locale, messages });
        });
    });
  }

  /** Resolves once the catalog asked for so far is in (after change detection ran the effect). */
  settled(): Promise<void> {
    return this.fetching;
  }

  /** The site's default language, from the settings; null when they could not be read. */
  useSiteDefault(locale: WidgetLocale | null): void {
    this.siteDefault.set(locale);
  }

  /** The form of `forms` for `n` in this language, `#` replaced by the number. */
  plural(forms: Plural, n: number): string {
    const f = this.formats();
    return (forms[f.plural.select(n)] ?? forms.other).replace('#', f.number.format(n));
  }

  time(iso: string): string {
    return this.formats().time.format(new Date(iso));
  }

  day(iso: string): string {
    return this.formats().day.format(new Date(iso));
  }
}
