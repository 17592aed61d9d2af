import { ServerEvent } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';
import { expectNoAxeViolations, TestSmtp, until } from '@parley/test-support';
import { launch, visitor, visitorContext, WAIT, Widget } from './support/browser';
import { consoleAgent } from './support/console';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';
import type { Browser } from 'playwright-core';

/** Mail is polled for and retried by the server: generous, a loaded machine is late, never early. */
const MAIL_MS = 45_000;

function link(text: string | undefined, fragment: string): string {
  const found = new RegExp(`(https?://\\S+#${fragment}=[A-Za-z0-9_-]+)`).exec(text ?? '');
  if (!found) throw new Error(`no ${fragment} link in: ${text ?? ''}`);
  return found[1];
}

/** The email follow-up as the visitor lives it: the confirmation link, the digest, its resume link in a fresh browser. */
describe('email follow-up and the resume link', () => {
  const s = stack();
  const suite = widgetSuite();
  let smtp: TestSmtp | undefined;
  let browser: Browser | undefined;
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the suite is not set up');
    return v;
  };

  beforeAll(async () => {
    smtp = await TestSmtp.start(s.smtpPort);
    browser = await launch();
  });
  afterAll(async () => {
    await smtp?.stop();
    await browser?.close();
  });

  it('confirms the address from its link, mails the unread reply after the visitor left, and the link reopens the conversation once, in a fresh browser', async () => {
    const mail = ready(smtp);
    const me = visitor('Emma');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const [confirmation] = await until('the confirmation mail', () => mail.to(me.email, /Confirm your email/).length > 0 && mail.to(me.email, /Confirm your email/), MAIL_MS, 100);
    expect(confirmation.subject).toContain(s.settings.title);

    // The link opens the site's page (the loader hands it to the widget) or, when the thread started
    // before the widget reported a page, the widget's own page on Parley; either confirms the address.
    const confirmUrl = link(confirmation.text, 'parley-confirm');
    if (confirmUrl.startsWith(s.host)) {
      // In a new tab, as a mail client opens it.
      const tab = await Widget.open(suite.context, confirmUrl);
      await tab.frame.getByTestId('link-result').filter({ hasText: 'is confirmed' }).waitFor(WAIT);
      expect(tab.page.url()).not.toContain('parley-confirm');
      await tab.page.close();
    } else {
      expect(confirmUrl.startsWith(`${s.api}/widget/`)).toBe(true);
      const own = await suite.context.newPage();
      await own.goto(confirmUrl, { waitUntil: 'load', ...WAIT });
      await own.getByTestId('link-result').filter({ hasText: 'is confirmed' }).waitFor(WAIT);
      expect(own.url()).not.toContain('parley-confirm');
      await own.close();
    }

    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    // The visitor leaves the site; the agent answers.
    await w.page.close();
    await suite.agent.send(thread.id, 'Your refund was approved.');
    const [digest] = await until('the follow-up mail', () => mail.to(me.email, /New reply/).length > 0 && mail.to(me.email, /New reply/), MAIL_MS, 100);
    expect(digest.text).toContain('Your refund was approved.');
    const resumeUrl = link(digest.text, 'parley-resume');
    expect(resumeUrl.startsWith(s.host)).toBe(true);

    // A browser that has never seen the site: the link opens it with the conversation, no form.
    const fresh = await visitorContext(ready(browser));
    try {
      const back = await Widget.open(fresh, resumeUrl);
      await back.message('Your refund was approved.').waitFor(WAIT);
      expect(await back.frame.locator('#pw-name').count()).toBe(0);
      expect(back.page.url()).not.toContain('parley-resume');
      await back.send('Thank you!');
      await suite.agent.waitFor(ServerEvent.MessageCreated, (m) => m.threadId === thread.id && m.body === 'Thank you!');
      expect(back.problems).toEqual([]);
    } finally {
      await fresh.close();
    }

    // Used: the same link in yet another browser shows why it no longer works, and no conversation.
    const other = await visitorContext(ready(browser));
    try {
      const again = await Widget.open(other, resumeUrl);
      await again.frame.getByTestId('link-invalid').waitFor(WAIT);
      expect(await again.frame.locator('.log li.msg').count()).toBe(0);
      await expectNoAxeViolations(await again.iframe(), { label: 'widget: a used resume link', disableRules: Widget.FRAME_PAGE_RULES });
      await again.frame.getByRole('button', { name: 'Continue to the chat' }).click(WAIT);
      await again.frame.locator('#pw-name').waitFor(WAIT);
    } finally {
      await other.close();
    }
  });

  it('the agent sees "Seen" in the console once the visitor has read the reply in the widget', async () => {
    const me = visitor('Sia');
    const w = await Widget.open(suite.context, `${s.host}/`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    const agentContext = await ready(browser).newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const agent = await consoleAgent(agentContext, 'Seymour', 'seen');
      await createRestClient({ origin: s.api, token: () => agent.token })('post /threads/{id}/claim', { params: { id: thread.id } });
      await agent.page.goto(`${s.api}/mine/${thread.id}`, WAIT);
      await agent.page.getByRole('heading', { name: me.name, level: 1 }).waitFor(WAIT);
      const reply = await createRestClient({ origin: s.api, token: () => agent.token })('post /threads/{id}/messages', {
        params: { id: thread.id },
        body: { clientMsgId: `seen-${Date.now()}`, body: 'Is this what you meant?' },
      });
      // The popup shows the reply: the widget says it is read, and the console shows it under it.
      await w.message('Is this what you meant?').waitFor(WAIT);
      await agent.page.locator(`[data-testid="message"][data-seq="${reply.seq}"] [data-testid="seen"]`).waitFor(WAIT);
      expect(await agent.page.getByTestId('seen').count()).toBe(1);
      expect(agent.problems).toEqual([]);
    } finally {
      await agentContext.close();
    }
  });
});

