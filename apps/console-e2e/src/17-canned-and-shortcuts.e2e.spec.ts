import { expectNoAxeViolations, until } from '@parley/test-support';
import type { Browser, Page } from 'playwright-core';
import { ensureAgent, login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage, signIn } from './support/browser';
import { ADMIN, AGENT_BO } from './support/state';
import { Visitor } from './support/visitor';

/** The element with the focus, as a short description (tag, id, test id). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id}` : 'none';
  });
}

async function waitForFocus(page: Page, what: RegExp): Promise<void> {
  await until(`the focus on ${what}`, async () => what.test(await focused(page)) || undefined, 10_000).catch(async (err: Error) => {
    throw new Error(`${err.message}; it is on ${await focused(page)}`);
  });
}

describe('saved replies and keyboard shortcuts', () => {
  let browser: Browser;
  let ada: AgentPage;
  let bo: AgentPage;
  let boToken: string;
  const visitors: Visitor[] = [];
  const suffix = Date.now().toString(36);
  const sharedShortcut = `ship-${suffix}`;
  const personalShortcut = `greet-${suffix}`;

  beforeAll(async () => {
    const adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    await ensureAgent(adaToken, AGENT_BO);
    boToken = (await login(AGENT_BO.email, AGENT_BO.password)).token;
    browser = await launch();
    [ada, bo] = await Promise.all([openAgentPage(browser), openAgentPage(browser)]);
    await signIn(ada.page, ADMIN.email, ADMIN.password);
    await signIn(bo.page, AGENT_BO.email, AGENT_BO.password);
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  it('an admin adds a shared reply and an agent a personal one, each on its page', async () => {
    const { page } = ada;
    await page.getByRole('link', { name: 'Shared replies' }).click();
    await page.getByRole('heading', { name: 'Shared replies', level: 1 }).waitFor();
    await page.getByLabel('Shortcut', { exact: true }).fill('Not Valid');
    await page.getByLabel('Title', { exact: true }).fill('Shipping');
    await page.getByLabel('Text', { exact: true }).fill('We ship worldwide, {{visitor.name}}.');
    await page.getByRole('button', { name: 'Add reply' }).click();
    await page.locator('#reply-shortcut-error').waitFor();
    await page.getByLabel('Shortcut', { exact: true }).fill(sharedShortcut);
    await page.getByRole('button', { name: 'Add reply' }).click();
    await page.getByTestId('reply-row').filter({ hasText: `/${sharedShortcut}` }).waitFor();
    await expectNoAxeViolations(page, { label: 'console: shared replies page' });

    const b = bo.page;
    await b.getByRole('link', { name: 'Saved replies' }).click();
    await b.getByRole('heading', { name: 'Saved replies', level: 1 }).waitFor();
    // An agent has no link to the shared ones: it may not change them.
    expect(await b.getByRole('link', { name: 'Shared replies' }).count()).toBe(0);
    await b.getByLabel('Shortcut', { exact: true }).fill(personalShortcut);
    await b.getByLabel('Title', { exact: true }).fill('Greeting');
    await b.getByLabel('Text', { exact: true }).fill('Hi {{visitor.name}}, {{agent.name}} here. I will write to {{visitor.email}}.');
    await b.getByRole('button', { name: 'Add reply' }).click();
    await b.getByTestId('reply-row').filter({ hasText: `/${personalShortcut}` }).waitFor();
    // The same shortcut again is refused at its field.
    await b.getByLabel('Shortcut', { exact: true }).fill(personalShortcut);
    await b.getByLabel('Title', { exact: true }).fill('Again');
    await b.getByLabel('Text', { exact: true }).fill('again');
    await b.getByRole('button', { name: 'Add reply' }).click();
    await b.locator('#reply-shortcut-error').filter({ hasText: 'already' }).waitFor();
    await expectNoAxeViolations(b, { label: 'console: saved replies page' });
    const mine = await ok('get /canned-responses', { token: boToken, query: { scope: 'personal' } });
    expect(mine.map((c) => c.shortcut)).toEqual([personalShortcut]);
  });

  it('inserts a reply with / in the composer, variables filled in, and the visitor receives the final text', async () => {
    const vera = await Visitor.start('Vera Canned', 'vera.canned@shop.test');
    visitors.push(vera);
    await vera.send('Hi, where is my parcel?');
    await ok('post /threads/{id}/claim', { params: { id: vera.thread.id }, token: boToken });
    const { page } = bo;
    await page.goto(`/mine/${vera.thread.id}`);
    const box = page.getByRole('textbox', { name: /Reply to/ });
    await box.waitFor();
    await box.click();
    await page.keyboard.type('Thanks for waiting! /gree');
    const listbox = page.getByRole('listbox', { name: 'Saved replies' });
    await listbox.waitFor();
    expect(await listbox.getByRole('option').allTextContents()).toEqual([expect.stringContaining(`/${personalShortcut}`)]);
    // Filter again: the title matches too, and the shared reply is there for everyone.
    for (let i = 0; i < 'gree'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('ship');
    await listbox.getByRole('option', { name: new RegExp(`/${sharedShortcut}`) }).waitFor();
    await expectNoAxeViolations(page, { label: 'console: composer with the saved-reply picker open' });
    expect(await box.getAttribute('aria-activedescendant')).toBe(await listbox.getByRole('option').first().getAttribute('id'));
    await page.keyboard.press('Escape');
    await listbox.waitFor({ state: 'detached' });
    // Closed for that slash, whatever follows it; a new slash opens it again.
    await page.keyboard.press('Backspace');
    expect(await page.getByTestId('canned-picker').count()).toBe(0);
    for (let i = 0; i < '/shi'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('/gr');
    await listbox.waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const expected = 'Thanks for waiting! Hi Vera Canned, Bo Agent here. I will write to vera.canned@shop.test.';
    await until('the reply in the box', async () => (await box.inputValue()) === expected || undefined, 10_000);
    await page.keyboard.press('Enter');
    const got = await vera.waitForMessage((m) => m.authorType === 'agent');
    expect(got.body).toBe(expected);
    await page.locator('app-transcript .bubble').filter({ hasText: expected }).waitFor();
    expect(ada.problems.concat(bo.problems)).toEqual([]);
  });

  it('works a conversation without the mouse: open it, claim, reply, close, with the shortcuts listed under ?', async () => {
    const first = await Visitor.start('Kim Keys', 'kim.keys@shop.test');
    const second = await Visitor.start('Lou Keys', 'lou.keys@shop.test');
    visitors.push(first, second);
    await first.send('First question');
    await second.send('Second question');
    const { page } = bo;
    await page.goto('/queue');
    await page.getByTestId('thread-item').filter({ hasText: 'Lou Keys' }).waitFor();
    await page.locator('body').focus();

    // ? lists the shortcuts in a modal dialog; Escape closes it.
    await page.keyboard.press('Shift+Slash');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await help.getByRole('cell', { name: 'Claim the conversation' }).waitFor();
    await expectNoAxeViolations(page, { label: 'console: keyboard shortcuts dialog' });
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // k from no conversation opens the last (newest) one, k again the one before, j the next.
    const title = page.locator('#thread-title');
    await page.keyboard.press('k');
    await title.filter({ hasText: 'Lou Keys' }).waitFor();
    await page.keyboard.press('k');
    await title.filter({ hasText: 'Kim Keys' }).waitFor();
    await page.keyboard.press('j');
    await title.filter({ hasText: 'Lou Keys' }).waitFor();
    await page.waitForURL(new RegExp(`/queue/${second.thread.id}$`));

    // c claims; the reply box takes the focus, where c and the other letters are just text.
    await page.keyboard.press('c');
    await page.waitForURL(new RegExp(`/mine/${second.thread.id}$`));
    await waitForFocus(page, /^textarea#/);
    await page.keyboard.type('Happy to help, could you check the order number?');
    await page.keyboard.press('Enter');
    const reply = await second.waitForMessage((m) => m.authorType === 'agent');
    expect(reply.body).toBe('Happy to help, could you check the order number?');

    // Escape leaves the box; r comes back to it; Alt+/ opens the saved replies there.
    await page.keyboard.press('Escape');
    await until('the focus out of the reply box', async () => !/^textarea/.test(await focused(page)) || undefined, 10_000);
    await page.keyboard.press('r');
    await waitForFocus(page, /^textarea#/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Alt+Slash');
    await page.getByTestId('canned-picker').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Escape');

    // e asks to close, with the focus on the confirmation: Enter closes.
    await page.keyboard.press('e');
    await waitForFocus(page, /^button/);
    await page.keyboard.press('Enter');
    await until('the visitor to see the thread closed', () => second.threadUpdates.find((t) => t.id === second.thread.id && t.status === 'closed'), 10_000);
    await page.getByText('This conversation is closed.').waitFor();
    await expectNoAxeViolations(page, { label: 'console: a conversation closed from the keyboard' });

    // / outside a field goes to the search of closed conversations.
    await page.keyboard.press('Slash');
    await page.waitForURL(/\/closed/);
    await waitForFocus(page, /^input#history-search$/);
    expect(bo.problems).toEqual([]);
  });
});
