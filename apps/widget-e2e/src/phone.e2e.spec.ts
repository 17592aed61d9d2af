import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** On a phone: no zoom when a field takes the focus (16 px text), and every control big enough for a thumb. */
describe('the widget on a 390x844 phone', () => {
  const s = stack();
  const suite = widgetSuite({ phone: true });

  /** Visible controls smaller than 44 x 44 px, in the iframe and in the loader's shadow root (links inside a sentence are exempt, as in WCAG 2.5.8). */
  const small = async (w: Widget) => {
    // A visually hidden radio is tapped through its label (the rating's stars): the label is the target.
    const measure = (els: Element[]) =>
      els
        .map((e) => (e.classList.contains('sr-only') && e.closest('label') ? (e.closest('label') as Element) : e))
        .map((e) => ({ e, box: e.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && box.height > 0)
        .filter(({ box }) => box.width < 44 || box.height < 44)
        .map(({ e, box }) => `${e.tagName.toLowerCase()}.${e.className} "${e.textContent?.trim() || e.getAttribute('aria-label')}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    const inside = await w.frame.locator('button, input, textarea').evaluateAll(measure);
    const outside = await w.page.locator('parley-widget button').evaluateAll(measure);
    return [...outside, ...inside];
  };
  // The composer's file input is hidden (the 📎 button opens it): it is no field to type in.
  const fontSizes = (w: Widget) => w.frame.locator('input:not([type=file]), textarea').evaluateAll((els) => els.map((e) => getComputedStyle(e).fontSize));

  it('has 16 px fields and 44 px tap targets on every screen', async () => {
    const me = visitor('Pia');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.waitFor(WAIT);
    expect(await small(w)).toEqual([]);
    await w.button.click(WAIT);
    await w.frame.locator('#pw-name').waitFor(WAIT);
    expect(await fontSizes(w)).toEqual(['16px', '16px']);
    expect(await small(w)).toEqual([]);

    await w.frame.locator('#pw-name').fill(me.name);
    await w.frame.locator('#pw-email').fill(me.email);
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'Our returns page: https://example.com/returns');
    await w.message('returns page').waitFor(WAIT);
    expect(await fontSizes(w)).toEqual(['16px']);
    expect(await small(w)).toEqual([]);

    await w.frame.locator('.status .end').click(WAIT);
    await w.frame.locator('[role=alertdialog]').waitFor(WAIT);
    expect(await small(w)).toEqual([]);
    await w.frame.locator('[role=alertdialog] button', { hasText: 'End chat' }).click(WAIT);
    await w.frame.locator('.again').waitFor(WAIT);
    expect(await small(w)).toEqual([]);
    expect(w.problems).toEqual([]);
  });
});
