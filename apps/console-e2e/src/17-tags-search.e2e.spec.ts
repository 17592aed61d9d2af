import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { expectNoAxeViolations } from '@parley/test-support';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signedInBrowser, signIn } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

/** Tags put on a conversation from its header, lists filtered by them, and search over words and emails. */
describe('tags and search', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adaToken: string;
  const visitors: Visitor[] = [];
  const mark = randomBytes(4).toString('hex');
  const order = `4711${parseInt(mark, 16) % 100000}`;
  const tagName = `Refund ${mark}`;
  let tess: Visitor;
  let other: Visitor;

  async function closed(v: Visitor): Promise<void> {
    await ok('post /threads/{id}/claim', { params: { id: v.thread.id }, token: adaToken });
    await ok('post /threads/{id}/close', { params: { id: v.thread.id }, token: adaToken, body: {} });
  }

  beforeAll(async () => {
    adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    await ok('post /tags', { token: adaToken, body: { name: tagName, color: '#c2410c' } });
    tess = await Visitor.start('Tess Tagged', `tess.${mark}@parcels.test`);
    other = await Visitor.start('Otto Other', `otto.${mark}@other.test`);
    visitors.push(tess, other);
    await tess.send(`Hello! Where is my Order ${order}? It was due on Monday.`);
    await other.send(`A question about order numbers in general, ${mark}`);
    await closed(tess);
    await closed(other);
    browser = await launch();
    ada = await openAgentPage(browser);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  it('finds a conversation by words of a message, in any order, with each word marked', async () => {
    const { page } = ada;
    await page.getByRole('link', { name: 'Closed' }).click();
    await page.getByLabel('Search closed conversations').fill(`${order} order`);
    const item = page.getByTestId('history-item').filter({ hasText: 'Tess Tagged' });
    const match = item.getByTestId('history-match');
    await match.waitFor();
    expect(await match.textContent()).toBe(`Hello! Where is my Order ${order}? It was due on Monday.`);
    expect(await match.locator('mark').allTextContents()).toEqual(['Order', order]);
    expect(await page.getByTestId('history-item').count()).toBe(1);
    await expectNoAxeViolations(page, { label: 'console: search by words' });
  });

  it('finds a conversation by part of an email, the part marked', async () => {
    const { page } = ada;
    const partial = `tess.${mark}@parc`;
    await page.getByLabel('Search closed conversations').fill(partial);
    const item = page.getByTestId('history-item').filter({ hasText: 'Tess Tagged' });
    await item.locator('.email mark').filter({ hasText: partial }).waitFor();
    expect(await item.getByTestId('history-match').count()).toBe(0);
    expect(await page.getByTestId('history-item').filter({ hasText: 'Otto Other' }).count()).toBe(0);
  });

  it('puts a tag on the conversation from its header; it shows in the list, and the list filters by it', async () => {
    const { page } = ada;
    await page.getByTestId('history-item').filter({ hasText: 'Tess Tagged' }).click();
    await page.getByRole('heading', { name: 'Tess Tagged', level: 1 }).waitFor();
    await page.getByLabel('Add a tag').selectOption({ label: tagName });
    await page.getByTestId('thread-tag').filter({ hasText: tagName }).waitFor();
    await page.getByTestId('history-item').filter({ hasText: 'Tess Tagged' }).getByTestId('tag-chip').filter({ hasText: tagName }).waitFor();
    expect((await ok('get /threads/{id}', { params: { id: tess.thread.id }, token: adaToken })).tags.map((t) => t.name)).toEqual([tagName]);
    await expectNoAxeViolations(page, { label: 'console: a tagged conversation' });

    // No search, only the tag: Tess's conversation and not Otto's.
    await page.getByLabel('Search closed conversations').fill('');
    await page.getByTestId('history-item').filter({ hasText: 'Otto Other' }).waitFor();
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: tagName });
    await page.getByTestId('history-item').filter({ hasText: 'Otto Other' }).waitFor({ state: 'detached' });
    expect(await page.getByTestId('history-item').allTextContents()).toEqual([expect.stringContaining('Tess Tagged')]);

    // The tag's name is searchable too.
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'All tags' });
    await page.getByLabel('Search closed conversations').fill(tagName.toUpperCase());
    await page.getByTestId('history-item').filter({ hasText: 'Otto Other' }).waitFor({ state: 'detached' });
    await page.getByTestId('history-item').filter({ hasText: 'Tess Tagged' }).waitFor();

    // Taken off again from the header.
    await page.getByRole('button', { name: `Remove tag ${tagName}` }).click();
    await page.getByTestId('thread-tag').waitFor({ state: 'detached' });
    expect((await ok('get /threads/{id}', { params: { id: tess.thread.id }, token: adaToken })).tags).toEqual([]);
    expect(ada.dialogs).toEqual([]);
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});

describe('Admin → Tags', () => {
  const admin = signedInBrowser(ADMIN);

  it('adds, refuses a name taken in another case, renames and deletes a tag', async () => {
    const mark = randomBytes(3).toString('hex');
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const page = admin.page();
    await page.getByRole('link', { name: 'Tags', exact: true }).click();
    await page.getByRole('heading', { name: 'Tags', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(`Billing ${mark}`);
    await page.getByRole('button', { name: 'Add tag' }).click();
    const row = page.getByTestId('tag-row').filter({ hasText: `Billing ${mark}` });
    await row.waitFor();
    expect((await ok('get /tags', { token })).some((t) => t.name === `Billing ${mark}`)).toBe(true);

    await page.getByLabel('Name', { exact: true }).fill(`BILLING ${mark}`);
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('#new-tag-name-error').waitFor();
    await expectNoAxeViolations(page, { label: 'console: tags page' });

    await page.getByRole('button', { name: `Rename Billing ${mark}` }).click();
    await page.getByLabel(`Name of Billing ${mark}`).fill(`Invoices ${mark}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('tag-row').filter({ hasText: `Invoices ${mark}` }).waitFor();
    await page.getByRole('button', { name: `Delete Invoices ${mark}` }).click();
    await page.getByRole('button', { name: 'Delete now' }).click();
    await page.getByTestId('tag-row').filter({ hasText: `Invoices ${mark}` }).waitFor({ state: 'detached' });
    expect((await ok('get /tags', { token })).some((t) => t.name.endsWith(mark))).toBe(false);
  });
});
