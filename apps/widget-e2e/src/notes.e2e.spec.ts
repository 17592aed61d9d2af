import { randomBytes } from 'node:crypto';
import { createRestClient } from '@parley/rest-client';
import { expectNoAxeViolations, until } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { launch, visitor, WAIT, Widget } from './support/browser';
import { consoleAgent } from './support/console';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/**
 * Private notes: an agent writes a note mentioning a colleague in the console; the colleague is
 * told (chime, Mentions badge and list) and the visitor's widget never shows the note.
 */
describe('private notes with mentions', () => {
  const s = stack();
  const suite = widgetSuite();
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a note with a mention notifies the mentioned agent and never appears in the visitor\'s widget', async () => {
    const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const kaiContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const miaContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const me = visitor('Nora');
      const w = await Widget.open(visitorContext, `${s.host}/`);
      await w.startChat(me.name, me.email);
      await w.send('My parcel arrived damaged.');
      const thread = await suite.agent.threadOf(me.email);

      const miaName = `Mia${randomBytes(3).toString('hex')}`;
      const mia = await consoleAgent(miaContext, miaName, 'notes');
      const kai = await consoleAgent(kaiContext, 'Kai', 'notes');
      await createRestClient({ origin: s.api, token: () => kai.token })('post /threads/{id}/claim', { params: { id: thread.id }, body: {} });
      await kai.page.goto(`${s.api}/mine/${thread.id}`, WAIT);
      await kai.page.getByTestId('message').filter({ hasText: 'My parcel arrived damaged.' }).waitFor(WAIT);
      expect(await mia.page.locator('[data-sound-state]').getAttribute('data-sound-state')).toBe('unused');

      // Note mode: the Note button (N from outside the box does the same); the box says it is private.
      await kai.page.getByTestId('note-toggle').click(WAIT);
      expect(await kai.page.getByTestId('note-toggle').getAttribute('aria-pressed')).toBe('true');
      await kai.page.getByTestId('note-banner').waitFor(WAIT);
      const noteText = `@${miaName.toLowerCase()} could you approve a refund? Internal only`;
      const box = kai.page.getByLabel('Private note, only agents see it');
      await box.fill(noteText, WAIT);
      await box.press('Enter', WAIT);
      const note = kai.page.getByTestId('note').filter({ hasText: 'approve a refund' });
      await note.waitFor(WAIT);
      expect(await note.textContent()).toContain('Private note');
      await expectNoAxeViolations(kai.page, { label: 'the console thread view with a private note in note mode' });

      // Mia is told: the Mentions badge, a toast, the chime (the sound context started), and the list.
      await mia.page.getByTestId('mentions-unread').filter({ hasText: '1' }).waitFor(WAIT);
      await until('the chime played', async () => (await mia.page.locator('[data-sound-state]').getAttribute('data-sound-state')) !== 'unused', WAIT.timeout, 100);
      await mia.page.getByRole('link', { name: /Mentions/ }).click(WAIT);
      const item = mia.page.getByTestId('mention').filter({ hasText: 'approve a refund' });
      await item.waitFor(WAIT);
      expect(await item.textContent()).toContain(me.name);
      await expectNoAxeViolations(mia.page, { label: 'the console Mentions page' });
      await item.getByRole('button', { name: 'Mark read' }).click(WAIT);
      await mia.page.getByTestId('mentions-unread').waitFor({ state: 'detached', timeout: WAIT.timeout });
      // From the list to the conversation: Mia, not its agent, sees the note there too.
      await item.getByRole('link', { name: 'Open the conversation' }).click(WAIT);
      await mia.page.getByTestId('note').filter({ hasText: 'approve a refund' }).waitFor(WAIT);

      // Back to a reply: the visitor gets it, and never the note.
      await kai.page.getByTestId('note-toggle').click(WAIT);
      const reply = kai.page.getByLabel(`Reply to ${me.name}`);
      await reply.fill('Sorry about that! A new one is on its way.', WAIT);
      await reply.press('Enter', WAIT);
      await w.message('A new one is on its way.').waitFor(WAIT);
      const frameText = await (await w.iframe()).locator('body').textContent();
      expect(frameText).not.toContain('approve a refund');
      expect(frameText).not.toContain('Private note');
      expect((await w.bodies()).some((b) => b.includes('refund'))).toBe(false);
      expect(kai.problems).toEqual([]);
      expect(mia.problems).toEqual([]);
      expect(w.problems).toEqual([]);
    } finally {
      await visitorContext.close();
      await kaiContext.close();
      await miaContext.close();
    }
  });
});
