import { createHmac } from 'node:crypto';
import { ErrorCode } from '@parley/contracts';
import type { Browser } from 'playwright-core';
import { call, login } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

/** An HS256 JWT, as any site backend's JWT library writes it. */
function hs256(secret: string, claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('Widget page: identity verification', () => {
  let browser: Browser;
  let admin: AgentPage;

  beforeAll(async () => {
    browser = await launch();
    admin = await openAgentPage(browser);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    // Whatever happened above, the next files need anonymous visitors.
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const s = (await call('get /widget/settings/admin', { token })).body;
    await call('put /widget/settings', { token, body: { title: s.title, greetingLines: s.greetingLines, color: s.color, allowedOrigins: s.allowedOrigins, identityRequired: false } });
    await browser?.close();
  });

  it('generates a secret shown once that signs identity tokens, and switches "identity required" on and off', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Widget' }).click();
    await page.getByRole('heading', { name: 'Identity verification' }).waitFor();
    await page.getByRole('button', { name: /^Generate (a secret|a new secret)/ }).click();
    const secret = (await page.locator('.secret-value').textContent()) ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(43);
    await page.locator('.secrets li', { hasText: `…${secret.slice(-4)}` }).waitFor();

    // The site's backend signs a user with it: Parley knows that user.
    const now = Math.floor(Date.now() / 1000);
    const identified = await call('post /visitors/identify', { body: { token: hs256(secret, { sub: `console-${now}`, name: 'Cora Customer', iat: now, exp: now + 600 }) } });
    expect(identified.status).toBe(200);
    expect(identified.body.visitor).toMatchObject({ name: 'Cora Customer', externalId: `console-${now}` });

    // Shown once: after a reload only its last characters are there.
    await page.reload();
    await page.locator('.secrets li', { hasText: `…${secret.slice(-4)}` }).waitFor();
    expect(await page.locator('.secret-value').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByLabel(/Only identified visitors may chat/).check();
    await page.getByText('Only identified visitors can chat now.').waitFor();
    const anonymous = await call('post /visitors/session', { body: { name: 'Anon', email: 'anon@visitor.test' } });
    expect([anonymous.status, (anonymous.body as unknown as { code: string }).code]).toEqual([403, ErrorCode.IdentityRequired]);
    await page.getByLabel(/Only identified visitors may chat/).uncheck();
    await page.getByText('Anonymous visitors can chat again.').waitFor();
    expect((await call('post /visitors/session', { body: { name: 'Anon', email: 'anon@visitor.test' } })).status).toBe(201);
  });
});
