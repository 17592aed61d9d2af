import type { AuthResponse } from '@parley/contracts';
import { createRestClient } from '@parley/rest-client';
import type { BrowserContext, Page } from 'playwright-core';
import { WAIT } from './browser';
import { stack } from './state';

const PASSWORD = 'correct-horse-battery';

/** An agent of its own (the suite's admin keeps listening), signed in to the console in a browser. */
export async function consoleAgent(context: BrowserContext, name: string, prefix: string): Promise<{ page: Page; token: string; problems: string[] }> {
  const s = stack();
  const email = `${prefix}.${name.toLowerCase()}.${process.pid}.${Date.now()}@parley.test`;
  await createRestClient({ origin: s.api, token: () => s.admin.token })('post /agents', { body: { email, name, password: PASSWORD, role: 'agent' } });
  const auth = (await createRestClient({ origin: s.api })('post /auth/login', { body: { email, password: PASSWORD } })) as AuthResponse;
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${s.api}/login`, WAIT);
  await page.getByLabel('Email').fill(email, WAIT);
  await page.getByLabel('Password').fill(PASSWORD, WAIT);
  await page.getByRole('button', { name: 'Sign in' }).click(WAIT);
  await page.waitForURL(/\/queue$/, WAIT);
  return { page, token: auth.token, problems };
}
