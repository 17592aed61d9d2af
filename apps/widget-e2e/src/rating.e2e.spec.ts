import { type AuthResponse, ServerEvent } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';
import { expectNoAxeViolations } from '@parley/test-support';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

const PASSWORD = 'correct-horse-battery';

/** An agent of its own, signed in to the console in a browser. */
async function consoleAgent(context: BrowserContext, name: string): Promise<{ page: Page; token: string; id: string }> {
  const s = stack();
  const email = `rating.${name.toLowerCase()}.${process.pid}.${Date.now()}@parley.test`;
  await createRestClient({ origin: s.api, token: () => s.admin.token })('post /agents', { body: { email, name, password: PASSWORD, role: 'agent' } });
  const auth = (await createRestClient({ origin: s.api })('post /auth/login', { body: { email, password: PASSWORD } })) as AuthResponse;
  const page = await context.newPage();
  await page.goto(`${s.api}/login`, WAIT);
  await page.getByLabel('Email').fill(email, WAIT);
  await page.getByLabel('Password').fill(PASSWORD, WAIT);
  await page.getByRole('button', { name: 'Sign in' }).click(WAIT);
  await page.waitForURL(/\/queue$/, WAIT);
  return { page, token: auth.token, id: auth.agent.id };
}

/** After a close, the widget asks for a rating; the agent sees it in the console as it is given and changed. */
describe('rating a conversation (CSAT)', () => {
  const s = stack();
  const suite = widgetSuite();
  let agentContext: BrowserContext;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    const browser = await launch();
    closeBrowser = () => browser.close();
    agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await closeBrowser?.();
  });

  it('the visitor rates 4 with a comment on the ended screen, then changes it to 5; the open console shows each at once', async () => {
    const me = visitor('Rita');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    const agent = await consoleAgent(agentContext, 'Ravi');
    const rest = createRestClient({ origin: s.api, token: () => agent.token });
    await rest('post /threads/{id}/claim', { params: { id: thread.id }, body: {} });
    await w.frame.locator('.agent-name').waitFor(WAIT);
    await w.send('Thanks for the help');
    const mark = suite.agent.mark();
    await rest('post /threads/{id}/close', { params: { id: thread.id }, body: {} });
    await suite.agent.waitFor(ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.status === 'closed', { after: mark });

    // The agent has the closed conversation open in the console, not rated yet.
    await agent.page.goto(`${s.api}/closed/${thread.id}`, WAIT);
    await agent.page.getByTestId('closed-by').waitFor(WAIT);
    expect(await agent.page.getByTestId('thread-rating').count()).toBe(0);

    // The widget's ended screen asks; nothing can be sent before a score is picked.
    const form = w.frame.locator('form.rating');
    await form.getByRole('group', { name: 'How was this conversation?' }).waitFor(WAIT);
    const send = form.getByRole('button', { name: 'Send rating' });
    expect(await send.isDisabled()).toBe(true);
    await expectNoAxeViolations(await w.iframe(), { label: "the widget's frame, asking for a rating", disableRules: Widget.FRAME_PAGE_RULES });
    await form.locator('label.star', { hasText: '4 stars out of 5, Good' }).click(WAIT);
    expect(await form.getByRole('radio', { name: '4 stars out of 5, Good' }).isChecked()).toBe(true);
    await form.getByLabel('Anything to add? (optional)').fill('Quick and <b>kind</b>', WAIT);
    await send.click(WAIT);
    await w.frame.getByText('Thank you! You rated this conversation 4 out of 5.').waitFor(WAIT);

    // The console shows it without a reload, the comment as text.
    const shown = agent.page.getByTestId('thread-rating');
    await shown.filter({ hasText: 'Rated 4 out of 5' }).waitFor(WAIT);
    expect(await shown.textContent()).toContain('“Quick and <b>kind</b>”');
    expect(await shown.locator('b').count()).toBe(0);

    // Changed within 24 h: the form opens on the stored score and comment.
    await w.frame.getByRole('button', { name: 'Change your rating' }).click(WAIT);
    expect(await form.getByLabel('Anything to add? (optional)').inputValue()).toBe('Quick and <b>kind</b>');
    await form.locator('label.star', { hasText: '5 stars out of 5, Great' }).click(WAIT);
    await form.getByRole('button', { name: 'Update rating' }).click(WAIT);
    await w.frame.getByText('You rated this conversation 5 out of 5.').waitFor(WAIT);
    await shown.filter({ hasText: 'Rated 5 out of 5' }).waitFor(WAIT);

    // The history list says so too, and the rating is credited to the agent who had it at close.
    await agent.page.goto(`${s.api}/closed`, WAIT);
    await agent.page.getByTestId('history-item').filter({ hasText: me.name }).getByTestId('history-rating').filter({ hasText: 'rated 5/5' }).waitFor(WAIT);
    const stored = await rest('get /threads/{id}', { params: { id: thread.id } });
    expect(stored.rating).toMatchObject({ score: 5, comment: 'Quick and <b>kind</b>', ratedAgent: { id: agent.id, name: 'Ravi' } });
    expect(w.problems).toEqual([]);
  });
});
