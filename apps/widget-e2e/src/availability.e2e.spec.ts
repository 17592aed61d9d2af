import { type UpdateAvailabilitySettingsRequest, WEEKDAYS } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';
import { expectNoAxeViolations, until } from '@parley/test-support';
import { visitor, visitorContext, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/**
 * Opening hours as the visitor meets them. The suite's agent is online all along: the site is
 * closed here by closed dates (yesterday, today and tomorrow in UTC, whatever the clock says).
 */
describe('the widget while the site is closed', () => {
  const s = stack();
  const suite = widgetSuite();
  const admin = createRestClient({ origin: s.api, token: () => s.admin.token, timeoutMs: WAIT.timeout });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  const setHours = (over: Partial<UpdateAvailabilitySettingsRequest>) =>
    admin('put /widget/availability/settings', {
      body: {
        enabled: true,
        timeZone: 'UTC',
        weekly: WEEKDAYS.map((d) => ({ day: d, start: '09:00', end: '17:00' })),
        closedDates: [day(-1), day(0), day(1)],
        whenClosed: 'form',
        closedMessage: 'We are closed for the holidays.',
        ...over,
      },
    });

  afterAll(() => setHours({ enabled: false }));

  /** Opens the host page once the loader has read whether the site is open. */
  async function openPage(): Promise<Widget> {
    const page = await suite.context.newPage();
    const w = new Widget(page);
    const read = page.waitForResponse((r) => r.url().endsWith('/api/v1/widget/availability'), WAIT);
    await page.goto(`${s.host}/`, { waitUntil: 'load', ...WAIT });
    await read;
    return w;
  }

  it('with `form`: the details form asks for the first message, says when we will reply, and the agent answers it like any thread', async () => {
    await setHours({ whenClosed: 'form' });
    const me = visitor('Olga');
    const w = await openPage();
    await w.button.click(WAIT);
    const form = w.frame.locator('form.details');
    await form.locator('h1', { hasText: 'Leave us a message' }).waitFor(WAIT);
    expect(await form.locator('.closed-message').textContent()).toBe('We are closed for the holidays.');
    // When the site opens next, in the visitor's language and time zone (the browser's: en-GB, UTC).
    const { nextOpenAt } = await admin('get /widget/availability');
    if (!nextOpenAt) throw new Error('the site should open again');
    const replyBy = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(nextOpenAt));
    expect(nextOpenAt).toMatch(/T09:00:00\.000Z$/);
    expect(await form.locator('.reply-by').textContent()).toBe(`We will reply by ${replyBy}.`);
    await expectNoAxeViolations(await w.iframe(), { label: "the widget's frame, closed with a form", disableRules: Widget.FRAME_PAGE_RULES });

    await w.frame.locator('#pw-name').fill(me.name, WAIT);
    await w.frame.locator('#pw-email').fill(me.email, WAIT);
    await w.frame.locator('button[type=submit]', { hasText: 'Send message' }).click(WAIT);
    // The message is required.
    await w.frame.locator('#pw-message-problem', { hasText: 'Please write your message.' }).waitFor(WAIT);
    expect(await w.frame.locator('.status').count()).toBe(0);

    const created = suite.agent.threadOf(me.email);
    await w.frame.locator('#pw-message').fill('My parcel is lost <b>help</b>', WAIT);
    await w.frame.locator('button[type=submit]').click(WAIT);
    const thread = await created;
    expect(thread.createdWhileClosed).toBe(true);
    await w.message('My parcel is lost <b>help</b>').locator('time').waitFor(WAIT);
    await until('the first message stored once', async () => (await suite.agent.messages(thread.id)).filter((m) => m.body === 'My parcel is lost <b>help</b>').length === 1, WAIT.timeout);

    await suite.agent.claim(thread.id);
    await suite.agent.send(thread.id, 'Found it, it arrives tomorrow.');
    await w.message('Found it, it arrives tomorrow.').waitFor(WAIT);
    expect(await w.bodies()).toEqual(['My parcel is lost <b>help</b>', 'Found it, it arrives tomorrow.']);
    expect(w.problems).toEqual([]);
  });

  it('with `hide`: no button on the page, unless a conversation is going on, which goes on', async () => {
    await setHours({ enabled: false });
    const me = visitor('Hugo');
    const started = await Widget.open(suite.context, `${s.host}/`);
    const created = suite.agent.threadOf(me.email);
    await started.startChat(me.name, me.email);
    const thread = await created;
    await started.send('Before closing time');
    await started.message('Before closing time').locator('time').waitFor(WAIT);
    await started.page.close();

    await setHours({ whenClosed: 'hide' });
    // A visitor without a conversation: no button at all.
    const browser = suite.context.browser();
    if (!browser) throw new Error('no browser');
    const stranger = await visitorContext(browser);
    try {
      const page = await stranger.newPage();
      const read = page.waitForResponse((r) => r.url().endsWith('/api/v1/widget/availability'), WAIT);
      await page.goto(`${s.host}/`, { waitUntil: 'load', ...WAIT });
      await read;
      const w = new Widget(page);
      await w.page.locator('parley-widget').waitFor({ state: 'attached', ...WAIT });
      await until('the button to be hidden', async () => !(await w.button.isVisible()), WAIT.timeout);
      expect(await w.button.isVisible()).toBe(false);
    } finally {
      await stranger.close();
    }

    // The visitor whose conversation is going on keeps it (the popup was open: it opens again) and the button.
    const w = await openPage();
    await w.message('Before closing time').waitFor(WAIT);
    await w.send('Still here after hours');
    await until('the agent to have it', async () => (await suite.agent.messages(thread.id)).some((m) => m.body === 'Still here after hours'), WAIT.timeout);
    await w.closeButton.click(WAIT);
    await w.button.waitFor({ state: 'visible', ...WAIT });
    expect(w.problems).toEqual([]);
  });
});
