import { expectNoAxeViolations } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, e2e } from './support/state';

/** The Widget admin page gives the embed snippet to copy, and says whether a site has loaded the widget. */
describe('installing the widget', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adaToken: string;
  const SITE = 'https://onboarding.example.com';

  beforeAll(async () => {
    adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
    ada = await openAgentPage(browser);
    await ada.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e().baseUrl });
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the snippet with a copy button, then the site the widget was seen on', async () => {
    const { page } = ada;
    const settings = await ok('get /widget/settings/admin', { token: adaToken });
    await ok('put /widget/settings', {
      token: adaToken,
      body: { title: settings.title, greetingLines: settings.greetingLines, color: settings.color, allowedOrigins: [...settings.allowedOrigins, SITE] },
    });
    await page.getByRole('link', { name: 'Widget' }).click();
    const snippet = page.getByTestId('embed-snippet');
    expect(await snippet.textContent()).toBe(`<script src="${e2e().baseUrl}/widget.js" async></script>`);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`<script src="${e2e().baseUrl}/widget.js" async></script>`);
    await expectNoAxeViolations(page, { label: 'console: widget settings with the snippet' });

    // A page of the site loads the widget: its loader asks for the settings from the site's origin.
    const res = await fetch(`${e2e().baseUrl}/api/v1/widget/settings`, { headers: { origin: SITE }, signal: AbortSignal.timeout(10_000) });
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
    await page.reload();
    const seen = page.getByTestId('widget-seen');
    await seen.filter({ hasText: `Seen on ${SITE} at` }).waitFor();
    expect(await seen.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
