import { expectNoAxeViolations } from '@parley/test-support';
import type { Browser, Page } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, AGENT_BO } from './support/state';
import { Visitor } from './support/visitor';

/**
 * axe-core finds no violation on any page of the console, in the states an agent works in: signed
 * out, the inbox with and without a thread open, the closed conversations, and the admin pages.
 * (The first-run page is checked by 01-first-run, the only time it is shown.)
 */
describe('the console with axe-core', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adaToken: string;
  const visitors: Visitor[] = [];

  const check = (page: Page, label: string) => expectNoAxeViolations(page, { label: `console: ${label}` });

  beforeAll(async () => {
    adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    await ensureAgent(adaToken, AGENT_BO);
    browser = await launch();
    ada = await openAgentPage(browser);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  it('has no violations on the sign-in page, also with an error shown', async () => {
    const { page } = ada;
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check(page, 'sign-in page');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await check(page, 'sign-in page with an error');
  });

  it('has no violations in the inbox: the queue, a thread open, my threads', async () => {
    const { page } = ada;
    await signIn(page, ADMIN.email, ADMIN.password);
    const axel = await Visitor.start('Axel Access', 'axel@shop.test');
    visitors.push(axel);
    await axel.send('Can I change the delivery address?');
    const item = page.getByTestId('thread-item').filter({ hasText: 'Axel Access' });
    await item.waitFor();
    await check(page, 'queue');

    await item.click();
    await page.locator('app-transcript .bubble').filter({ hasText: 'Can I change the delivery address?' }).waitFor();
    await check(page, 'queue with a waiting thread open');

    await ok('post /threads/{id}/claim', { params: { id: axel.thread.id }, token: adaToken });
    await page.getByRole('link', { name: 'My threads' }).click();
    await page.getByTestId('thread-item').filter({ hasText: 'Axel Access' }).click();
    await page.getByRole('textbox', { name: 'Reply to Axel Access' }).fill('Yes, which address?');
    await page.keyboard.press('Enter');
    await page.locator('app-transcript .bubble').filter({ hasText: 'Yes, which address?' }).waitFor();
    await axel.waitForMessage((m) => m.body === 'Yes, which address?');
    await check(page, 'my threads with a conversation going on');

    await page.getByRole('button', { name: 'Notifications' }).click();
    await page.getByRole('group', { name: 'Notification settings' }).waitFor();
    await check(page, 'notification settings open');
    await page.keyboard.press('Escape');
  });

  it('has no violations on the closed conversations, listed, searched and open', async () => {
    const { page } = ada;
    const axel = visitors[0];
    await ok('post /threads/{id}/close', { params: { id: axel.thread.id }, token: adaToken, body: {} });
    await page.getByRole('link', { name: 'Closed' }).click();
    const item = page.getByTestId('history-item').filter({ hasText: 'Axel Access' });
    await item.waitFor();
    await check(page, 'closed conversations');

    await item.click();
    await page.locator('app-transcript .bubble').filter({ hasText: 'Can I change the delivery address?' }).waitFor();
    await check(page, 'a closed conversation open');

    await page.getByLabel('Search closed conversations').fill('no such words anywhere');
    await page.getByText('No closed conversation matches', { exact: false }).waitFor();
    await check(page, 'closed conversations, a search with no match');
  });

  it('has no violations on the admin pages: agents, widget settings, API keys', async () => {
    const { page } = ada;
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByTestId('agent-row').filter({ hasText: AGENT_BO.email }).waitFor();
    await check(page, 'agents');
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.getByText('Required.').first().waitFor();
    await check(page, 'agents, the new-agent form with errors');

    await page.getByRole('link', { name: 'Widget' }).click();
    await page.getByRole('heading', { name: 'Widget', level: 1 }).waitFor();
    await page.getByLabel('Title', { exact: true }).waitFor();
    await check(page, 'widget settings');

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Accessibility check');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('New API key').waitFor();
    await check(page, 'API keys with a new key shown');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('key-row').filter({ hasText: 'Accessibility check' }).waitFor();
    await check(page, 'API keys');
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
