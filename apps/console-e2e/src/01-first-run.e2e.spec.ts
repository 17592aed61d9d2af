import { expectNoAxeViolations } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { call } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

describe('first run and sign-in', () => {
  let browser: Browser;
  let agent: AgentPage;

  beforeAll(async () => {
    browser = await launch();
    agent = await openAgentPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens the first-run page on a new server and creates the first admin', async () => {
    expect((await call('get /setup')).body.needsSetup).toBe(true);
    const { page } = agent;
    await page.goto('/');
    await page.waitForURL(/\/setup$/);
    await page.getByRole('heading', { name: 'Welcome to Parley' }).waitFor();
    await expectNoAxeViolations(page, { label: 'console: first-run page' });

    // The contract's rules are checked in the page before anything is sent.
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.getByText('Required.').first().waitFor();
    await expectNoAxeViolations(page, { label: 'console: first-run page with errors' });

    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Work email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.waitForURL(/\/queue$/);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByText(ADMIN.name).waitFor();
    await page.getByRole('link', { name: 'Agents' }).waitFor();
    expect((await call('get /setup')).body.needsSetup).toBe(false);
  });

  it('keeps the session across a reload and keeps only the token in storage', async () => {
    const { page } = agent;
    await page.reload();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const storage = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));
    expect(storage.session).toEqual(['parley.console.token']);
    // localStorage holds no secret: at most preferences and read markers.
    for (const key of storage.local) expect(key).toMatch(/^parley\.console\.(preferences|read\.)/);
  });

  it('signs out, refuses a wrong password, and signs in again', async () => {
    const { page } = agent;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect(await page.evaluate(() => sessionStorage.getItem('parley.console.token'))).toBeNull();

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
  });

  it('no longer offers the first-run page once an admin exists', async () => {
    const other = await openAgentPage(browser);
    await other.page.goto('/setup');
    await other.page.waitForURL(/\/login/);
    await other.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await other.context.close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(agent.problems).toEqual([]);
  });
});
