import { TestBed } from '@angular/core/testing';
import { chooseLocale, WIDGET_LOCALES } from '@parley/contracts';
import { WIDGET_WINDOW } from '../host-bridge';
import { ar } from './ar';
import { de } from './de';
import { en } from './en';
import { I18n, loadCatalog, wantedLocale } from './i18n';

/** Runs the effect that fetches the catalog, and waits for it. */
async function settle(i18n: I18n): Promise<void> {
  TestBed.tick();
  await i18n.settled();
}

/** A window whose address carries `lang` (the loader's choice) and whose browser prefers `languages`. */
function i18nFor(search: string, languages: readonly string[]): I18n {
  const win = { location: { search }, navigator: { languages } } as unknown as Window;
  TestBed.configureTestingModule({ providers: [{ provide: WIDGET_WINDOW, useValue: win }] });
  return TestBed.inject(I18n);
}

describe('the widget language', () => {
  afterEach(() => TestBed.resetTestingModule());

  it("takes the host page's language first, then the browser's, then the site's default", async () => {
    const host = i18nFor('?host=x&lang=de', ['fr-FR', 'en']);
    host.useSiteDefault('es');
    expect(host.locale()).toBe('de');
    TestBed.resetTestingModule();

    const browser = i18nFor('?host=x', ['ja-JP', 'pt-BR', 'en']);
    browser.useSiteDefault('es');
    expect(browser.locale()).toBe('pt');
    TestBed.resetTestingModule();

    const site = i18nFor('?host=x&lang=xx', ['ja-JP', 'zh']);
    expect(site.ready()).toBe(false);
    site.useSiteDefault('hi');
    expect(site.locale()).toBe('hi');
    TestBed.resetTestingModule();

    const none = i18nFor('', ['ja']);
    none.useSiteDefault(null);
    expect(none.locale()).toBe('en');
    expect(none.ready()).toBe(true);
  });

  it('matches by the primary subtag and ignores what it does not speak', () => {
    expect(wantedLocale(['de-CH'])).toBe('de');
    expect(wantedLocale([null, 'AR-eg'])).toBe('ar');
    expect(wantedLocale(['x-klingon', 'ja', ''])).toBeNull();
    expect(chooseLocale(['ja'], 'fr')).toBe('fr');
    expect(chooseLocale(['ja'], 'xx')).toBe('en');
  });

  it('loads the catalog of the language, says ready only then, and writes Arabic right to left', async () => {
    const i18n = i18nFor('?lang=ar', []);
    expect(i18n.ready()).toBe(false);
    await settle(i18n);
    expect(i18n.ready()).toBe(true);
    expect(i18n.t()).toBe(ar);
    expect(i18n.dir()).toBe('rtl');
    expect(i18n.t().startChat).toBe('بدء المحادثة');
    TestBed.resetTestingModule();
    const german = i18nFor('?lang=de', []);
    await settle(german);
    expect(german.ready()).toBe(true);
    expect(german.t().startChat).toBe('Chat starten');
    expect(german.dir()).toBe('ltr');
  });

  it('picks the plural form of the language', async () => {
    const english = i18nFor('?lang=en', []);
    expect(english.plural(en.stars, 1)).toBe('1 star out of 5');
    expect(english.plural(en.stars, 3)).toBe('3 stars out of 5');
    TestBed.resetTestingModule();
    const arabic = i18nFor('?lang=ar', []);
    await settle(arabic);
    expect(arabic.ready()).toBe(true);
    expect(arabic.plural(ar.stars, 1)).toBe('نجمة واحدة من 5');
    expect(arabic.plural(ar.stars, 2)).toBe('نجمتان من 5');
    expect(arabic.plural(ar.stars, 3)).toContain('نجمات');
    TestBed.resetTestingModule();
    const german = i18nFor('?lang=de', []);
    await settle(german);
    expect(german.ready()).toBe(true);
    expect(german.plural(de.stars, 1)).toBe('1 Stern von 5');
  });

  it('has every text in every language, none left empty', async () => {
    for (const locale of WIDGET_LOCALES) {
      const catalog = await loadCatalog(locale);
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const [key, value] of Object.entries(catalog)) {
        if (typeof value === 'string') expect(`${locale}.${key}: ${value.trim() ? 'ok' : 'empty'}`).toBe(`${locale}.${key}: ok`);
      }
      expect(catalog.ratingWords).toHaveLength(6);
    }
  });
});
