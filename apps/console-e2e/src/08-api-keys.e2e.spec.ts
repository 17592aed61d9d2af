import { API_KEY_SCOPES, ErrorCode } from '@parley/contracts';
import type { Browser } from 'playwright-core';
import { call, login } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

/** `yyyy-mm-dd` of a day `days` from today, in the browser's (and this process's) time zone. */
function dayFromToday(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('API keys page: scopes, expiry and rotation', () => {
  let browser: Browser;
  let admin: AgentPage;

  beforeAll(async () => {
    await login(ADMIN.email, ADMIN.password);
    browser = await launch();
    admin = await openAgentPage(browser);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('creates a read-only key that expires, shows its scopes and expiry, and refuses what it may not do', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Reporting');

    // No scope at all, and a day in the past, are refused at their fields.
    for (const scope of API_KEY_SCOPES) {
      await page.getByRole('checkbox', { name: scope }).uncheck();
    }
    await page.getByLabel('Expires on (optional)').fill(dayFromToday(-1));
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Choose at least one scope.').waitFor();
    await page.getByText('Choose a day from today on.').waitFor();

    await page.getByRole('checkbox', { name: 'threads:read' }).check();
    await page.getByLabel('Expires on (optional)').fill(dayFromToday(30));
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('New API key').inputValue();
    expect(secret).toMatch(/^prk_/);

    const row = page.getByTestId('key-row').filter({ hasText: 'Reporting' });
    expect(await row.getByTestId('key-scopes').textContent()).toBe('threads:read');
    expect(await row.getByTestId('key-expiry').textContent()).not.toBe('Never');
    const keys = await call('get /api-keys', { token: (await login(ADMIN.email, ADMIN.password)).token });
    const listed = keys.body.find((k) => k.name === 'Reporting');
    expect(listed?.scopes).toEqual(['threads:read']);
    // The key works until the end of the chosen day, here.
    const expires = new Date(listed?.expiresAt ?? 0);
    expect([expires.getHours(), expires.getMinutes()]).toEqual([23, 59]);
    expect(expires.getTime() - new Date(`${dayFromToday(30)}T00:00:00`).getTime()).toBe(24 * 3600_000 - 1);

    expect((await call('get /threads', { query: { limit: 1 }, token: secret })).status).toBe(200);
    const refused = await call('get /agents', { token: secret });
    expect(refused).toMatchObject({ status: 403, body: { code: ErrorCode.InsufficientScope } });
  });

  it('rotates a key: a new secret shown once, the old one refused at once', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-key').waitFor({ state: 'detached' });
    await page.getByLabel('Name').fill('Helpdesk');
    await page.getByRole('button', { name: 'Create key' }).click();
    const old = await page.getByLabel('New API key').inputValue();
    await page.getByRole('button', { name: 'Done' }).click();

    const row = page.getByTestId('key-row').filter({ hasText: 'Helpdesk' });
    expect(await row.getByTestId('key-scopes').textContent()).toBe('All');
    await row.getByRole('button', { name: 'Rotate Helpdesk' }).click();
    await row.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('The old key stopped working.').waitFor();
    const fresh = await page.getByLabel('New API key').inputValue();
    expect(fresh).toMatch(/^prk_/);
    expect(fresh).not.toBe(old);
    expect((await call('get /threads', { query: { limit: 1 }, token: old })).status).toBe(401);
    expect((await call('get /threads', { query: { limit: 1 }, token: fresh })).status).toBe(200);
    // The row now shows the new key's prefix.
    expect(await row.textContent()).toContain(fresh.split('_')[1]);
  });
});
