import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ERASED_VISITOR_NAME, PrivacyExportSchema } from '@parley/contracts';
import { expectNoAxeViolations } from '@parley/test-support';
import { login, ok } from './support/api';
import { signedInBrowser } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

/** Admin → Privacy: two visitors who typed the same email, one exported, the other erased. */
describe('Privacy requests page', () => {
  const admin = signedInBrowser(ADMIN);
  const mark = randomBytes(4).toString('hex');
  const email = `pia.${mark}@privacy.test`;
  const visitors: Visitor[] = [];

  afterAll(() => {
    for (const v of visitors) v.close();
  });

  it('lists both visitors of an email, exports one as JSON and erases the other', async () => {
    const keep = await Visitor.start(`Pia Kept ${mark}`, email);
    const gone = await Visitor.start(`Pia Gone ${mark}`, email.toUpperCase());
    visitors.push(keep, gone);
    await keep.send(`kept words ${mark}`);
    await gone.send(`words to forget ${mark}`);

    const page = admin.page();
    await page.getByRole('link', { name: 'Privacy', exact: true }).click();
    await page.getByRole('heading', { name: 'Privacy requests', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('Type the email address the visitor gave.').waitFor();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Find' }).click();
    const rows = page.getByTestId('privacy-visitor');
    await rows.filter({ hasText: `Pia Gone ${mark}` }).waitFor();
    expect(await rows.count()).toBe(2);
    await expectNoAxeViolations(page, { label: 'console: privacy requests' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export the data of Pia Kept ${mark}` }).click()]);
    expect(download.suggestedFilename()).toBe(`parley-visitor-${keep.session.visitor.id}.json`);
    const exported = PrivacyExportSchema.parse(JSON.parse(await readFile(await download.path(), 'utf8')));
    expect(exported.visitor.name).toBe(`Pia Kept ${mark}`);
    expect(exported.threads[0].messages.map((m) => m.body)).toContain(`kept words ${mark}`);
    expect(JSON.stringify(exported)).not.toContain('words to forget');

    await page.getByRole('button', { name: `Erase Pia Gone ${mark}` }).click();
    await page.getByRole('button', { name: 'Erase now' }).click();
    expect(await page.getByTestId('privacy-erased').textContent()).toContain('1 messages replaced');
    await rows.filter({ hasText: `Pia Gone ${mark}` }).waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);

    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const thread = await ok('get /threads/{id}', { params: { id: gone.thread.id }, token });
    expect(thread.status).toBe('closed');
    expect(thread.visitor).toEqual({ id: gone.session.visitor.id, name: ERASED_VISITOR_NAME, email: '' });
    expect((await ok('get /threads/{id}', { params: { id: keep.thread.id }, token })).visitor.name).toBe(`Pia Kept ${mark}`);
  });
});
