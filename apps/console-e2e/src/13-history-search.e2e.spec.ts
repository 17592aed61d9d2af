import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { expectNoAxeViolations } from '@parley/test-support';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

/** Searching closed conversations shows, in each result, the message that matched, the match marked. */
describe('closed conversations searched', () => {
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

  it('shows the matching message with the match in <mark>, as text, and opens the transcript on it', async () => {
    const { page } = ada;
    const sam = await Visitor.start('Sam Search', 'sam@shop.test');
    visitors.push(sam);
    await sam.send('Hello there');
    // Markup in a message stays text, in the result and in the transcript.
    await sam.send('My parcel <img src=x onerror=alert(1)> with tracking zx-991 is stuck in customs');
    // Answers long enough that the match is far above the end of the transcript.
    await ok('post /threads/{id}/claim', { params: { id: sam.thread.id }, token: adaToken });
    for (let i = 1; i <= 8; i++) {
      const body = Array.from({ length: 6 }, (_, l) => `Answer ${i}, line ${l + 1}: we are looking into it.`).join('\n');
      await ok('post /threads/{id}/messages', { params: { id: sam.thread.id }, token: adaToken, body: { clientMsgId: randomUUID(), body } });
    }
    await ok('post /threads/{id}/close', { params: { id: sam.thread.id }, token: adaToken, body: {} });

    await page.getByRole('link', { name: 'Closed' }).click();
    await page.getByLabel('Search closed conversations').fill('ZX-991');
    const item = page.getByTestId('history-item').filter({ hasText: 'Sam Search' });
    const match = item.getByTestId('history-match');
    await match.waitFor();
    // The message that matched, not the thread's first message; the match marked, in the message's own case.
    expect(await match.textContent()).toBe('My parcel <img src=x onerror=alert(1)> with tracking zx-991 is stuck in customs');
    expect(await match.locator('mark').allTextContents()).toEqual(['zx-991']);
    expect(await item.locator('img').count()).toBe(0);
    // Only the message matched: the name and email are not marked.
    expect(await item.locator('.name mark, .email mark').count()).toBe(0);
    await expectNoAxeViolations(page, { label: 'console: closed conversations searched' });

    await item.click();
    const marked = page.locator('app-transcript .bubble mark');
    await marked.first().waitFor();
    expect(await marked.allTextContents()).toEqual(['zx-991']);
    expect(await page.locator('app-transcript img').count()).toBe(0);
    // Opened on the match, not at the end of the conversation.
    const inView = await marked.first().evaluate((mark) => {
      const pane = mark.closest('.scroller');
      if (!pane) return false;
      const a = pane.getBoundingClientRect();
      const b = mark.getBoundingClientRect();
      return b.top >= a.top && b.bottom <= a.bottom;
    });
    expect(inView).toBe(true);

    // A search on the visitor's name marks the name, and shows no message as matching.
    await page.getByLabel('Search closed conversations').fill('sam search');
    await item.locator('.name mark').filter({ hasText: 'Sam Search' }).waitFor();
    expect(await item.getByTestId('history-match').count()).toBe(0);
    expect(ada.dialogs).toEqual([]);
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
