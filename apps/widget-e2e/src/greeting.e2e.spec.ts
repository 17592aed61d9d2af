import { until } from '@parley/test-support';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/**
 * The greeting opens the conversation and stays at its top: once the chat starts it is the first
 * thing in the transcript (not an empty pane with a timer), after messages and after a reload. Before,
 * the form under the greeting does not say again what the greeting says.
 */
describe('the greeting', () => {
  const s = stack();
  const suite = widgetSuite();

  const greeting = (w: Widget) => w.frame.locator('.log li.greeting');
  const firstItemIsGreeting = (w: Widget) =>
    w.frame.locator('.log').evaluate((log, lines) => {
      const first = log.querySelector('li');
      return !!first?.classList.contains('greeting') && [...first.querySelectorAll('.line')].map((l) => l.textContent?.trim()).join('|') === lines.join('|');
    }, s.settings.greetingLines);

  it('is not repeated by the form, then stays at the top of the conversation, also after a reload', async () => {
    const me = visitor('Greta');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.click(WAIT);
    await until('the intro to be typed out', async () => (await w.introLines.allTextContents()).join('|') === s.settings.greetingLines.join('|'), WAIT.timeout, 100);
    const form = w.frame.locator('form.details');
    await form.waitFor(WAIT);
    // The greeting above already asks for the details: the form has its fields and its heading, not a second invitation.
    expect(await form.locator('.hint').count()).toBe(0);

    await w.frame.locator('#pw-name').fill(me.name, WAIT);
    await w.frame.locator('#pw-email').fill(me.email, WAIT);
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    // Waiting, nothing written yet: the greeting is in the pane, with a word on what happens next.
    await greeting(w).waitFor(WAIT);
    expect(await firstItemIsGreeting(w)).toBe(true);
    expect(await greeting(w).locator('.who').textContent()).toBe(s.settings.title);
    await w.frame.locator('.log li.next', { hasText: 'An agent will answer here' }).waitFor(WAIT);
    // Shown once: the loader's typed intro above the frame gives way to it.
    await w.page.locator('parley-widget .i').waitFor({ state: 'hidden', ...WAIT });

    const thread = await suite.agent.threadOf(me.email);
    await w.send('Do you ship to Norway?');
    await w.message('Do you ship to Norway?').locator('time').waitFor(WAIT);
    await w.frame.locator('.log li.next').waitFor({ state: 'detached', ...WAIT });
    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'We do, in 3 to 5 days.');
    await w.message('We do, in 3 to 5 days.').waitFor(WAIT);
    expect(await firstItemIsGreeting(w)).toBe(true);
    expect(await w.bodies()).toEqual(['Do you ship to Norway?', 'We do, in 3 to 5 days.']);

    await w.page.reload({ waitUntil: 'load', ...WAIT });
    // The popup was open: it opens again by itself, on the conversation.
    await w.message('We do, in 3 to 5 days.').waitFor(WAIT);
    expect(await firstItemIsGreeting(w)).toBe(true);
    expect(await w.page.locator('parley-widget .i').isVisible()).toBe(false);
    expect(w.problems).toEqual([]);
  });
});
