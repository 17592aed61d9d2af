import { eventually } from '@parley/test-support';
import type { Browser, Page } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

/** What the nav says about unread messages (0 when it shows no badge). */
async function unreadShown(page: Page): Promise<number> {
  const badge = page.getByTestId('unread-total');
  return (await badge.count()) ? Number(await badge.textContent()) : 0;
}

describe('getting the agent’s attention', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adminToken: string;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
    ada = await openAgentPage(browser);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  async function waiting(): Promise<number> {
    return (await ok('get /threads', { query: { status: 'queued', limit: 200 }, token: adminToken })).items.length;
  }

  it('counts waiting visitors in the tab title and on the favicon', async () => {
    const { page } = ada;
    const before = await waiting();
    const visitor = await Visitor.start('Tess Title', 'tess@shop.test');
    visitors.push(visitor);
    await visitor.send('Anyone there?');
    const n = before + 1;
    await page.getByTestId('queue-count').filter({ hasText: String(n) }).waitFor();
    await eventually(async () => expect(await page.title()).toMatch(new RegExp(`^(\\(\\d+\\) )?${n} waiting · Parley Console$`)));
    await eventually(async () => {
      const icon = page.locator('link[rel="icon"]');
      const count = n + (await unreadShown(page));
      expect(await icon.getAttribute('data-count')).toBe(String(count));
      const href = decodeURIComponent((await icon.getAttribute('href')) ?? '');
      expect(href.startsWith('data:image/svg+xml,')).toBe(true);
      expect(href).toContain(`>${count > 9 ? '9+' : count}</text>`);
    });

    await ok('post /threads/{id}/claim', { params: { id: visitor.thread.id }, token: adminToken });
    const left = n - 1;
    await eventually(async () =>
      expect(await page.title()).toMatch(left > 0 ? new RegExp(`^(\\(\\d+\\) )?${left} waiting · Parley Console$`) : /^(\(\d+\) )?Parley Console$/),
    );
  });

  it('keeps toasts clear of the composer', async () => {
    const { page } = ada;
    const visitor = await Visitor.start('Toby Toast', 'toby@shop.test');
    visitors.push(visitor);
    await visitor.send('Hi there');
    await page.goto('/queue');
    await page.getByTestId('thread-item').filter({ hasText: 'Toby Toast' }).getByRole('button', { name: 'Claim conversation with Toby Toast' }).click();
    await page.waitForURL(new RegExp(`/mine/${visitor.thread.id}$`));
    for (const size of [{ width: 1440, height: 900 }, { width: 1024, height: 768 }]) {
      await page.setViewportSize(size);
      await eventually(async () => {
        const composer = await page.locator('app-composer').boundingBox();
        // The toasts' stack (there even when empty) ends above the composer's top.
        const stack = await page.locator('app-toasts .toasts').boundingBox();
        expect(composer && stack && stack.y + stack.height).toBeLessThanOrEqual(composer?.y ?? 0);
      });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('says in the header of a closed thread who closed it and when', async () => {
    const { page } = ada;
    const visitor = visitors[visitors.length - 1];
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await page.getByRole('button', { name: 'Close it' }).click();
    await page.getByText('This conversation is closed.').waitFor();
    const closed = await ok('get /threads/{id}', { params: { id: visitor.thread.id }, token: adminToken });
    const line = page.getByTestId('closed-by');
    await line.filter({ hasText: `Closed by ${ADMIN.name}` }).waitFor();
    expect(await line.locator('time').getAttribute('datetime')).toBe(closed.closedAt);

    // The same in the closed history.
    await page.goto(`/closed/${visitor.thread.id}`);
    await page.getByTestId('closed-by').filter({ hasText: `Closed by ${ADMIN.name}` }).waitFor();
    expect(await page.getByTestId('closed-by').locator('time').getAttribute('datetime')).toBe(closed.closedAt);
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
