import type { Browser } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

const DEE = { name: 'Dee Departing', email: 'dee@console.test', password: 'dee-password-123', role: 'agent' } as const;

describe('a deactivated agent', () => {
  let browser: Browser;
  let dee: AgentPage;
  let adminToken: string;

  beforeAll(async () => {
    adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('is told the account was deactivated, not that they were signed out', async () => {
    const agent = await ensureAgent(adminToken, DEE);
    dee = await openAgentPage(browser);
    const { page } = dee;
    await signIn(page, DEE.email, DEE.password);
    await page.getByRole('heading', { name: 'Queue' }).waitFor();

    await ok('patch /agents/{id}', { params: { id: agent.id }, token: adminToken, body: { active: false } });
    await page.waitForURL(/\/login/);
    await page.getByRole('status').filter({ hasText: 'Your account has been deactivated' }).waitFor();
    expect(await page.getByText('You have been signed out').count()).toBe(0);

    // Signing in says no more than for any wrong password: the login tells nobody which accounts exist.
    await page.getByLabel('Email').fill(DEE.email);
    await page.getByLabel('Password').fill(DEE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
  });

  it('ran without script errors or CSP violations', () => {
    expect(dee.problems).toEqual([]);
  });
});
