import { createRestClient } from '@parley/rest-client';
import { expectNoAxeViolations, until } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { launch, visitor, WAIT, Widget } from './support/browser';
import { consoleAgent } from './support/console';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** The agent sees where the visitor is: the host page (and its SPA navigations), browser, local time, whether still there. */
describe('visitor context in the console', () => {
  const s = stack();
  const suite = widgetSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the page the visitor navigated to (pushState), the pages seen, browser, the local time ticking in the visitor zone, and "left" once the tab is closed', async () => {
    // The visitor is in Tokyo; the agent's own browser is in UTC.
    const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'Asia/Tokyo' });
    const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const me = visitor('Tomo');
      const w = await Widget.open(visitorContext, `${s.host}/`);
      await w.startChat(me.name, me.email);
      const thread = await suite.agent.threadOf(me.email);
      const agent = await consoleAgent(agentContext, 'Kai', 'context');
      await createRestClient({ origin: s.api, token: () => agent.token })('post /threads/{id}/claim', { params: { id: thread.id }, body: {} });
      await agent.page.goto(`${s.api}/mine/${thread.id}`, WAIT);
      const panel = agent.page.locator('app-visitor-panel');
      const current = panel.locator('.current-page a');
      await current.filter({ hasText: 'Northwind Outfitters' }).waitFor(WAIT);
      expect(await current.getAttribute('href')).toBe(`${s.host}/`);
      await until('"On the site now"', async () => (await panel.locator('.presence').textContent()) === 'On the site now', WAIT.timeout, 100);

      // An SPA moves on without a page load; the fragment is an in-page anchor, not kept.
      await w.page.evaluate(() => {
        history.pushState({}, '', '/pricing?plan=pro#faq');
        document.title = 'Pricing <b>Pro</b> — Northwind';
      });
      await current.filter({ hasText: 'Pricing <b>Pro</b> — Northwind' }).waitFor(WAIT);
      expect(await current.getAttribute('href')).toBe(`${s.host}/pricing?plan=pro`);
      expect(await current.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await current.locator('b').count()).toBe(0);
      const pages = panel.locator('details.pages');
      expect(await pages.locator('summary').textContent()).toContain('(2)');
      await pages.locator('summary').click(WAIT);
      expect((await pages.locator('li a').allTextContents()).map((t) => t.trim())).toEqual(['Pricing <b>Pro</b> — Northwind', 'Northwind Outfitters — Parley demo site']);
      expect(await panel.locator('.browser').textContent()).toMatch(/^Chrom/);
      expect(await panel.locator('.os').textContent()).not.toBe('Unknown');

      const localTime = panel.locator('.local-time');
      const utcHour = new Date().getUTCHours();
      const first = (await localTime.textContent()) ?? '';
      expect(first).toContain('(Asia/Tokyo)');
      // Tokyo is UTC+9 all year; the hour may have turned since utcHour was read.
      const shown = Number(/(\d{1,2}):\d{2}:\d{2}/.exec(first)?.[1]);
      expect([(utcHour + 9) % 24, (utcHour + 10) % 24]).toContain(shown);
      await until('the local time to tick', async () => (await localTime.textContent()) !== first, WAIT.timeout, 200);

      await expectNoAxeViolations(agent.page, { label: 'the console thread view with the visitor context' });

      // The visitor closes the tab: after the reconnect grace, the agent reads that the visitor left.
      await w.page.close();
      await until('"Left just now"', async () => /^Left /.test((await panel.locator('.presence').textContent()) ?? ''), WAIT.timeout, 200);
      expect(agent.problems).toEqual([]);
      expect(w.problems).toEqual([]);
    } finally {
      await visitorContext.close();
      await agentContext.close();
    }
  });
});
