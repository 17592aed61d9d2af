import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** A conversation taller than the pane: the newest message stays in view, unless the reader scrolled up. */
describe.each([
  ['on a desktop', false],
  ['on a 390x844 phone', true],
])('scrolling %s', (_screen, phone) => {
  const s = stack();
  const suite = widgetSuite({ phone });

  it('follows new messages at the bottom, offers "New messages" when scrolled up, and opens and reloads at the end', async () => {
    const me = visitor('Sid');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    // A few tall messages (the agent's sends are rate limited like anyone's).
    const tall = (n: number) => [`Part ${n} of a long answer.`, 'It takes', 'several', 'lines', 'of the', 'pane,', 'each', 'of them.'].join('\n');
    for (let i = 1; i <= 6; i++) await suite.agent.send(thread.id, tall(i));
    await w.message('Part 6 of').waitFor(WAIT);
    expect(await w.scroller.evaluate((pane) => pane.scrollHeight > pane.clientHeight * 1.5)).toBe(true);
    await w.showsTheEnd('agent messages arrived');

    // The visitor's own message, from its "Sending…" bubble on.
    await w.send('My own message');
    await w.showsTheEnd('the visitor sent');

    // Scrolled up to read: a new message does not pull the pane down, a pill offers to.
    await w.scrollToTop();
    await suite.agent.send(thread.id, 'Written while you read');
    const pill = w.frame.locator('button.jump', { hasText: 'New messages' });
    await pill.waitFor(WAIT);
    await w.message('Written while you read').waitFor({ state: 'attached', ...WAIT });
    expect(await w.scroller.evaluate((pane) => pane.scrollTop)).toBe(0);
    await pill.click(WAIT);
    await w.showsTheEnd('the pill was pressed');
    await pill.waitFor({ state: 'detached', ...WAIT });

    // Sending while scrolled up brings the pane down to the new bubble.
    await w.scrollToTop();
    await w.send('Sent from the top');
    await w.showsTheEnd('the visitor sent while scrolled up');

    // Hidden, then opened again: at the end, with what came meanwhile.
    await w.scrollToTop();
    await w.closeButton.click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    await suite.agent.send(thread.id, 'Written while the popup was closed');
    await w.page.locator('parley-widget .n', { hasText: '1' }).waitFor(WAIT);
    await w.button.click(WAIT);
    await w.message('Written while the popup was closed').waitFor(WAIT);
    await w.showsTheEnd('the popup opened again');

    await w.page.reload({ waitUntil: 'load' });
    await w.message('Written while the popup was closed').waitFor(WAIT);
    await w.showsTheEnd('the page reloaded');
    expect(w.problems).toEqual([]);
  });
});
