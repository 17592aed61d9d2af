import { until, verifyWebhookSignature, WebhookReceiver } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { call, login } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN } from './support/state';

const LIVENESS_MS = 30_000;

describe('Webhooks page: add an endpoint, see its secret once, test, log, redeliver, turn off, delete', () => {
  let browser: Browser;
  let admin: AgentPage;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    await login(ADMIN.email, ADMIN.password);
    browser = await launch();
    admin = await openAgentPage(browser);
    await signIn(admin.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  it('refuses a private target and a URL with no event at their fields', async () => {
    const { page } = admin;
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByLabel('URL').fill('http://localhost:9/hook');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#hook-url-error').filter({ hasText: 'localhost' }).waitFor();
    for (const type of ['thread.created', 'thread.updated', 'message.created', 'rating.created']) await page.getByRole('checkbox', { name: type }).uncheck();
    await page.getByLabel('URL').fill(receiver.url('/console'));
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Choose at least one event.').waitFor();
  });

  it('adds an endpoint, shows its secret once, and a test event arrives signed with it', async () => {
    const { page } = admin;
    await page.getByRole('checkbox', { name: 'thread.created' }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-secret').waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(secret);

    const row = page.getByTestId('webhook-row').filter({ hasText: receiver.url('/console') });
    await row.getByRole('button', { name: 'Send test' }).click();
    const got = await until('the test event', () => receiver.at('/console').find((r) => r.event === 'webhook.test'), LIVENESS_MS);
    expect(verifyWebhookSignature(got.signature, got.raw, secret)).toBe(true);

    // The log shows it delivered (refreshed until the engine has sent it), and redelivers it.
    const log = page.getByTestId('deliveries');
    await until('the log shows the delivery succeeded', async () => {
      await log.getByRole('button', { name: 'Refresh' }).click();
      return (await log.getByTestId('delivery-status').first().textContent())?.trim() === 'succeeded';
    }, LIVENESS_MS);
    await log.getByTestId('delivery-row').first().getByRole('button', { name: 'Redeliver' }).click();
    await until('the event arrives a second time', () => receiver.at('/console').filter((r) => r.body.id === got.body.id).length === 2, LIVENESS_MS);
    const [first, second] = receiver.at('/console').filter((r) => r.body.id === got.body.id);
    expect(second.delivery).not.toBe(first.delivery);
  });

  it('turns the endpoint off and on, and deletes it', async () => {
    const { page } = admin;
    const row = page.getByTestId('webhook-row').filter({ hasText: receiver.url('/console') });
    await row.getByRole('button', { name: 'Turn off' }).click();
    await row.getByTestId('webhook-state').filter({ hasText: 'Off' }).waitFor();
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    expect((await call('get /webhooks', { token })).body.find((w) => w.url === receiver.url('/console'))?.enabled).toBe(false);
    await row.getByRole('button', { name: 'Turn on' }).click();
    await row.getByTestId('webhook-state').filter({ hasText: 'On' }).waitFor();
    await row.getByRole('button', { name: `Delete ${receiver.url('/console')}` }).click();
    await row.getByRole('button', { name: 'Delete now' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await call('get /webhooks', { token })).body.some((w) => w.url === receiver.url('/console'))).toBe(false);
  });

  it('tells a signed-in admin, wherever they are, when the server turns an endpoint off', async () => {
    const { page } = admin;
    await page.locator('a[href="/queue"]').click();
    await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const url = receiver.url('/gone');
    receiver.answer = (r) => (r.path === '/gone' ? 410 : 200);
    expect((await call('post /webhooks', { token, body: { url, events: ['thread.created'] } })).status).toBe(201);
    const visitor = (await call('post /visitors/session', { body: { name: 'Gone Visitor', email: 'gone@visitor.test' } })).body;
    expect((await call('post /threads', { token: visitor.token, body: {} })).status).toBe(201);
    const toast = page.getByTestId('toast').filter({ hasText: 'A webhook endpoint was turned off' });
    await toast.waitFor({ timeout: LIVENESS_MS });
    expect(await toast.textContent()).toContain(url);
    expect(await toast.textContent()).toContain('410');
    expect(await toast.getAttribute('role')).toBe('alert');
  });
});
