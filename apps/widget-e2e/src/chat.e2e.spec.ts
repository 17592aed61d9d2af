import { ServerEvent } from '@parley/contracts';
import { until } from '@parley/test-support';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** A visitor on a customer's site (another origin) chats with an agent driven through the API. */
describe('the widget on a customer site', () => {
  const s = stack();
  const suite = widgetSuite();

  it('shows only a button until the visitor clicks, then the title and the intro typed out', async () => {
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.waitFor(WAIT);
    expect(await w.page.locator('parley-widget iframe').count()).toBe(0);
    expect(await w.button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(11, 122, 117)');
    await w.screenshot('widget-button.png');

    await w.button.click(WAIT);
    await w.popup.waitFor(WAIT);
    expect(await w.title.textContent()).toBe(s.settings.title);
    // Typed letter by letter: caught part way, then complete.
    const partial = await until('the first intro line to start', async () => (await w.introLines.first().textContent()) || undefined, 5000, 100);
    expect(s.settings.greetingLines[0].startsWith(partial)).toBe(true);
    await until('the intro to be typed out', async () => (await w.introLines.allTextContents()).join('|') === s.settings.greetingLines.join('|'), WAIT.timeout, 100);
    await w.frame.locator('#pw-name').waitFor(WAIT);
  });

  it('asks for valid details, then chats with an agent who claims the thread', async () => {
    // The screenshot shows these details: a plain address, told apart from other runs' by the mark.
    const me = { name: 'Vera', email: 'vera@example.com' };
    const mark = suite.agent.mark();
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.button.click(WAIT);
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('#pw-name-problem').waitFor(WAIT);
    await w.frame.locator('#pw-name').fill(me.name);
    await w.frame.locator('#pw-email').fill('vera@nowhere');
    await w.frame.locator('button[type=submit]').click(WAIT);
    await w.frame.locator('#pw-email-problem', { hasText: 'valid email' }).waitFor(WAIT);
    await w.frame.locator('#pw-email').fill(me.email);
    await until('the last intro line', async () => (await w.introLines.last().textContent()) === s.settings.greetingLines[1], WAIT.timeout, 100);
    await w.screenshot('widget-details.png');
    await w.frame.locator('button[type=submit]').click(WAIT);

    const thread = await suite.agent.threadOf(me.email, mark);
    expect(thread.visitor.name).toBe(me.name);
    await w.frame.locator('.status.waiting .wait').waitFor(WAIT);
    expect(await w.frame.locator('.status.waiting').textContent()).toMatch(/Waiting for an agent\s*0:\d\d/);

    await suite.agent.join(thread.id);
    await w.send('Hello, my order #1234 has not arrived');
    const first = await suite.agent.waitFor(ServerEvent.MessageCreated, (m) => m.threadId === thread.id && m.authorType === 'visitor');
    expect(first.body).toBe('Hello, my order #1234 has not arrived');

    await suite.agent.claim(thread.id);
    await w.frame.locator('.agent-name', { hasText: 'Ada' }).waitFor(WAIT);
    await suite.agent.typing(thread.id, true);
    await w.frame.locator('.typing', { hasText: 'Ada is typing' }).waitFor(WAIT);
    const markup = '<b>Sorry</b> to hear that! <img src=x onerror="document.title=\'pwned\'"> Let me check.';
    await suite.agent.send(thread.id, markup);
    await w.message('Let me check.').waitFor(WAIT);
    await w.frame.locator('.typing').waitFor({ state: 'detached', ...WAIT });
    // Agent text is text: the markup shows as typed, no element made of it.
    expect(await w.message('Let me check.').locator('.body').textContent()).toBe(markup);
    expect(await w.frame.locator('.log b, .log img').count()).toBe(0);
    expect(await w.page.title()).not.toBe('pwned');

    await w.send('Thanks, Ada!');
    await suite.agent.waitFor(ServerEvent.MessageCreated, (m) => m.threadId === thread.id && m.body === 'Thanks, Ada!');
    await w.message('Thanks, Ada!').locator('time').waitFor(WAIT);
    expect(await w.bodies()).toEqual(['Hello, my order #1234 has not arrived', markup, 'Thanks, Ada!']);
    await w.screenshot('widget-conversation.png');
    expect(w.problems).toEqual([]);
  });

  it('shows text with a U+202E in its own direction, isolated, so it cannot reorder the widget', async () => {
    const me = visitor('Rhea');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    const body = 'Your file: \u202egpj.exe';
    await suite.agent.send(thread.id, body);
    const shown = w.message('gpj.exe');
    await shown.waitFor(WAIT);
    const bidi = (selector: string) =>
      shown.locator(selector).evaluate((e) => ({ text: e.textContent, dir: e.getAttribute('dir'), unicodeBidi: getComputedStyle(e).unicodeBidi }));
    expect(await bidi('.body')).toEqual({ text: body, dir: 'auto', unicodeBidi: 'plaintext' });
    expect(await bidi('.who')).toEqual({ text: 'Ada', dir: 'auto', unicodeBidi: 'isolate' });
    expect(await w.frame.locator('.agent-name').evaluate((e) => [e.getAttribute('dir'), getComputedStyle(e).unicodeBidi])).toEqual(['auto', 'isolate']);
    expect(w.problems).toEqual([]);
  });

  it('counts unread agent messages on the button and previews the newest while the popup is hidden', async () => {
    const me = visitor('Uma');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await w.frame.locator('.agent-name').waitFor(WAIT);

    await w.closeButton.click(WAIT);
    await w.popup.waitFor({ state: 'hidden', ...WAIT });
    expect(await w.badge.isHidden()).toBe(true);
    await suite.agent.send(thread.id, 'Are you still there?');
    await suite.agent.send(thread.id, 'Your parcel left the depot.');
    await w.page.locator('parley-widget .n', { hasText: '2' }).waitFor(WAIT);
    expect(await w.button.getAttribute('aria-label')).toBe('Open chat (2 unread)');
    // A preview of the newest one above the button, as text; pressing it opens the chat.
    await w.preview.filter({ hasText: 'Your parcel left the depot.' }).waitFor(WAIT);
    expect(await w.preview.locator('b').textContent()).toBe('Ada');

    await w.preview.click(WAIT);
    await w.message('Your parcel left the depot.').waitFor(WAIT);
    expect(await w.preview.isHidden()).toBe(true);
    await w.closeButton.click(WAIT);
    await w.button.waitFor(WAIT);
    expect(await w.badge.isHidden()).toBe(true);
  });

  it('shows when the agent closed the conversation and offers a new one', async () => {
    const me = visitor('Otto');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await suite.agent.closeThread(thread.id);
    await w.frame.locator('.closed', { hasText: 'Ada closed the conversation.' }).waitFor(WAIT);
    expect(await w.frame.locator('#pw-message').count()).toBe(0);

    await w.frame.locator('.closed button', { hasText: 'Start a new conversation' }).click(WAIT);
    await w.frame.locator('.status.waiting').waitFor(WAIT);
    const next = await suite.agent.waitFor(ServerEvent.ThreadCreated, (t) => t.visitor.email === me.email && t.id !== thread.id);
    expect(next.status).toBe('queued');
    expect(await w.bodies()).toEqual([]);
    expect(w.problems).toEqual([]);
  });
});
