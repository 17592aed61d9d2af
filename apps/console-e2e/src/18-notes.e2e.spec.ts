import { randomBytes } from 'node:crypto';
import { expectNoAxeViolations } from '@parley/test-support';
import { ensureAgent, login, ok } from './support/api';
import { signedInBrowser, UI_MS } from './support/browser';
import { ADMIN, AGENT_BO } from './support/state';
import { Visitor } from './support/visitor';

/** Private notes from the keyboard on a conversation the agent does not reply in, with a mention. */
describe('private notes', () => {
  const ada = signedInBrowser(ADMIN);
  const mark = randomBytes(3).toString('hex');
  let visitor: Visitor;
  let adminToken: string;

  beforeAll(async () => {
    adminToken = (await login(ADMIN.email, ADMIN.password)).token;
    await ensureAgent(adminToken, AGENT_BO);
    visitor = await Visitor.start('Nell Noted', `nell.${mark}@notes.test`);
    await visitor.send(`Is my order ${mark} shipped?`);
  });
  afterAll(() => visitor?.close());

  it('N opens the note box on a waiting conversation; the note shows as private, mentions Bo, and the visitor never gets it', async () => {
    const page = ada.page();
    await page.goto(`/queue/${visitor.thread.id}`);
    await page.getByTestId('message').filter({ hasText: `order ${mark}` }).waitFor({ timeout: UI_MS });
    await page.locator('body').press('n');
    const box = page.getByLabel('Private note, only agents see it');
    await box.waitFor({ timeout: UI_MS });
    await box.fill(`@${AGENT_BO.name} please check the warehouse for ${mark}`);
    await box.press('Enter');
    const note = page.getByTestId('note').filter({ hasText: `warehouse for ${mark}` });
    await note.waitFor({ timeout: UI_MS });
    expect(await note.textContent()).toContain('Private note');
    await expectNoAxeViolations(page, { label: 'console: a private note on a waiting conversation' });

    const bo = await login(AGENT_BO.email, AGENT_BO.password);
    const mentions = await ok('get /mentions', { token: bo.token, query: {} });
    expect(mentions.find((m) => m.note.body.includes(`warehouse for ${mark}`))).toMatchObject({ threadId: visitor.thread.id, readAt: null });
    // The thread is still waiting, its messages untouched: the visitor's socket got only its own message.
    const messages = await ok('get /threads/{id}/messages', { token: adminToken, params: { id: visitor.thread.id }, query: {} });
    expect(messages.items.some((m) => m.body.includes('warehouse'))).toBe(false);
    expect(visitor.received.some((m) => m.body.includes('warehouse'))).toBe(false);
  });
});
