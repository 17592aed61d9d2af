import type { AuthResponse } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';
import { until } from '@parley/test-support';
import { Agent } from './support/agent';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** How messages read: links, runs of one author, long names. */
describe('messages in the widget', () => {
  const s = stack();
  const suite = widgetSuite();

  it('makes http(s) links clickable and safe, leaves every other scheme as text, and groups runs of one author', async () => {
    const me = visitor('Lena');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    const body = 'Track it at https://example.com/track?id=42&x=1. Not these: javascript:alert(1) data:text/html,hi <a href="https://evil.example">x</a>';
    await suite.agent.send(thread.id, body);
    await suite.agent.send(thread.id, 'Or see (http://example.org/help).');
    await suite.agent.send(thread.id, 'Anything else?');
    await w.message('Anything else?').waitFor(WAIT);

    const first = w.message('Track it at');
    // The text reads exactly as written; only the http(s) address became a link.
    expect(await first.locator('.body').textContent()).toBe(body);
    const links = await w.frame.locator('.log a').evaluateAll((as) =>
      as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent, target: a.getAttribute('target'), rel: a.getAttribute('rel') })),
    );
    const safe = { target: '_blank', rel: 'noopener noreferrer nofollow' };
    expect(links).toEqual([
      { href: 'https://example.com/track?id=42&x=1', text: 'https://example.com/track?id=42&x=1', ...safe },
      // An address inside markup is still an address; the markup around it stays text.
      { href: 'https://evil.example', text: 'https://evil.example', ...safe },
      { href: 'http://example.org/help', text: 'http://example.org/help', ...safe },
    ]);

    // One name over a run of one author's messages; the visitor's own run is grouped too.
    expect(await w.frame.locator('.log li.msg .who').allTextContents()).toEqual(['Ada']);
    expect(await w.frame.locator('.log li.msg.cont').count()).toBe(2);
    await w.send('Thanks');
    await w.send('That helps');
    await w.message('That helps').locator('time').waitFor(WAIT);
    expect(await w.message('That helps').evaluate((li) => li.classList.contains('cont'))).toBe(true);
    expect(await w.message('Thanks').evaluate((li) => li.classList.contains('cont'))).toBe(false);
    expect(w.problems).toEqual([]);
  });

  it('wraps long unbroken names instead of clipping them', async () => {
    const long = `Maximiliana-Konstantinopolitanische-Kundendienstmitarbeiterin${'x'.repeat(39)}`; // 100 characters, no space
    const admin = createRestClient({ origin: s.api, token: () => s.admin.token });
    const email = `long.${process.pid}.${Date.now()}@parley.test`;
    await admin('post /agents', { body: { email, name: long, password: 'correct-horse-battery', role: 'agent' } });
    const auth = (await createRestClient({ origin: s.api })('post /auth/login', { body: { email, password: 'correct-horse-battery' } })) as AuthResponse;
    const agent = await Agent.connect(s.api, auth.token);
    try {
      const me = visitor('Bart');
      const w = await Widget.open(suite.context, `${s.host}/`);
      await w.startChat(`Bartholomäus${'x'.repeat(60)}`, me.email);
      const thread = await suite.agent.threadOf(me.email);
      await agent.claim(thread.id);
      await w.frame.locator('.agent-name', { hasText: 'Maximiliana' }).waitFor(WAIT);
      // Typing is not replayed: the widget joins the thread's room a moment after its form is
      // sent, so the agent says it again (as the console does while keys are pressed) until seen.
      await until(
        'the widget shows the agent typing',
        async () => {
          await agent.typing(thread.id, true);
          return w.frame.locator('.typing .name').isVisible();
        },
        WAIT.timeout,
        500,
      );
      await agent.send(thread.id, 'Hello');
      await w.message('Hello').waitFor(WAIT);
      await agent.typing(thread.id, true);
      await w.frame.locator('.typing .name').waitFor(WAIT);

      /** Where an element's text lies past the iframe's edges, or the pane scrolls sideways. */
      const clipped = (selector: string) =>
        w.frame.locator(selector).first().evaluate((e) => {
          const r = document.createRange();
          r.selectNodeContents(e);
          const box = r.getBoundingClientRect();
          const pane = e.closest('.scroll');
          const wide = document.documentElement.scrollWidth > document.documentElement.clientWidth;
          return box.width === 0 || box.left < 0 || box.right > window.innerWidth + 0.5 || wide || (pane !== null && pane.scrollWidth > pane.clientWidth);
        });
      for (const selector of ['.agent-name', '.msg .who', '.typing .name']) expect([selector, await clipped(selector)]).toEqual([selector, false]);

      // The visitor's own long name, on the screen after the conversation.
      await w.frame.locator('.status .end').click(WAIT);
      await w.frame.locator('[role=alertdialog] button', { hasText: 'End chat' }).click(WAIT);
      await w.frame.locator('.again h1', { hasText: 'Welcome back' }).waitFor(WAIT);
      for (const selector of ['.again h1', '.again .as']) expect([selector, await clipped(selector)]).toEqual([selector, false]);
      expect(w.problems).toEqual([]);
    } finally {
      agent.close();
    }
  });
});
