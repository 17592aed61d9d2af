import type { Message } from '@parley/contracts';
import { eventually, until } from '@parley/test-support';
import type { Browser, Page, Route } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, screenshot, signIn } from './support/browser';
import { ADMIN, AGENT_BO } from './support/state';
import { Visitor } from './support/visitor';

const XSS = '<img src=x onerror=alert(1)>';

/** The queue item of a visitor on an agent's page. */
function queueItem(page: Page, name: string) {
  return page.getByTestId('thread-item').filter({ hasText: name });
}

/** Message bubbles with exactly this text in the open transcript. */
function bubbles(page: Page, text: string) {
  return page.locator('app-transcript .bubble').filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
}

describe('working a conversation', () => {
  let browser: Browser;
  let ada: AgentPage;
  let bo: AgentPage;
  let adminToken: string;
  let vera: Visitor;
  let walt: Visitor;
  let winner: AgentPage;
  let loser: AgentPage;
  let winnerName: string;
  let winnerToken: string;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    await ensureAgent(adminToken, AGENT_BO);
    browser = await launch();
    [ada, bo] = await Promise.all([openAgentPage(browser), openAgentPage(browser)]);
    await Promise.all([signIn(ada.page, ADMIN.email, ADMIN.password), signIn(bo.page, AGENT_BO.email, AGENT_BO.password)]);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  it('shows a visitor’s new thread in every agent’s queue, live, oldest first, with a ticking wait', async () => {
    vera = await Visitor.start('Vera Visitor', 'vera@shop.test');
    visitors.push(vera);
    await vera.send('Hello, my order #1234 has not arrived yet. Can you help?');
    for (const { page } of [ada, bo]) {
      const item = queueItem(page, 'Vera Visitor');
      await item.waitFor();
      await item.getByText('vera@shop.test').waitFor();
      await item.getByText('Hello, my order #1234 has not arrived yet.', { exact: false }).waitFor();
    }
    // The wait ticks without a reload.
    const waited = queueItem(ada.page, 'Vera Visitor').locator('.waited');
    const before = (await waited.textContent())?.trim();
    await eventually(async () => expect((await waited.textContent())?.trim()).not.toBe(before), 5000);

    walt = await Visitor.start('Walt Waiting', 'walt@shop.test');
    visitors.push(walt);
    await walt.send('Do you ship to Canada?');
    const third = await Visitor.start('Quinn Questions', 'quinn@shop.test');
    visitors.push(third);
    await third.send('Is there a discount for students?');
    await queueItem(ada.page, 'Quinn Questions').waitFor();
    await queueItem(bo.page, 'Quinn Questions').waitFor();
    const names = await ada.page.getByTestId('thread-item').locator('.name').allTextContents();
    expect(names).toEqual(['Vera Visitor', 'Walt Waiting', 'Quinn Questions']);
    await ada.page.getByTestId('queue-count').filter({ hasText: '3' }).waitFor();
    await screenshot(ada.page, 'console-queue.png');
  });

  it('lets two agents race to claim: one wins, the other is told who won', async () => {
    // Both clicks must land while both buttons are there: the first claim to reach the server
    // takes the thread off the other agent's queue, live, and under load that used to happen
    // before the second click (its button gone, the click timed out). So each page's claim request
    // is held until both pages have sent theirs, then both go on together: the race is still
    // decided by the server, and the loser still clicked and must be told who won.
    const held: Route[] = [];
    const hold = (route: Route) => void held.push(route);
    const CLAIM = /\/api\/v1\/threads\/[^/]+\/claim$/;
    await Promise.all([ada.page.route(CLAIM, hold), bo.page.route(CLAIM, hold)]);
    const claim = (a: AgentPage) => queueItem(a.page, 'Vera Visitor').getByRole('button', { name: /Claim conversation with Vera/ }).click();
    await Promise.all([claim(ada), claim(bo)]);
    await until('both agents’ claim requests to be sent', () => held.length === 2, 10_000);
    await Promise.all(held.map((route) => route.continue()));
    await Promise.all([ada.page.unroute(CLAIM, hold), bo.page.unroute(CLAIM, hold)]);

    const thread = await eventually(async () => {
      const t = await ok('get /threads/{id}', { params: { id: vera.thread.id }, token: adminToken });
      expect(t.assignedAgent).not.toBeNull();
      return t;
    });
    winnerName = thread.assignedAgent?.name ?? '';
    [winner, loser] = winnerName === ADMIN.name ? [ada, bo] : [bo, ada];
    winnerToken = (await login(winner === ada ? ADMIN.email : AGENT_BO.email, winner === ada ? ADMIN.password : AGENT_BO.password)).token;

    await winner.page.waitForURL(new RegExp(`/mine/${vera.thread.id}$`));
    await loser.page.getByTestId('toast').filter({ hasText: `${winnerName} claimed this conversation first.` }).waitFor();
    // Gone from both queues, live; the others still wait.
    for (const { page } of [ada, bo]) {
      await queueItem(page, 'Vera Visitor').waitFor({ state: 'detached' }).catch(async () => {
        // the winner is on /mine now: check its queue page too
        await page.goto('/queue');
        await queueItem(page, 'Vera Visitor').waitFor({ state: 'detached' });
      });
    }
    await queueItem(loser.page, 'Walt Waiting').waitFor();
    await vera.waitForStatus('active');
  });

  it('lets the winner and the visitor chat both ways in real time', async () => {
    const { page } = winner;
    await page.goto(`/mine/${vera.thread.id}`);
    await page.getByRole('heading', { name: 'Vera Visitor', level: 1 }).waitFor();
    await page.getByText(`${winnerName} joined the conversation`).waitFor();
    await page.getByText('0 / 4000').waitFor();

    const box = page.getByLabel('Reply to Vera Visitor');
    await box.fill('Hi Vera! Let me look up order #1234.');
    await page.getByText('36 / 4000').waitFor();
    await box.press('Enter');
    await vera.waitForMessage((m) => m.body === 'Hi Vera! Let me look up order #1234.' && m.authorType === 'agent');
    await bubbles(page, 'Hi Vera! Let me look up order #1234.').waitFor();
    await page.locator('li.ours').last().locator('.sent').waitFor();

    // Shift+Enter is a new line; Enter sends both lines as one message.
    await box.pressSequentially('It shipped on Monday.');
    await box.press('Shift+Enter');
    await box.pressSequentially('Tracking: ZX-42');
    await box.press('Enter');
    await vera.waitForMessage((m) => m.body === 'It shipped on Monday.\nTracking: ZX-42');

    await vera.typing(true);
    await page.getByText('Vera Visitor is typing…').waitFor();
    await vera.typing(false);
    await page.getByText('Vera Visitor is typing…').waitFor({ state: 'detached' });

    await vera.send('Great, thank you!');
    await bubbles(page, 'Great, thank you!').waitFor();
  });

  it('shows a visitor’s markup as the characters typed', async () => {
    const { page } = winner;
    await vera.send(XSS);
    const bubble = bubbles(page, XSS);
    await bubble.waitFor();
    expect(await bubble.textContent()).toBe(XSS);
    expect(await page.locator('app-transcript img').count()).toBe(0);
    expect(winner.dialogs).toEqual([]);
    await screenshot(page, 'console-thread.png');
  });

  it('counts unread messages of the agent’s threads in the nav and the tab title', async () => {
    const { page } = winner;
    await page.getByRole('link', { name: /^Queue/ }).click();
    await page.waitForURL(/\/queue$/);
    await vera.send('Are you still there?');
    await page.getByTestId('unread-total').filter({ hasText: '1' }).waitFor();
    await eventually(async () => expect(await page.title()).toBe('(1) 2 waiting · Parley Console'));
    await page.getByRole('link', { name: /^My threads/ }).click();
    await page.getByTestId('thread-item').filter({ hasText: 'Vera Visitor' }).locator('.unread').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('thread-item').filter({ hasText: 'Vera Visitor' }).getByRole('link').click();
    await bubbles(page, 'Are you still there?').waitFor();
    await page.getByTestId('unread-total').waitFor({ state: 'detached' });
    // Walt and Quinn still wait: the title counts them too.
    await eventually(async () => expect(await page.title()).toBe('2 waiting · Parley Console'));
  });

  it('survives the connection dropping: messages from both sides arrive once, in order, after it is back', async () => {
    const { page, context } = winner;
    const box = page.getByLabel('Reply to Vera Visitor');
    await context.setOffline(true);
    await page.getByTestId('connection-banner').filter({ hasText: /offline|Reconnecting/ }).waitFor();

    // Written while offline: shown as on their way, not lost.
    for (const text of ['Offline reply one', 'Offline reply two']) {
      await box.fill(text);
      await box.press('Enter');
    }
    await page.getByTestId('outgoing').filter({ hasText: 'Offline reply two' }).getByText('Waiting for the connection…').waitFor();
    await page.getByTestId('connection-banner').getByText('2 unsent messages will be sent when it is back.', { exact: false }).waitFor();
    // The visitor keeps writing meanwhile.
    await vera.send('Hello? Did I lose you?');
    await vera.send('I will wait.');

    await context.setOffline(false);
    await page.getByTestId('connection-banner').filter({ hasText: 'Connected again' }).waitFor({ timeout: 20_000 });

    const expected = ['Offline reply one', 'Offline reply two', 'Hello? Did I lose you?', 'I will wait.'];
    for (const text of expected) await eventually(async () => expect(await bubbles(page, text).count()).toBe(1), 15_000);
    await page.getByTestId('outgoing').first().waitFor({ state: 'detached' });
    await vera.waitForMessage((m) => m.body === 'Offline reply two');

    // The record: every message stored once, seqs without gaps, and the page shows each seq once.
    const stored = await ok('get /threads/{id}/messages', { params: { id: vera.thread.id }, query: { afterSeq: 0 }, token: adminToken });
    for (const text of expected) expect(stored.items.filter((m: Message) => m.body === text)).toHaveLength(1);
    expect(stored.items.map((m) => m.seq)).toEqual(stored.items.map((_, i) => i + 1));
    const shownSeqs = await page.locator('app-transcript li[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(shownSeqs).toEqual(stored.items.map((m) => m.seq));
    // The agent's two replies reached the visitor once each, in the order written.
    const replies = vera.received.filter((m) => m.body.startsWith('Offline reply'));
    expect(replies.map((m) => m.body)).toEqual(['Offline reply one', 'Offline reply two']);
  });

  it('fits a 1024 px wide window and works from the keyboard', async () => {
    const { page } = winner;
    // The first Tab on a page reaches the skip link.
    await page.goto('/closed');
    await page.getByRole('heading', { name: 'Closed', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to main content');
    await page.goto(`/mine/${vera.thread.id}`);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
    expect(send && send.x + send.width).toBeLessThanOrEqual(1024);
    // Opening a thread puts the cursor in the reply box: answering needs no mouse.
    await page.getByRole('link', { name: /^Queue/ }).click();
    await page.getByRole('link', { name: /^My threads/ }).click();
    await page.getByTestId('thread-item').filter({ hasText: 'Vera Visitor' }).getByRole('link').focus();
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-describedby'))).toMatch(/hint/));
    await page.keyboard.type('Typed from the keyboard');
    await page.keyboard.press('Enter');
    await vera.waitForMessage((m) => m.body === 'Typed from the keyboard');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('closes the conversation, which then reads as closed and is found in the history', async () => {
    const { page } = winner;
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await page.getByRole('button', { name: 'Close it' }).click();
    await page.getByText('This conversation is closed.').waitFor();
    await vera.waitForStatus('closed');
    await page.getByText(`Conversation closed by ${winnerName}`).waitFor();
    await page.getByRole('link', { name: /^My threads/ }).click();
    await page.getByTestId('thread-item').filter({ hasText: 'Vera Visitor' }).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: /^Closed/ }).click();
    await page.getByLabel('Search closed conversations').fill('vera@shop');
    await page.waitForURL(/q=vera(%40|@)shop/);
    const item = page.getByTestId('history-item').filter({ hasText: 'Vera Visitor' });
    await item.waitFor();
    expect(await page.getByTestId('history-item').count()).toBe(1);
    await item.getByRole('link').click();
    await bubbles(page, XSS).waitFor();
    await page.getByText('This conversation is closed.').waitFor();
    expect(winnerToken).toBeTruthy();
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
    expect(bo.problems).toEqual([]);
    expect([...ada.dialogs, ...bo.dialogs]).toEqual([]);
  });
});
