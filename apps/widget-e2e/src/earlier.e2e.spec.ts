import { ServerEvent } from '@parley/contracts';
import { expectNoAxeViolations } from '@parley/test-support';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** A returning visitor (same browser) lists their earlier conversations and reads them again. */
describe('earlier conversations', () => {
  const s = stack();
  const suite = widgetSuite();

  it('lists the visitor’s closed conversations, also after a reload, and shows one read-only', async () => {
    const me = visitor('Ren');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.join(thread.id);
    await w.send('Where is my order 5521?');
    await suite.agent.waitFor(ServerEvent.MessageCreated, (m) => m.threadId === thread.id && m.body === 'Where is my order 5521?');
    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'It ships tomorrow.');
    await w.message('It ships tomorrow.').waitFor(WAIT);

    // The visitor ends the chat: the offer to start again, with the conversation listed under it.
    await w.frame.locator('.status .end', { hasText: 'End chat' }).click(WAIT);
    await w.frame.locator('[role=alertdialog] button', { hasText: 'End chat' }).click(WAIT);
    const items = w.frame.locator('.earlier .earlier-item');
    await items.first().waitFor(WAIT);
    expect(await items.count()).toBe(1);
    expect(await items.first().locator('.what').textContent()).toBe('It ships tomorrow.');
    await expectNoAxeViolations(await w.iframe(), { label: "the widget's frame, earlier conversations listed", disableRules: Widget.FRAME_PAGE_RULES });

    // The same browser, later: still there.
    await w.page.reload({ waitUntil: 'load', ...WAIT });
    // No conversation going on: the popup stays closed until the visitor opens it.
    await w.button.click(WAIT);
    await w.frame.locator('h1', { hasText: `Welcome back, ${me.name}!` }).waitFor(WAIT);
    await items.first().waitFor(WAIT);
    expect(await items.count()).toBe(1);

    await items.first().click(WAIT);
    await w.message('It ships tomorrow.').waitFor(WAIT);
    expect(await w.bodies()).toEqual(['Where is my order 5521?', 'It ships tomorrow.']);
    // Read-only: no message box, no "End chat".
    expect(await w.frame.locator('#pw-message').count()).toBe(0);
    expect(await w.frame.locator('.status .end').count()).toBe(0);
    await expectNoAxeViolations(await w.iframe(), { label: "the widget's frame, an earlier conversation read", disableRules: Widget.FRAME_PAGE_RULES });

    await w.frame.locator('.reading .back').click(WAIT);
    await w.frame.locator('.again button', { hasText: 'Start a new conversation' }).click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    expect(w.problems).toEqual([]);
  });

  it('lists only this visitor’s conversations, one ended before anything was written as "No messages"', async () => {
    const me = visitor('Nia');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    await suite.agent.threadOf(me.email);
    await w.frame.locator('.status .end', { hasText: 'End chat' }).click(WAIT);
    await w.frame.locator('[role=alertdialog] button', { hasText: 'End chat' }).click(WAIT);
    // A new visitor in a new browser: only the conversation just ended, none of the other visitors'.
    const items = w.frame.locator('.earlier .earlier-item');
    await items.first().waitFor(WAIT);
    expect(await items.allTextContents()).toHaveLength(1);
    expect(await items.first().locator('.what').textContent()).toBe('No messages');
  });
});
