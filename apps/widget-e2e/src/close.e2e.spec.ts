import { ServerEvent } from '@parley/contracts';
import type { Browser, BrowserContext } from 'playwright-core';
import { Agent } from './support/agent';
import { launch, visitor, visitorContext, WAIT, Widget } from './support/browser';
import { stack } from './support/state';

/** The popup's ✖ ends the visitor's thread, after asking; the server records the visitor as the closer. */
describe('closing the widget', () => {
  const s = stack();
  let browser: Browser;
  let context: BrowserContext;
  let agent: Agent;

  beforeAll(async () => {
    browser = await launch();
    agent = await Agent.connect(s.api, s.admin.token);
  });
  afterAll(async () => {
    agent?.close();
    await browser?.close();
  });
  beforeEach(async () => {
    context = await visitorContext(browser);
  });
  afterEach(async () => {
    await context?.close();
  });

  it('asks first, then closes the thread as the visitor, and offers a new conversation with the same details', async () => {
    const me = visitor('Cleo');
    const w = await Widget.open(context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await agent.threadOf(me.email);
    await agent.claim(thread.id);
    await w.frame.locator('.agent-name').waitFor(WAIT);

    await w.endButton.click(WAIT);
    const dialog = w.frame.locator('[role=alertdialog]');
    await dialog.filter({ hasText: 'End this conversation?' }).waitFor(WAIT);
    await dialog.locator('button', { hasText: 'Keep chatting' }).click(WAIT);
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await w.popup.isVisible()).toBe(true);
    expect((await agent.thread(thread.id)).status).toBe('active');

    const mark = agent.mark();
    await w.endButton.click(WAIT);
    await dialog.locator('button', { hasText: 'End chat' }).click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    await w.button.waitFor(WAIT);
    const updated = await agent.waitFor(ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.status === 'closed', { after: mark });
    expect(updated.closedBy).toEqual({ type: 'visitor', id: thread.visitor.id });
    expect((await agent.thread(thread.id)).closedBy).toEqual({ type: 'visitor', id: thread.visitor.id });

    await w.button.click(WAIT);
    await w.frame.locator('h1', { hasText: `Welcome back, ${me.name}!` }).waitFor(WAIT);
    expect(await w.frame.locator('.again').textContent()).toContain(`As ${me.name} (${me.email})`);
    await w.frame.locator('.again button', { hasText: 'Start a new conversation' }).click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    const next = await agent.waitFor(ServerEvent.ThreadCreated, (t) => t.visitor.email === me.email && t.id !== thread.id);
    // The same visitor (its token), not a new one made from a form.
    expect(next.visitor.id).toBe(thread.visitor.id);
    expect(next.status).toBe('queued');
    expect(w.problems).toEqual([]);
  });

  it('just hides the popup when there is no conversation to end', async () => {
    const w = await Widget.open(context, `${s.host}/`);
    await w.button.click(WAIT);
    await w.frame.locator('#pw-name').waitFor(WAIT);
    await w.endButton.click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    expect(await w.frame.locator('[role=alertdialog]').count()).toBe(0);
  });
});
