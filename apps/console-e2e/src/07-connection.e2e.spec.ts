import type { Message } from '@parley/contracts';
import { eventually } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, e2e } from './support/state';
import { Visitor } from './support/visitor';

describe('losing the network', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adminToken: string;
  let visitor: Visitor;

  beforeAll(async () => {
    adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    visitor = await Visitor.start('Nora Network', 'nora@shop.test');
    await visitor.send('Are you there?');
    await ok('post /threads/{id}/claim', { params: { id: visitor.thread.id }, token: adminToken });
    browser = await launch();
    // The console on "localhost": there socket.io's client does not drop the socket when the
    // browser goes offline (it does so for other host names), so the page learns of a dead
    // network only from the browser or from missed pings, as on a network that drops silently.
    ada = await openAgentPage(browser, undefined, e2e().baseUrl.replace('127.0.0.1', 'localhost'));
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    visitor?.close();
    await browser?.close();
  });

  it('says so as soon as the browser is offline; what is written meanwhile waits and goes out once', async () => {
    const { page, context } = ada;
    await page.goto(`/mine/${visitor.thread.id}`);
    const box = page.getByLabel('Reply to Nora Network');
    await box.waitFor();
    await page.locator('app-transcript li[data-seq]').first().waitFor();

    await context.setOffline(true);
    await page.getByTestId('connection-banner').filter({ hasText: 'You are offline.' }).waitFor();
    await box.fill('Written while offline');
    await box.press('Enter');
    await page.getByTestId('outgoing').filter({ hasText: 'Written while offline' }).getByText('Waiting for the connection…').waitFor();
    await page.getByTestId('connection-banner').getByText('1 unsent message will be sent when it is back.', { exact: false }).waitFor();

    await context.setOffline(false);
    await visitor.waitForMessage((m) => m.body === 'Written while offline', 30_000);
    await page.getByTestId('outgoing').waitFor({ state: 'detached', timeout: 30_000 });
    await eventually(async () => expect(await page.locator('app-transcript .bubble').filter({ hasText: /^Written while offline$/ }).count()).toBe(1));
    const stored = await ok('get /threads/{id}/messages', { params: { id: visitor.thread.id }, query: { afterSeq: 0 }, token: adminToken });
    expect(stored.items.filter((m: Message) => m.body === 'Written while offline')).toHaveLength(1);
    expect(visitor.received.filter((m) => m.body === 'Written while offline')).toHaveLength(1);
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
