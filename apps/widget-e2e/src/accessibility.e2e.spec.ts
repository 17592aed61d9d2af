import { expectNoAxeViolations } from '@parley/test-support';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/**
 * axe-core finds no violation in any state of the widget a visitor meets: the button, the details
 * form, a chat going on, and a chat the agent closed. Each state is checked twice: the loader's part
 * on the customer's page (its shadow DOM, not the customer's own markup) and the iframe's document.
 */
describe('the widget with axe-core', () => {
  const s = stack();
  const suite = widgetSuite();

  async function check(w: Widget, label: string): Promise<void> {
    await expectNoAxeViolations(w.page, { label: `the customer's page, widget ${label}`, context: { include: [['parley-widget']] } });
    if (await w.popup.isVisible()) {
      await expectNoAxeViolations(await w.iframe(), { label: `the widget's frame, ${label}`, disableRules: Widget.FRAME_PAGE_RULES });
    }
  }

  it('has no violations on the button, the details form, a chat going on, and a closed chat', async () => {
    const me = visitor('Axel');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.waitFor(WAIT);
    await check(w, 'button');

    await w.button.click(WAIT);
    await w.frame.locator('#pw-name').waitFor(WAIT);
    await check(w, 'details form');

    // The form's own errors, shown in place.
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('[aria-invalid=true]').first().waitFor(WAIT);
    await check(w, 'details form with errors');

    await w.frame.locator('#pw-name').fill(me.name, WAIT);
    await w.frame.locator('#pw-email').fill(me.email, WAIT);
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    const thread = await suite.agent.threadOf(me.email);
    await w.send('Is my order on its way?');
    await w.message('Is my order on its way?').locator('time').waitFor(WAIT);
    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'It left the warehouse this morning.');
    await w.message('It left the warehouse this morning.').waitFor(WAIT);
    await check(w, 'chat going on');

    await suite.agent.closeThread(thread.id);
    await w.frame.locator('.closed button', { hasText: 'Start a new conversation' }).waitFor(WAIT);
    await check(w, 'chat closed by the agent');

    // The popup hidden again, with the unread preview bubble if any.
    await w.closeButton.click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    await check(w, 'popup hidden after a chat');
    expect(w.problems).toEqual([]);
  });
});
