import { eventually } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { call, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

describe('admin pages', () => {
  let browser: Browser;
  let admin: AgentPage;
  let adminToken: string;

  beforeAll(async () => {
    adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
    admin = await openAgentPage(browser);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('creates an agent, makes them an admin, then deactivates them', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Cy Colleague');
    await page.getByLabel('Email').fill('cy@console.test');
    await page.getByLabel('Initial password').fill('cy-password-123');
    await page.getByRole('button', { name: 'Add agent' }).click();
    const row = page.getByTestId('agent-row').filter({ hasText: 'cy@console.test' });
    await row.waitFor();
    expect((await login('cy@console.test', 'cy-password-123')).agent.role).toBe('agent');

    // The same email again is refused at the field.
    await page.getByLabel('Name').fill('Cy Again');
    await page.getByLabel('Email').fill('cy@console.test');
    await page.getByLabel('Initial password').fill('cy-password-123');
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.getByText('An agent with this email already exists.').waitFor();

    await page.getByLabel('Role of Cy Colleague').selectOption('admin');
    await eventually(async () => {
      const agents = await ok('get /agents', { token: adminToken });
      expect(agents.find((a) => a.email === 'cy@console.test')?.role).toBe('admin');
    });

    await row.getByRole('button', { name: 'Deactivate Cy Colleague' }).click();
    await row.getByText('Deactivated').waitFor();
    expect((await call('post /auth/login', { body: { email: 'cy@console.test', password: 'cy-password-123' } })).status).toBe(401);
  });

  it('creates an API key that is shown once and works, then revokes it', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('New API key').inputValue();
    expect(secret).toMatch(/^prk_/);
    expect((await call('get /threads', { query: { limit: 1 }, token: secret })).status).toBe(200);

    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-key').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('key-row').filter({ hasText: 'CRM sync' }).waitFor();
    expect(await page.content()).not.toContain(secret);
    const inStorage = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(inStorage).not.toContain(secret);

    const row = page.getByTestId('key-row').filter({ hasText: 'CRM sync' });
    await row.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await row.getByRole('button', { name: 'Revoke now' }).click();
    await row.getByText('Revoked', { exact: false }).waitFor();
    expect((await call('get /threads', { query: { limit: 1 }, token: secret })).status).toBe(401);
  });

  it('changes what the widget shows and which sites may embed it', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Widget' }).click();
    await page.getByRole('heading', { name: 'Widget', level: 1 }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Ask Parley');
    await page.getByLabel('Greeting line 1').fill('Hi! We usually answer within minutes.');
    await page.getByLabel('Greeting line 2').fill('');
    await page.getByLabel('Greeting line 3').fill('');
    await page.getByLabel('Allowed sites').fill('https://shop.example.com\nnot a site');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Line 2 (not a site)', { exact: false }).waitFor();

    await page.getByLabel('Allowed sites').fill('https://shop.example.com\nhttps://blog.example.com/');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Widget settings saved.').waitFor();
    const saved = await ok('get /widget/settings/admin', { token: adminToken });
    expect(saved.title).toBe('Ask Parley');
    expect(saved.greetingLines).toEqual(['Hi! We usually answer within minutes.']);
    expect(saved.allowedOrigins).toEqual(['https://shop.example.com', 'https://blog.example.com']);
  });

  it('sets the agent away and back online, and the team sees it live', async () => {
    const { page } = admin;
    const bo = await openAgentPage(browser);
    await signIn(bo.page, 'bo@console.test', 'bo-password-1234');
    await page.getByRole('link', { name: 'Agents' }).click();
    const boRow = page.getByTestId('agent-row').filter({ hasText: 'bo@console.test' });
    await boRow.getByText('Online').waitFor();

    await bo.page.getByRole('radio', { name: 'Away' }).click();
    await bo.page.getByRole('radio', { name: 'Away', checked: true }).waitFor();
    await boRow.getByText('Away').waitFor();
    await bo.page.getByRole('radio', { name: 'Online' }).click();
    await boRow.getByText('Online').waitFor();

    // Signing out closes the socket: the agent is offline for everyone.
    await bo.page.getByRole('button', { name: 'Sign out' }).click();
    await boRow.getByText('Offline').waitFor();
    await bo.context.close();
  });

  it('keeps admin pages from agents who are not admins', async () => {
    const agentPage = await openAgentPage(browser);
    await signIn(agentPage.page, 'bo@console.test', 'bo-password-1234');
    expect(await agentPage.page.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await agentPage.page.goto('/admin/api-keys');
    await agentPage.page.waitForURL(/\/queue$/);
    await agentPage.context.close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(admin.problems).toEqual([]);
  });
});
