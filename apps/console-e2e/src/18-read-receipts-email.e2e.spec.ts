import { randomBytes } from 'node:crypto';
import { expectNoAxeViolations } from '@parley/test-support';
import { login, ok } from './support/api';
import { signedInBrowser } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

describe('read receipts in a conversation', () => {
  const admin = signedInBrowser(ADMIN);
  let visitor: Visitor | undefined;

  afterAll(() => visitor?.close());

  it('shows "Seen" under the last message the visitor has read, moving as the visitor reads on', async () => {
    const token = (await login(ADMIN.email, ADMIN.password)).token;
    const name = `Rhea Reader ${randomBytes(3).toString('hex')}`;
    visitor = await Visitor.start(name, `rhea.${randomBytes(4).toString('hex')}@readers.test`);
    await visitor.send('Is my parcel on its way?');
    await ok('post /threads/{id}/claim', { params: { id: visitor.thread.id }, token });
    const first = await ok('post /threads/{id}/messages', { params: { id: visitor.thread.id }, token, body: { clientMsgId: `c-${randomBytes(4).toString('hex')}`, body: 'It left this morning.' } });
    const second = await ok('post /threads/{id}/messages', { params: { id: visitor.thread.id }, token, body: { clientMsgId: `c-${randomBytes(4).toString('hex')}`, body: 'Tracking follows by email.' } });

    const page = admin.page();
    await page.getByRole('link', { name: 'My threads' }).click();
    await page.getByText(name).first().click();
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const message = (seq: number) => page.locator(`[data-testid="message"][data-seq="${seq}"]`);
    await message(second.seq).waitFor();
    expect(await page.getByTestId('seen').count()).toBe(0);

    // Read on another device up to the first reply: "Seen" under it, live.
    await visitor.read(first.seq);
    await message(first.seq).getByTestId('seen').waitFor();
    expect(await page.getByTestId('seen').count()).toBe(1);
    await expectNoAxeViolations(page, { label: 'console: a conversation with a read receipt' });

    await visitor.read(second.seq);
    await message(second.seq).getByTestId('seen').waitFor();
    expect(await page.getByTestId('seen').count()).toBe(1);

    // A reload reads the mark from the thread itself.
    await page.reload();
    await message(second.seq).getByTestId('seen').waitFor();
  });
});

describe('Admin → Email', () => {
  const admin = signedInBrowser(ADMIN);

  it('says that mail is off and why, while SMTP_URL is not set', async () => {
    const page = admin.page();
    await page.getByRole('link', { name: 'Email' }).click();
    await page.getByRole('heading', { name: 'Email', level: 1 }).waitFor();
    const status = page.getByTestId('email-status');
    await status.waitFor();
    expect(await status.textContent()).toContain('SMTP_URL is not set');
    await expectNoAxeViolations(page, { label: 'console: admin email page' });
  });
});
