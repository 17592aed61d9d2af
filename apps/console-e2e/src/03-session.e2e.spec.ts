import jwt from 'jsonwebtoken';
import type { Browser } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, e2e } from './support/state';
import { Visitor } from './support/visitor';

/**
 * An agent token the server itself would have issued for the session of `token` (the same agent and
 * sign-in), running out `seconds` from now.
 */
function expiringToken(token: string, seconds: number): string {
  const { sub, sid } = jwt.decode(token) as { sub: string; sid: string };
  return jwt.sign({ typ: 'agent', sid }, e2e().jwtSecret, { subject: sub, expiresIn: seconds, algorithm: 'HS256' });
}

describe('an expiring session', () => {
  let browser: Browser;
  let agent: AgentPage;
  let visitor: Visitor;

  beforeAll(async () => {
    browser = await launch();
    agent = await openAgentPage(browser);
  });

  afterAll(async () => {
    visitor?.close();
    await browser?.close();
  });

  it('sends the agent to the login page when the token runs out, and keeps the draft', async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    visitor = await Visitor.start('Dora Draft', 'dora@shop.test');
    await visitor.send('Can I change my delivery address?');
    await ok('post /threads/{id}/claim', { params: { id: visitor.thread.id }, token: admin.token });

    const { page } = agent;
    await signIn(page, ADMIN.email, ADMIN.password);
    // A session with a few seconds left (the console ends it 5 s before the token does).
    await page.evaluate((token) => sessionStorage.setItem('parley.console.token', token), expiringToken(admin.token, 9));
    await page.goto(`/mine/${visitor.thread.id}`);
    const box = page.getByLabel('Reply to Dora Draft');
    await box.fill('Yes, send me the new address and I will');

    // No click needed: the console notices the end of the session by itself.
    await page.waitForURL(/\/login\?returnUrl=/, { timeout: 15_000 });
    await page.getByText('Your session has expired.', { exact: false }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('parley.console.token'))).toBeNull();

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`/mine/${visitor.thread.id}$`));
    expect(await page.getByLabel('Reply to Dora Draft').inputValue()).toBe('Yes, send me the new address and I will');
  });

  it('treats a token the server refuses like an expired one', async () => {
    const { page } = agent;
    await page.evaluate(() => sessionStorage.setItem('parley.console.token', 'x.eyJleHAiOjQxMDI0NDQ4MDB9.y'));
    await page.goto('/closed');
    await page.waitForURL(/\/login/);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('ran without script errors or CSP violations', () => {
    expect(agent.problems).toEqual([]);
  });
});
