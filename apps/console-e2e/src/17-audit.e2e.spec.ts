import { randomBytes } from 'node:crypto';
import { expectNoAxeViolations } from '@parley/test-support';
import { call, login, ok } from './support/api';
import { signedInBrowser } from './support/browser';
import { ADMIN } from './support/state';

describe('Audit log page', () => {
  const admin = signedInBrowser(ADMIN);

  it('shows who changed an agent and how, a locked login with its address, and filters by action', async () => {
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const email = `audited-${randomBytes(4).toString('hex')}@agents.test`;
    const agent = await ok('post /agents', { token, body: { email, name: 'Audrey Audited', password: `pw-${randomBytes(8).toString('hex')}`, role: 'agent' } });
    await ok('patch /agents/{id}', { token, params: { id: agent.id }, body: { role: 'admin' } });
    for (let i = 0; i < 10; i++) expect((await call('post /auth/login', { body: { email, password: `wrong-${i}` } })).status).toBe(401);

    const page = admin.page();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const changed = page.getByTestId('audit-row').filter({ hasText: 'Agent changed' }).filter({ hasText: 'Audrey Audited' }).first();
    await changed.waitFor();
    expect(await changed.getByTestId('audit-details').textContent()).toBe('role: admin');
    expect(await changed.textContent()).toContain(ADMIN.name);
    const locked = page.getByTestId('audit-row').filter({ hasText: 'Login locked after failed attempts' }).filter({ hasText: email }).first();
    await locked.waitFor();
    expect(await locked.textContent()).toContain('127.0.0.1');
    await expectNoAxeViolations(page, { label: 'console: audit log' });

    await page.getByLabel('Action').selectOption({ label: 'Agent created' });
    await page.getByTestId('audit-row').filter({ hasText: 'Agent changed' }).first().waitFor({ state: 'detached' });
    const actions = await page.getByTestId('audit-action').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['Agent created']));
    await page.getByTestId('audit-row').filter({ hasText: 'Audrey Audited' }).first().waitFor();
  });
});

describe('Data retention on the audit log page', () => {
  const admin = signedInBrowser(ADMIN);

  afterAll(async () => {
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    await ok('put /settings/retention', { token, body: { closedThreadsDays: null } });
  });

  it('refuses fewer than 30 days at the field, saves 90, and the change is in the log', async () => {
    const page = admin.page();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('radio', { name: 'Keep them for ever' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Keep them for ever' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: /Delete them/ }).check();
    await page.getByLabel('Days after closing (at least 30)').fill('29');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Enter a whole number of days from 30 to 36500.').waitFor();
    await page.getByLabel('Days after closing (at least 30)').fill('90');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Closed conversations will be deleted 90 days after they close.').waitFor();
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    expect((await ok('get /settings/retention', { token })).closedThreadsDays).toBe(90);
    await expectNoAxeViolations(page, { label: 'console: data retention' });

    await page.reload();
    await page.getByTestId('audit-row').filter({ hasText: 'Data retention changed' }).filter({ hasText: 'closedThreadsDays: 90' }).first().waitFor();
    expect(await page.getByLabel('Days after closing (at least 30)').inputValue()).toBe('90');
  });
});
