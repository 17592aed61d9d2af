import { createRestClient } from '@parley/rest-client';
import { expectNoAxeViolations, until } from '@parley/test-support';
import type { BrowserContext } from 'playwright-core';
import { visitor, visitorContext, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/**
 * The widget in the visitor's language: a German browser gets the German texts and the German
 * greeting the admin wrote; a page that asks for Arabic gets Arabic texts, right to left, the
 * Arabic greeting, and messages that each read in their own direction.
 */
describe('the widget in several languages', () => {
  const s = stack();
  const suite = widgetSuite();
  const admin = createRestClient({ origin: s.api, token: () => s.admin.token, timeoutMs: WAIT.timeout });
  const DE = { title: 'Fragen Sie uns', greetingLines: ['Hallo! Schön, dass Sie da sind.', 'Wie können wir helfen?'] };
  const AR = { title: 'تحدث معنا', greetingLines: ['أهلًا بك! كيف يمكننا مساعدتك؟'] };
  let own: BrowserContext | undefined;

  async function check(w: Widget, label: string): Promise<void> {
    await expectNoAxeViolations(w.page, { label: `the customer's page, widget ${label}`, context: { include: [['parley-widget']] } });
    await expectNoAxeViolations(await w.iframe(), { label: `the widget's frame, ${label}`, disableRules: Widget.FRAME_PAGE_RULES });
  }
  const html = (w: Widget) => w.frame.locator('html').evaluate((e) => ({ lang: e.getAttribute('lang'), dir: e.getAttribute('dir') }));

  beforeAll(async () => {
    const { title, greetingLines, color, allowedOrigins } = await admin('get /widget/settings/admin');
    await admin('put /widget/settings', { body: { title, greetingLines, color, allowedOrigins, defaultLocale: 'en', translations: { de: DE, ar: AR } } });
  });
  afterAll(async () => {
    const { title, greetingLines, color, allowedOrigins } = await admin('get /widget/settings/admin');
    await admin('put /widget/settings', { body: { title, greetingLines, color, allowedOrigins, defaultLocale: 'en', translations: {} } });
  });
  afterEach(async () => {
    await own?.close();
    own = undefined;
  });

  it('speaks German to a visitor whose browser is German, with the German greeting', async () => {
    const browser = suite.context.browser();
    if (!browser) throw new Error('the suite has no browser');
    own = await visitorContext(browser, { locale: 'de-DE' });
    const me = visitor('Dieter');
    const w = await Widget.open(own, `${s.host}/`);
    await w.button.click(WAIT);
    // The loader's header and typed intro: the admin's German words.
    expect(await w.title.textContent()).toBe(DE.title);
    await until('the German intro to be typed out', async () => (await w.introLines.allTextContents()).join('|') === DE.greetingLines.join('|'), WAIT.timeout, 100);

    await w.frame.locator('h1', { hasText: 'Unterhaltung beginnen' }).waitFor(WAIT);
    expect(await html(w)).toEqual({ lang: 'de', dir: 'ltr' });
    expect(await w.frame.locator('label[for=pw-email]').textContent()).toBe('E-Mail');
    await w.frame.locator('button[type=submit]', { hasText: 'Chat starten' }).click(WAIT);
    await w.frame.locator('#pw-name-problem', { hasText: 'Bitte geben Sie Ihren Namen ein.' }).waitFor(WAIT);
    await check(w, 'in German, the form with its errors');

    await w.frame.locator('#pw-name').fill(me.name, WAIT);
    await w.frame.locator('#pw-email').fill(me.email, WAIT);
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('.status.waiting', { hasText: 'Warten auf' }).waitFor(WAIT);
    const greeting = w.frame.locator('.log li.greeting');
    expect(await greeting.locator('.who').textContent()).toBe(DE.title);
    expect(await greeting.locator('.line').allTextContents()).toEqual(DE.greetingLines);
    await w.frame.locator('.log li.next', { hasText: 'Hier antwortet Ihnen gleich jemand' }).waitFor(WAIT);
    expect(await w.frame.locator('#pw-message').getAttribute('placeholder')).toBe('Nachricht schreiben…');

    const thread = await suite.agent.threadOf(me.email);
    await w.send('Liefern Sie nach Österreich?');
    await w.message('Liefern Sie nach Österreich?').locator('time').waitFor(WAIT);
    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'Ja, in zwei Tagen.');
    await w.message('Ja, in zwei Tagen.').waitFor(WAIT);
    await w.frame.locator('.status.agent', { hasText: 'Sie chatten mit' }).waitFor(WAIT);
    await check(w, 'in German, a chat going on');

    await w.frame.locator('.status .end', { hasText: 'Chat beenden' }).click(WAIT);
    await w.frame.locator('#pw-end-title', { hasText: 'Diese Unterhaltung beenden?' }).waitFor(WAIT);
    await w.frame.locator('.dialog .danger', { hasText: 'Chat beenden' }).click(WAIT);
    await w.frame.locator('h1', { hasText: `Willkommen zurück, ${me.name}!` }).waitFor(WAIT);
    await w.frame.locator('legend', { hasText: 'Wie war diese Unterhaltung?' }).waitFor(WAIT);
    expect(await w.frame.locator('.star span.sr-only').first().textContent()).toBe('1 Stern von 5, Sehr schlecht');
    await check(w, 'in German, the conversation ended');
    expect(w.problems).toEqual([]);
  });

  it('writes right to left for an Arabic page, with the Arabic greeting and each message in its own direction', async () => {
    const me = visitor('Amal');
    const w = await Widget.open(suite.context, `${s.host}/?locale=ar`);
    await w.button.click(WAIT);
    expect(await w.title.textContent()).toBe(AR.title);
    expect(await w.title.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
    await until('the Arabic intro to be typed out', async () => (await w.introLines.allTextContents()).join('|') === AR.greetingLines.join('|'), WAIT.timeout, 100);

    await w.frame.locator('h1', { hasText: 'بدء محادثة' }).waitFor(WAIT);
    expect(await html(w)).toEqual({ lang: 'ar', dir: 'rtl' });
    // The form is mirrored: labels and fields start at the right.
    const label = await w.frame.locator('label[for=pw-name]').evaluate((e) => ({ dir: getComputedStyle(e).direction, right: e.getBoundingClientRect().right, width: document.documentElement.clientWidth }));
    expect(label.dir).toBe('rtl');
    expect(label.width - label.right).toBeLessThan(40);
    await check(w, 'in Arabic, the form');

    await w.frame.locator('#pw-name').fill(me.name, WAIT);
    await w.frame.locator('#pw-email').fill(me.email, WAIT);
    await w.frame.locator('button[type=submit]', { hasText: 'بدء المحادثة' }).click(WAIT);
    await w.frame.locator('.status.waiting', { hasText: 'في انتظار' }).waitFor(WAIT);
    const greeting = w.frame.locator('.log li.greeting');
    expect(await greeting.locator('.who').textContent()).toBe(AR.title);
    expect(await greeting.locator('.line').allTextContents()).toEqual(AR.greetingLines);
    expect(await greeting.locator('.line').first().evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');

    const thread = await suite.agent.threadOf(me.email);
    await w.send('مرحبا، أين طلبي؟');
    await w.message('مرحبا، أين طلبي؟').locator('time').waitFor(WAIT);
    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'Your order ships today.');
    await w.message('Your order ships today.').waitFor(WAIT);
    // Each body takes its direction from its own text: the Arabic one right to left, the English one left to right.
    const mine = w.message('مرحبا، أين طلبي؟');
    const theirs = w.message('Your order ships today.');
    expect(await mine.locator('.body').evaluate((e) => [e.getAttribute('dir'), getComputedStyle(e).direction])).toEqual(['auto', 'rtl']);
    expect(await theirs.locator('.body').evaluate((e) => [e.getAttribute('dir'), getComputedStyle(e).direction])).toEqual(['auto', 'ltr']);
    // Mirrored: the visitor's bubbles on the left, support's on the right.
    const [a, b] = [await mine.boundingBox(), await theirs.boundingBox()];
    if (!a || !b) throw new Error('the messages are not laid out');
    expect(a.x + a.width).toBeLessThan(b.x + b.width);
    expect(a.x).toBeLessThan(b.x);
    await check(w, 'in Arabic, a chat going on');
    expect(w.problems).toEqual([]);
  });
});
