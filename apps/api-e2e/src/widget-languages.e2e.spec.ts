import { ErrorCode, PublicWidgetSettingsSchema, WidgetSettingsSchema } from '@parley/contracts';
import { adminToken, newAgent } from './support/actors';
import { call, expectProblem, expectStatus } from './support/http';

/** The widget in several languages: the site's default language and the admin's texts per language. */
describe('widget languages', () => {
  let before: { title: string; greetingLines: string[]; color: string; allowedOrigins: string[] };

  const base = () => ({ title: before.title, greetingLines: before.greetingLines, color: before.color, allowedOrigins: before.allowedOrigins });
  const put = (body: Record<string, unknown>, token = adminToken()) => call('put /widget/settings', { token, body: body as never });

  beforeAll(async () => {
    const res = await call('get /widget/settings/admin', { token: adminToken() });
    expectStatus(res, 200);
    before = WidgetSettingsSchema.parse(res.body);
  });
  afterAll(async () => {
    expectStatus(await put({ ...base(), defaultLocale: 'en', translations: {} }), 200);
  });

  it('starts in English with no texts per language, and shows both to every page', async () => {
    const pub = await call('get /widget/settings');
    expectStatus(pub, 200);
    const s = PublicWidgetSettingsSchema.parse(pub.body);
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['defaultLocale', 'translations']));
    expect(['en', 'de', 'fr', 'es', 'pt', 'hi', 'ar']).toContain(s.defaultLocale);
  });

  it('keeps the default language and the texts per language an admin sets, and a change that does not name them leaves them', async () => {
    const translations = {
      de: { title: 'Fragen Sie uns', greetingLines: ['Hallo!', 'Wie können wir helfen?'], closedMessage: 'Wir sind gerade nicht da.' },
      ar: { title: 'تحدث معنا', greetingLines: ['أهلًا بك!'] },
      hi: { closedMessage: 'हम अभी उपलब्ध नहीं हैं।' },
    };
    const res = await put({ ...base(), defaultLocale: 'de', translations });
    expectStatus(res, 200);
    expect(WidgetSettingsSchema.parse(res.body)).toMatchObject({ defaultLocale: 'de', translations });

    const pub = PublicWidgetSettingsSchema.parse((await call('get /widget/settings')).body);
    expect(pub).toMatchObject({ defaultLocale: 'de', translations });

    // The other admin pages send the rest of the settings only: the languages stay.
    expectStatus(await put({ ...base(), title: 'Chat with us' }), 200);
    const after = WidgetSettingsSchema.parse((await call('get /widget/settings/admin', { token: adminToken() })).body);
    expect(after).toMatchObject({ title: 'Chat with us', defaultLocale: 'de', translations });

    // Texts are trimmed and normalised like every other text; a language with nothing of its own is no entry.
    const trimmed = await put({ ...base(), translations: { fr: { title: '  Écrivez-nous  ' }, es: {} } });
    expectStatus(trimmed, 200);
    expect(WidgetSettingsSchema.parse(trimmed.body).translations).toEqual({ fr: { title: 'Écrivez-nous' } });
  });

  it('refuses an unknown language, text too long and unknown fields with 400 naming the field, and changes nothing', async () => {
    const was = (await call('get /widget/settings/admin', { token: adminToken() })).body as Record<string, unknown>;
    const cases: [Record<string, unknown>, string][] = [
      [{ defaultLocale: 'tlh' }, 'defaultLocale'],
      [{ defaultLocale: 'de-DE' }, 'defaultLocale'],
      [{ translations: { klingon: { title: 'Qapla' } } }, 'translations'],
      [{ translations: { de: { title: 'x'.repeat(61) } } }, 'translations.de.title'],
      [{ translations: { de: { title: '   ' } } }, 'translations.de.title'],
      [{ translations: { ar: { greetingLines: ['a', 'b', 'c', 'd'] } } }, 'translations.ar.greetingLines'],
      [{ translations: { ar: { greetingLines: ['x'.repeat(201)] } } }, 'translations.ar.greetingLines.0'],
      [{ translations: { fr: { closedMessage: 'x'.repeat(201) } } }, 'translations.fr.closedMessage'],
      [{ translations: { fr: { closedMessage: 'a\u0000b' } } }, 'translations.fr.closedMessage'],
      [{ translations: { pt: { subtitle: 'Olá' } } }, 'translations.pt'],
      [{ translations: ['de'] }, 'translations'],
    ];
    for (const [extra, path] of cases) {
      const problem = expectProblem(await put({ ...base(), ...extra }), ErrorCode.ValidationFailed);
      expect({ extra, paths: problem.errors?.map((e) => e.path) }).toEqual({ extra, paths: expect.arrayContaining([path]) });
    }
    expect((await call('get /widget/settings/admin', { token: adminToken() })).body).toEqual(was);
  });

  it('lets only admins change the languages', async () => {
    const agent = await newAgent();
    expectProblem(await put({ ...base(), defaultLocale: 'fr' }, agent.token), ErrorCode.Forbidden);
    expectProblem(await call('put /widget/settings', { body: { ...base(), defaultLocale: 'fr' } as never }), ErrorCode.Unauthenticated);
  });
});
