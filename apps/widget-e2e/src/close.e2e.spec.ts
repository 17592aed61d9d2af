import { ServerEvent } from '@parley/contracts';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** The popup's ✖ ends the visitor's thread, after asking; the server records the visitor as the closer. */
describe('closing the widget', () => {
  const s = stack();
  const suite = widgetSuite();

  it('asks first, then closes the thread as the visitor, and offers a new conversation with the same details', async () => {
    const me = visitor('Cleo');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await w.frame.locator('.agent-name').waitFor(WAIT);

    await w.endButton.click(WAIT);
    const dialog = w.frame.locator('[role=alertdialog]');
    await dialog.filter({ hasText: 'End this conversation?' }).waitFor(WAIT);
    await dialog.locator('button', { hasText: 'Keep chatting' }).click(WAIT);
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await w.popup.isVisible()).toBe(true);
    expect((await suite.agent.thread(thread.id)).status).toBe('active');

    const mark = suite.agent.mark();
    await w.endButton.click(WAIT);
    await dialog.locator('button', { hasText: 'End chat' }).click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    await w.button.waitFor(WAIT);
    const updated = await suite.agent.waitFor(ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.status === 'closed', { after: mark });
    expect(updated.closedBy).toEqual({ type: 'visitor', id: thread.visitor.id });
    expect((await suite.agent.thread(thread.id)).closedBy).toEqual({ type: 'visitor', id: thread.visitor.id });

    await w.button.click(WAIT);
    await w.frame.locator('h1', { hasText: `Welcome back, ${me.name}!` }).waitFor(WAIT);
    expect(await w.frame.locator('.again').textContent()).toContain(`As ${me.name} (${me.email})`);
    await w.frame.locator('.again button', { hasText: 'Start a new conversation' }).click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    const next = await suite.agent.waitFor(ServerEvent.ThreadCreated, (t) => t.visitor.email === me.email && t.id !== thread.id);
    // The same visitor (its token), not a new one made from a form.
    expect(next.visitor.id).toBe(thread.visitor.id);
    expect(next.status).toBe('queued');
    expect(w.problems).toEqual([]);
  });

  it('just hides the popup when there is no conversation to end', async () => {
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.click(WAIT);
    await w.frame.locator('#pw-name').waitFor(WAIT);
    await w.endButton.click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    expect(await w.frame.locator('[role=alertdialog]').count()).toBe(0);
  });
});
