import { eventually } from '@parley/test-support';
import type { Browser, Page } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

/** What the focused element says (its text, or its label). */
function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return el.getAttribute('aria-label') ?? el.textContent?.trim() ?? null;
  });
}

/**
 * Elements inside `container` whose box reaches past its right edge (text that runs under the
 * next pane), described for the failure message. Boxes of zero size are skipped.
 */
function overflowing(page: Page, container: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const box = document.querySelector(selector);
    if (!box) return [`${selector}: not on the page`];
    const edge = box.getBoundingClientRect().right;
    const out: string[] = [];
    for (const el of Array.from(box.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > edge + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(r.right)} > ${Math.round(edge)}`);
    }
    for (const el of [box, ...Array.from(box.querySelectorAll('*'))] as HTMLElement[]) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} scrolls sideways`);
    }
    return out;
  }, container);
}

describe('focus and layout', () => {
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

  async function activeThread(name: string, email: string, token = adminToken): Promise<Visitor> {
    const visitor = await Visitor.start(name, email);
    visitors.push(visitor);
    await visitor.send(`Hello from ${name.slice(0, 20)}`);
    await ok('post /threads/{id}/claim', { params: { id: visitor.thread.id }, token });
    return visitor;
  }

  it('skips to the main content without leaving or reloading the page', async () => {
    const { page } = ada;
    await page.goto('/closed?q=nothing-matches');
    await page.getByRole('heading', { name: 'Closed', level: 1 }).waitFor();
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await page.evaluate(() => document.activeElement?.id)).toBe('main'));
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/closed?q=nothing-matches');
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  });

  it('puts the focus on the confirmation when closing, and Escape cancels and gives it back', async () => {
    const { page } = ada;
    const visitor = await activeThread('Flora Focus', 'flora@shop.test');
    await page.goto(`/mine/${visitor.thread.id}`);
    const ask = page.getByRole('button', { name: 'Close conversation' });
    await ask.click();
    await eventually(async () => expect(await focused(page)).toBe('Close it'));

    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Close it' }).waitFor({ state: 'detached' });
    await eventually(async () => expect(await focused(page)).toBe('Close conversation'));

    // The same from the keyboard alone: Enter asks, Enter confirms.
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await focused(page)).toBe('Close it'));
    await page.keyboard.press('Enter');
    await page.getByText('This conversation is closed.').waitFor();
    await visitor.waitForStatus('closed');
    // The focus stays in the thread, not on the page's body.
    await eventually(async () => expect(await focused(page)).not.toBeNull());
  });

  it('puts the role select back when the server refuses the change', async () => {
    const { page } = ada;
    await page.goto('/admin/agents');
    const agents = await ok('get /agents', { token: adminToken });
    // The change below must be refused: Ada is the only active admin.
    expect(agents.filter((a) => a.role === 'admin' && a.active).map((a) => a.email)).toEqual([ADMIN.email]);
    const select = page.getByLabel(`Role of ${ADMIN.name}`);
    await select.selectOption('agent');
    await page.getByTestId('toast').filter({ hasText: 'at least one active admin' }).waitFor();
    await eventually(async () => expect(await select.inputValue()).toBe('admin'));
    expect((await ok('get /agents/me', { token: adminToken })).role).toBe('admin');
  });

  it('keeps long unbroken names and emails inside their panes', async () => {
    const { page } = ada;
    const longName = `Maximilian${'x'.repeat(80)}Longname`;
    const longEmail = `${'m'.repeat(64)}@${'d'.repeat(60)}.test`;
    const agentName = `Agent${'y'.repeat(90)}Long`;
    await ensureAgent(adminToken, { name: agentName, email: 'long@console.test', password: 'long-password-123', role: 'agent' });
    const agentToken = (await login('long@console.test', 'long-password-123')).token;
    const visitor = await activeThread(longName, longEmail, agentToken);
    await visitor.send(`A long word: ${'w'.repeat(300)}`);

    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`/mine/${visitor.thread.id}`);
    await page.getByRole('heading', { name: longName, level: 1 }).waitFor();
    await page.locator('app-transcript li[data-seq]').nth(2).waitFor();
    await page.locator('#visitor-panel').getByText(agentName).waitFor();
    expect(await overflowing(page, 'app-thread-page .thread-header')).toEqual([]);
    expect(await overflowing(page, 'app-thread-page .conversation')).toEqual([]);
    expect(await overflowing(page, 'app-thread-page #visitor-panel')).toEqual([]);

    // Narrower: the details open over the transcript, and still hold their text.
    await page.setViewportSize({ width: 1024, height: 768 });
    const toggle = page.getByRole('button', { name: 'Visitor details' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.locator('#visitor-panel').waitFor();
    // The panel opens below the header (which a long name makes taller), never over its buttons.
    await toggle.click();
    await page.locator('#visitor-panel').waitFor({ state: 'detached' });
    await toggle.click();
    await page.locator('#visitor-panel').waitFor();
    expect(await overflowing(page, 'app-thread-page #visitor-panel')).toEqual([]);
    expect(await overflowing(page, 'app-thread-page .thread-header')).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
    expect(ada.dialogs).toEqual([]);
  });
});
