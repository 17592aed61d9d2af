import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, AGENT_BO } from './support/state';
import { Visitor } from './support/visitor';

function listItem(page: Page, name: string) {
  return page.getByTestId('thread-item').filter({ hasText: name });
}

/** What a list item shows under the visitor's email: the newest message, "You: " before the agent's own. */
function previewOf(page: Page, name: string) {
  return listItem(page, name).getByTestId('thread-preview');
}

describe('the inbox lists', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adaToken: string;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
    ada = await openAgentPage(browser);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  it('shows the newest message under each of my threads, live and after a reload', async () => {
    const { page } = ada;
    const lena = await Visitor.start('Lena Latest', 'lena@shop.test');
    visitors.push(lena);
    await lena.send('First question about my invoice');
    await lena.send('Second, newer question about shipping');
    // Claiming writes a system note after both: notes are not what the list shows.
    await ok('post /threads/{id}/claim', { params: { id: lena.thread.id }, token: adaToken });
    await page.getByRole('link', { name: 'My threads' }).click();
    await listItem(page, 'Lena Latest').waitFor();

    await page.reload();
    await previewOf(page, 'Lena Latest').filter({ hasText: /^Second, newer question about shipping$/ }).waitFor();

    await ok('post /threads/{id}/messages', {
      params: { id: lena.thread.id },
      token: adaToken,
      body: { clientMsgId: randomUUID(), body: 'Happy to help with shipping' },
    });
    await previewOf(page, 'Lena Latest').filter({ hasText: /^You: Happy to help with shipping$/ }).waitFor();
    await page.reload();
    await previewOf(page, 'Lena Latest').filter({ hasText: /^You: Happy to help with shipping$/ }).waitFor();

    await lena.send('Thanks!');
    await previewOf(page, 'Lena Latest').filter({ hasText: /^Thanks!$/ }).waitFor();
    await page.reload();
    await previewOf(page, 'Lena Latest').filter({ hasText: /^Thanks!$/ }).waitFor();
  });

  it('shows admins every open thread and who has it, live', async () => {
    const { page } = ada;
    await ensureAgent(adaToken, AGENT_BO);
    const boToken = (await login(AGENT_BO.email, AGENT_BO.password)).token;
    await page.getByRole('link', { name: 'All open' }).click();
    await page.getByRole('heading', { name: 'All open', level: 1 }).waitFor();
    // Lena's thread, claimed by Ada in the test before.
    await listItem(page, 'Lena Latest').getByTestId('assignee').filter({ hasText: ADMIN.name }).waitFor();

    const otto = await Visitor.start('Otto Open', 'otto@shop.test');
    visitors.push(otto);
    await otto.send('Is anyone around?');
    const assignee = listItem(page, 'Otto Open').getByTestId('assignee');
    await assignee.filter({ hasText: 'Waiting' }).waitFor();
    await ok('post /threads/{id}/claim', { params: { id: otto.thread.id }, token: boToken });
    await assignee.filter({ hasText: AGENT_BO.name }).waitFor();

    // Opening it shows the conversation, read-only for whoever does not have it.
    await listItem(page, 'Otto Open').getByRole('link').click();
    await page.waitForURL(new RegExp(`/all/${otto.thread.id}$`));
    await page.getByRole('heading', { name: 'Otto Open', level: 1 }).waitFor();
    await page.getByText(`with ${AGENT_BO.name}`).waitFor();
    await page.locator('app-transcript').getByText('Is anyone around?').waitFor();

    await ok('post /threads/{id}/close', { params: { id: otto.thread.id }, token: boToken });
    await listItem(page, 'Otto Open').waitFor({ state: 'detached' });

    // Agents who are not admins get neither the link nor the page.
    const bo = await openAgentPage(browser);
    await signIn(bo.page, AGENT_BO.email, AGENT_BO.password);
    expect(await bo.page.getByRole('link', { name: 'All open' }).count()).toBe(0);
    await bo.page.goto('/all');
    await bo.page.waitForURL(/\/queue$/);
    expect(bo.problems).toEqual([]);
    await bo.context.close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
