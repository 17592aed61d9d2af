import type { Browser } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, e2e } from './support/state';

/** The install checklist an admin sees in the inbox until dismissed; each step's state comes from the server. */
describe('the install checklist', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adaToken: string;
  const SITE = 'https://checklist.example.com';

  beforeAll(async () => {
    adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
    ada = await openAgentPage(browser);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  const state = (step: string) => ada.page.getByTestId(`step-${step}`).locator('.state');

  it('shows each step done as the server says, the snippet once the widget was seen on a site', async () => {
    const { page } = ada;
    const checklist = page.getByTestId('install-checklist');
    await checklist.getByRole('heading', { name: 'Get started with Parley' }).waitFor();
    // Earlier files added Bo and had visitors write: those steps are done.
    const [settings, agents, threads] = await Promise.all([
      ok('get /widget/settings/admin', { token: adaToken }),
      ok('get /agents', { token: adaToken }),
      ok('get /threads', { token: adaToken, query: { limit: 1 } }),
    ]);
    expect(agents.length).toBeGreaterThan(1);
    expect(threads.items.length).toBe(1);
    expect(await state('agent').textContent()).toBe('Done');
    expect(await state('message').textContent()).toBe('Done');
    expect(await state('snippet').textContent()).toBe(settings.seenOn ? 'Done' : 'To do');

    // A page of a site loads the widget.
    await ok('put /widget/settings', {
      token: adaToken,
      body: { title: settings.title, greetingLines: settings.greetingLines, color: settings.color, allowedOrigins: [...settings.allowedOrigins, SITE] },
    });
    await fetch(`${e2e().baseUrl}/api/v1/widget/settings`, { headers: { origin: SITE }, signal: AbortSignal.timeout(10_000) });
    await page.reload();
    await state('snippet').filter({ hasText: 'Done' }).waitFor();
    await page.getByTestId('step-snippet').getByRole('link', { name: 'Add the snippet' }).waitFor();
  });

  it('goes away when dismissed, also after a reload, and is not shown to agents', async () => {
    const { page } = ada;
    await page.getByTestId('install-checklist').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('install-checklist').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByText('Select a conversation to read it.').waitFor();
    expect(await page.getByTestId('install-checklist').count()).toBe(0);

    const bo = await openAgentPage(browser);
    await signIn(bo.page, 'bo@console.test', 'bo-password-1234');
    await bo.page.getByText('Select a conversation to read it.').waitFor();
    expect(await bo.page.getByTestId('install-checklist').count()).toBe(0);
    await bo.context.close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
