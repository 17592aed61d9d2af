import { readFile } from 'node:fs/promises';
import { REPORT_CSV_COLUMNS } from '@parley/contracts';
import { expectNoAxeViolations } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

const RAE = { name: 'Rae Reports', email: 'rae@console.test', password: 'rae-password-1234', role: 'agent' } as const;

/**
 * One conversation through the API: a visitor writes, Rae claims, answers and closes it, the
 * visitor rates it 4. A visitor name a spreadsheet would run, to see it kept as text in the CSV.
 */
async function ratedConversation(): Promise<string> {
  // Alone, this file finds a fresh server (01-first-run makes the admin when the whole suite runs).
  if ((await ok('get /setup')).needsSetup) await ok('post /setup', { body: { email: ADMIN.email, name: ADMIN.name, password: ADMIN.password } });
  const admin = await login(ADMIN.email, ADMIN.password);
  await ensureAgent(admin.token, RAE);
  const rae = await login(RAE.email, RAE.password);
  const session = await ok('post /visitors/session', { body: { name: '=SUM(1+1)', email: `report.${Date.now()}@visitor.test` } });
  const thread = await ok('post /threads', { token: session.token, body: {} });
  await ok('post /threads/{id}/messages', { token: session.token, params: { id: thread.id }, body: { clientMsgId: 'q1', body: 'Where is my order?' } });
  await ok('post /threads/{id}/claim', { token: rae.token, params: { id: thread.id }, body: {} });
  await ok('post /threads/{id}/messages', { token: rae.token, params: { id: thread.id }, body: { clientMsgId: 'a1', body: 'On its way.' } });
  await ok('post /threads/{id}/close', { token: rae.token, params: { id: thread.id }, body: {} });
  await ok('post /threads/{id}/rating', { token: session.token, params: { id: thread.id }, body: { score: 4 } });
  return thread.id;
}

describe('Reports page: figures, a chart of the busiest hours, tables as text, the CSV', () => {
  let browser: Browser;
  let admin: AgentPage;
  let threadId: string;

  beforeAll(async () => {
    threadId = await ratedConversation();
    browser = await launch();
    admin = await openAgentPage(browser);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows this week's figures, Rae's row with the rating, and draws the chart", async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const overall = page.getByTestId('overall');
    await overall.waitFor();
    expect(Number(await overall.getByTestId('conversations').textContent())).toBeGreaterThanOrEqual(1);
    const row = page.getByTestId('agent-row').filter({ hasText: RAE.name });
    await row.waitFor();
    // Conversations, then the three medians, messages per conversation (2), average rating, rated.
    const cells = (await row.locator('td').allTextContents()).map((t) => t.trim());
    expect(cells[0]).toBe('1');
    expect(cells.slice(4)).toEqual(['2', '4', '1 (100 %)']);
    // chart.js has drawn bars: the canvas holds painted pixels.
    const canvas = page.getByTestId('hours-chart');
    await page.locator('[data-testid=hours-chart][data-drawn=true]').waitFor();
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d');
      const { data } = ctx ? ctx.getImageData(0, 0, c.width, c.height) : { data: new Uint8ClampedArray() };
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(100);
    // The same figures as a table, for those who cannot see the chart.
    await page.getByText('Busiest hours as a table (hour of the week)').click();
    const table = page.getByTestId('hours-table');
    await table.waitFor();
    const total = (await table.locator('tbody td').allTextContents()).reduce((sum, t) => sum + Number(t), 0);
    expect(total).toBe(Number(await overall.getByTestId('conversations').textContent()));
    await expectNoAxeViolations(page, { label: 'console: Reports page' });
  });

  it('refuses a range that ends before it starts, and downloads the CSV of the range', async () => {
    const { page } = admin;
    const to = await page.getByLabel('To', { exact: true }).inputValue();
    await page.getByLabel('From', { exact: true }).fill('2999-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('alert').filter({ hasText: 'The first day is after the last day.' }).waitFor();
    await page.getByLabel('From', { exact: true }).fill(to);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`parley-conversations-${to}-to-${to}.csv`);
    const text = await readFile(await download.path(), 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(REPORT_CSV_COLUMNS.join(','));
    const mine = lines.find((l) => l.startsWith(threadId));
    // Formula-like text stays text; Rae's rating is in the row.
    expect(mine).toContain(",'=SUM(1+1),");
    expect(mine).toContain(',Rae Reports,');
    expect(mine?.split(',')[REPORT_CSV_COLUMNS.indexOf('rating')]).toBe('4');
    expect(admin.problems).toEqual([]);
  });
});
