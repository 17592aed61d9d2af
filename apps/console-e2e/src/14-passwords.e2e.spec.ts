import { expectNoAxeViolations } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { call, ensureAgent, login } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

/** Agents change their own password from "Your account"; an admin sets a new one for an agent on the agents page. */
describe('passwords in the console', () => {
  let browser: Browser;
  let ada: AgentPage;
  const PAT = { name: 'Pat Password', email: 'pat@console.test', password: 'pat-password-1', role: 'agent' as const };

  beforeAll(async () => {
    await ensureAgent((await login(ADMIN.email, ADMIN.password)).token, PAT);
    browser = await launch();
    ada = await openAgentPage(browser);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets an admin set a new password for an agent, whose session ends', async () => {
    const { page } = ada;
    const patSession = (await login(PAT.email, PAT.password)).token;
    await page.getByRole('link', { name: 'Agents' }).click();
    const row = page.getByTestId('agent-row').filter({ hasText: PAT.email });
    await row.getByRole('button', { name: `Reset password of ${PAT.name}` }).click();
    const box = row.getByLabel(`New password for ${PAT.name}`);
    await box.fill('short');
    await row.getByRole('button', { name: 'Set password' }).click();
    await row.getByText('At least', { exact: false }).first().waitFor();
    await expectNoAxeViolations(page, { label: 'console: agents, resetting a password' });
    await box.fill('pat-new-password-2');
    await row.getByRole('button', { name: 'Set password' }).click();
    await page.getByText(`${PAT.name}'s password was changed`, { exact: false }).waitFor();
    await box.waitFor({ state: 'detached' });
    expect((await call('post /auth/login', { body: { email: PAT.email, password: PAT.password } })).status).toBe(401);
    expect((await call('post /auth/login', { body: { email: PAT.email, password: 'pat-new-password-2' } })).status).toBe(200);
    expect((await call('get /agents/me', { token: patSession })).status).toBe(401);
  });

  it('lets an agent change their own password from "Your account", after checking the current one', async () => {
    const pat = await openAgentPage(browser);
    await signIn(pat.page, PAT.email, 'pat-new-password-2');
    const { page } = pat;
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password').fill('pat-third-password-3');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('This is not your current password.').waitFor();
    await expectNoAxeViolations(page, { label: 'console: your account, a wrong current password' });

    await page.getByLabel('Current password').fill('pat-new-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    expect(await page.getByLabel('Current password').inputValue()).toBe('');
    expect((await call('post /auth/login', { body: { email: PAT.email, password: 'pat-third-password-3' } })).status).toBe(200);
    // This session stays.
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(pat.problems).toEqual([]);
    await pat.context.close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
