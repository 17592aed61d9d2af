import { expectNoAxeViolations } from '@parley/test-support';
import { login, ok } from './support/api';
import { signedInBrowser } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

/** Admin → Widget → Availability, and the queue's mark on conversations that came while closed. */
describe('Availability page', () => {
  const admin = signedInBrowser(ADMIN);
  const visitors: Visitor[] = [];

  afterAll(async () => {
    for (const v of visitors) v.close();
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    await ok('put /widget/availability/settings', { token, body: { enabled: false, timeZone: 'UTC', weekly: [], closedDates: [], whenClosed: 'form', closedMessage: 'Back soon.' } });
  });

  it('refuses an end before the start and an unknown time zone at their fields, saves the hours, and the queue marks what arrives while closed', async () => {
    const page = admin.page();
    await page.getByRole('link', { name: 'Widget' }).click();
    await page.getByRole('link', { name: 'Availability: opening hours' }).click();
    await page.getByRole('heading', { name: 'Availability', level: 1 }).waitFor();

    await page.getByLabel('Use opening hours').check();
    await page.getByLabel('Time zone').fill('Europe/Atlantis');
    await page.getByRole('button', { name: 'Add a range' }).click();
    await page.getByLabel('Day of range 1').selectOption({ label: 'Tuesday' });
    await page.getByLabel('Start of range 1').fill('17:00');
    await page.getByLabel('End of range 1').fill('09:00');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.field-error', { hasText: 'unknown time zone' }).waitFor();
    expect(await page.getByLabel('Time zone').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, { label: 'console: availability with field errors' });

    // Fixed: still refused for the range alone.
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('range-row').locator('.field-error', { hasText: 'must be after start' }).waitFor();

    await page.getByLabel('Start of range 1').fill('09:00');
    await page.getByLabel('End of range 1').fill('17:00');
    // Closed today, whatever the clock: yesterday, today and tomorrow (Berlin is within a day of UTC).
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Closed dates').fill([day(-1), day(0), day(1)].join('\n'));
    await page.getByRole('radio', { name: 'Take a message' }).check();
    await page.getByLabel('Closed message').fill('Closed for the holidays, leave us a note.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.toast', { hasText: 'Opening hours saved.' }).or(page.getByText('Opening hours saved.')).first().waitFor();
    expect(await page.locator('.field-error').count()).toBe(0);

    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const saved = await ok('get /widget/availability/settings', { token });
    expect(saved).toMatchObject({ enabled: true, timeZone: 'Europe/Berlin', weekly: [{ day: 'tue', start: '09:00', end: '17:00' }], whenClosed: 'form' });

    const late = await Visitor.start('Nora Night', `nora.${Date.now()}@late.test`);
    visitors.push(late);
    await late.send('Are you there?');
    await page.getByRole('link', { name: 'Queue' }).first().click();
    const item = page.getByTestId('thread-item').filter({ hasText: 'Nora Night' });
    await item.getByTestId('while-closed').waitFor();
    expect(await item.getByTestId('while-closed').textContent()).toBe('Arrived while closed');
  });
});
