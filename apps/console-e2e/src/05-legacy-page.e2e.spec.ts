import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, freePort, WORKSPACE_ROOT } from '@parley/test-support';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn, UI_MS } from './support/browser';
import { type LegacySite, startLegacySite } from './support/legacy-site';
import { ADMIN, e2e } from './support/state';

/**
 * The old system's own "Ask EVA" embedding (seeds 000: the popup, its iframe and its close call),
 * read from the seeds at test time and changed only where it must be for Parley: the close call
 * carries the visitor's token instead of Django's CSRF cookie. Its iframe's /user_details/ page
 * (fixtures/legacy-user-details.html) runs the seeds' room script over the raw WebSocket endpoint.
 * Both are served by the old site's own host, which passes everything else through to Parley.
 */
const SEEDS = path.resolve(WORKSPACE_ROOT, '../shared/seeds');

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`the seed no longer reads "${from}" exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function seedEmbedding(): string {
  const file = readdirSync(SEEDS)
    .map((name) => path.join(SEEDS, name))
    .find((p) => /original embedding/.test(readFileSync(p, 'utf8')) && /close_chat_thread/.test(readFileSync(p, 'utf8')));
  if (!file) throw new Error(`no seed in ${SEEDS} holds the original embedding with close_chat_thread`);
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('\n', text.indexOf('original embedding')) + 1;
  const end = text.indexOf('</script>', start) + '</script>'.length;
  let page = text.slice(start, end);
  // The only two changes: keep the token the iframe hands over with the thread id, and send it.
  page = replaceOnce(page, 'chatThreadId = event.data.thread_id;', 'chatThreadId = event.data.thread_id; parleyToken = event.data.token;');
  page = replaceOnce(page, "'X-CSRFToken': getCSRFToken(),", "'Authorization': 'Bearer ' + parleyToken,");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Aptara</title></head><body><script>let parleyToken = null;</script>${page}</body></html>`;
}

async function messagesIn(frame: Frame): Promise<string[]> {
  return frame.locator('#messages p').allTextContents();
}

describe('a page of the old system, on Parley', () => {
  let browser: Browser;
  let ada: AgentPage;
  let visitorContext: BrowserContext;
  let host: Page;
  let site: LegacySite;
  const logs: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    ada = await openAgentPage(browser);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
    const details = readFileSync(path.join(__dirname, 'fixtures/legacy-user-details.html'), 'utf8');
    site = await startLegacySite({ port: await freePort(), parley: e2e().baseUrl, pages: { '/aptara/': seedEmbedding(), '/user_details/': details } });
    // The old site's origin is one an admin allows, like any site that embeds Parley.
    const adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    const settings = await ok('get /widget/settings/admin', { token: adminToken });
    await ok('put /widget/settings', {
      token: adminToken,
      body: { title: settings.title, greetingLines: settings.greetingLines, color: settings.color, allowedOrigins: [...settings.allowedOrigins, site.origin] },
    });
    visitorContext = await browser.newContext({ baseURL: site.origin });
    visitorContext.setDefaultTimeout(UI_MS);
    host = await visitorContext.newPage();
    host.on('console', (msg) => logs.push(msg.text()));
    host.on('pageerror', (err) => logs.push(`page error: ${err.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('the seeds\' popup and room script chat with an agent in the console, each message shown once, and the popup\'s close call closes the thread', async () => {
    await host.goto('/aptara/');
    // The icon reloads the iframe: its load listener goes in before the click.
    const reloaded = host.locator('#chatbot-iframe').evaluate((el) => new Promise<void>((resolve) => el.addEventListener('load', () => resolve(), { once: true })));
    await host.locator('#chatbot-icon').click();
    await reloaded;
    const frame = await eventually(() => {
      const f = host.frame({ url: /\/user_details\/$/ });
      if (!f) throw new Error('the popup has not loaded /user_details/ yet');
      return f;
    });
    await frame.getByLabel('Name').fill('Lena Legacy');
    await frame.getByLabel('Email').fill('lena@old-site.test');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    // The room logs every frame; the first one (connection_established) says the socket is open and authorized.
    await eventually(() => expect(logs.join('\n')).toContain('Data:'));
    const input = frame.getByLabel('Message');
    await input.fill('Hello from the old page');
    await input.press('Enter');
    // The old server sent every frame to the sender too: the page shows its own message from the server.
    await frame.locator('#messages p', { hasText: 'Hello from the old page' }).waitFor();

    // The agent sees the visitor in the queue, claims and answers in the console.
    const item = ada.page.getByTestId('thread-item').filter({ hasText: 'Lena Legacy' });
    await item.getByText('Hello from the old page').waitFor();
    await item.getByRole('button', { name: /Claim conversation with Lena Legacy/ }).click();
    await ada.page.waitForURL(/\/mine\//);
    const box = ada.page.getByLabel('Reply to Lena Legacy');
    await box.fill('Hi Lena, Parley here. <b>not bold</b>');
    await box.press('Enter');
    await frame.locator('#messages p', { hasText: 'Hi Lena, Parley here.' }).waitFor();

    await input.fill('Thanks, that is all');
    await input.press('Enter');
    await ada.page.locator('app-transcript .bubble').filter({ hasText: 'Thanks, that is all' }).waitFor();

    // Each message once, in the order they were stored (the join note is a message too).
    const shown = await messagesIn(frame);
    expect(shown.filter((t) => t === 'Hello from the old page')).toHaveLength(1);
    expect(shown.filter((t) => t === 'Hi Lena, Parley here. <b>not bold</b>')).toHaveLength(1);
    expect(shown.filter((t) => t === 'Thanks, that is all')).toHaveLength(1);
    expect(shown.indexOf('Hello from the old page')).toBeLessThan(shown.indexOf('Thanks, that is all'));
    expect(await frame.locator('#messages b').count()).toBe(0);

    const threadId = ada.page.url().split('/').pop() ?? '';
    const adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    const stored = await ok('get /threads/{id}/messages', { params: { id: threadId }, query: { afterSeq: 0 }, token: adminToken });
    expect(shown).toEqual(stored.items.map((m) => m.body));

    // The popup's close button: the seeds' fetch to /close_chat_thread/<id>/, as the visitor.
    await host.locator('#chatbot-close').click();
    await eventually(() => expect(logs).toContain('Chat closed from user side.'));
    await ada.page.getByText('Conversation closed by the visitor').waitFor();
    const thread = await ok('get /threads/{id}', { params: { id: threadId }, token: adminToken });
    expect(thread).toMatchObject({ status: 'closed', closedBy: { type: 'visitor' } });
    expect(logs.filter((l) => l.startsWith('page error'))).toEqual([]);
    expect(ada.problems).toEqual([]);
  });
});
