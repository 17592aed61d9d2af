import { ServerEvent } from '@parley/contracts';
import { expectNoAxeViolations, until } from '@parley/test-support';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** The header's ✖ and Escape hide the popup; "End chat" ends the conversation, after asking. */
describe('closing the popup and ending the chat', () => {
  const s = stack();
  const suite = widgetSuite();

  /** The id of the focused element inside the widget's iframe, or its tag and text. */
  const focused = (w: Widget) =>
    w.frame.locator(':root').evaluate(() => {
      const e = document.activeElement;
      return document.hasFocus() && e && e !== document.body ? e.id || `${e.tagName.toLowerCase()}:${e.textContent?.trim()}` : null;
    });

  it('gives the keyboard to the form, then to the message box, and hides on Escape and ✖ with the conversation going on', async () => {
    const me = visitor('Kay');
    const mark = suite.agent.mark();
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.click(WAIT);
    await until('the name field to have the focus', async () => (await focused(w)) === 'pw-name', WAIT.timeout, 100);
    // Typed at once, with the keyboard only.
    await w.page.keyboard.type(me.name);
    await w.page.keyboard.press('Tab');
    await w.page.keyboard.type(me.email);
    await w.page.keyboard.press('Enter');
    const thread = await suite.agent.threadOf(me.email, mark);
    expect(thread.visitor.name).toBe(me.name);
    await suite.agent.join(thread.id);
    await until('the message box to have the focus', async () => (await focused(w)) === 'pw-message', WAIT.timeout, 100);
    await w.page.keyboard.type('Typed straight away');
    await w.page.keyboard.press('Enter');
    await suite.agent.waitFor(ServerEvent.MessageCreated, (m) => m.threadId === thread.id && m.body === 'Typed straight away');

    await w.page.keyboard.press('Escape');
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    await until('the chat button to have the focus', () => w.button.evaluate((b) => (b.getRootNode() as ShadowRoot).activeElement === b), WAIT.timeout, 100);
    expect((await suite.agent.thread(thread.id)).status).toBe('queued');

    await w.page.keyboard.press('Enter');
    await w.popup.waitFor(WAIT);
    await until('the message box to have the focus again', async () => (await focused(w)) === 'pw-message', WAIT.timeout, 100);
    await w.closeButton.click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    expect(await w.frame.locator('[role=alertdialog]').count()).toBe(0);
    expect((await suite.agent.thread(thread.id)).status).toBe('queued');
    expect(w.problems).toEqual([]);
  });

  it('asks before ending, with "Keep chatting" focused, then closes the thread as the visitor and offers a new one', async () => {
    const me = visitor('Cleo');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await w.frame.locator('.agent-name').waitFor(WAIT);
    await w.page.evaluate(() => {
      const win = window as unknown as { ended?: number; Parley: { on(e: string, l: () => void): void } };
      win.ended = 0;
      win.Parley.on('end', () => (win.ended = (win.ended ?? 0) + 1));
    });

    const end = w.frame.locator('.status .end', { hasText: 'End chat' });
    await end.click(WAIT);
    const dialog = w.frame.locator('[role=alertdialog]');
    await dialog.filter({ hasText: 'End this conversation?' }).waitFor(WAIT);
    await until('"Keep chatting" to have the focus', async () => (await focused(w)) === 'button:Keep chatting', WAIT.timeout, 100);
    // Escape answers the dialog ("keep"), and does not hide the popup.
    await w.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await w.popup.isVisible()).toBe(true);
    expect((await suite.agent.thread(thread.id)).status).toBe('active');

    const mark = suite.agent.mark();
    await end.click(WAIT);
    await dialog.locator('button', { hasText: 'End chat' }).click(WAIT);
    const updated = await suite.agent.waitFor(ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.status === 'closed', { after: mark });
    expect(updated.closedBy).toEqual({ type: 'visitor', id: thread.visitor.id });
    expect((await suite.agent.thread(thread.id)).closedBy).toEqual({ type: 'visitor', id: thread.visitor.id });
    // The popup stays, with the offer to start again; the host page heard `end`.
    await w.frame.locator('h1', { hasText: `Welcome back, ${me.name}!` }).waitFor(WAIT);
    expect(await w.popup.isVisible()).toBe(true);
    await until('the page to hear "end"', () => w.page.evaluate(() => (window as unknown as { ended: number }).ended === 1), WAIT.timeout, 100);
    expect(await w.frame.locator('.again').textContent()).toContain(`As ${me.name} (${me.email})`);
    await expectNoAxeViolations(await w.iframe(), { label: "the widget's frame, welcome back after ending the chat", disableRules: Widget.FRAME_PAGE_RULES });
    await w.frame.locator('.again button', { hasText: 'Start a new conversation' }).click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    const next = await suite.agent.waitFor(ServerEvent.ThreadCreated, (t) => t.visitor.email === me.email && t.id !== thread.id);
    // The same visitor (its token), not a new one made from a form.
    expect(next.visitor.id).toBe(thread.visitor.id);
    expect(next.status).toBe('queued');
    await until('the message box to have the focus', async () => (await focused(w)) === 'pw-message', WAIT.timeout, 100);
    expect(w.problems).toEqual([]);
  });
});
