import { randomBytes } from 'node:crypto';
import { createRestClient } from '@parley/rest-client';
import { SignJWT } from 'jose';
import { visitorContext, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** A site whose users are signed in: its backend signs who they are, the widget knows them on every device. */
describe('identity verification', () => {
  const s = stack();
  const suite = widgetSuite();
  const admin = createRestClient({ origin: s.api, token: () => s.admin.token, timeoutMs: WAIT.timeout });
  let secret: string;

  /** What the site's backend does for a signed-in user: an identity token, HS256 with the secret the admin generated. */
  const sign = (claims: { sub: string; name: string; email: string }) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(secret));

  const setIdentityRequired = async (identityRequired: boolean) => {
    const { title, greetingLines, color, allowedOrigins } = await admin('get /widget/settings/admin');
    await admin('put /widget/settings', { body: { title, greetingLines, color, allowedOrigins, identityRequired } });
  };

  beforeAll(async () => {
    secret = (await admin('post /widget/identity-secrets')).secret;
  });

  it('gives a signed-in user the same conversation in two browsers, without the form', async () => {
    const sub = `user-${randomBytes(4).toString('hex')}`;
    const user = { sub, name: 'Sam Signed', email: `${sub}@customer.test` };

    const laptop = await Widget.open(suite.context, `${s.host}/?identity=${await sign(user)}`);
    await laptop.button.click(WAIT);
    // Known at once: greeted by name, no form to fill in, no details to change.
    await laptop.frame.locator('h1', { hasText: 'Hi, Sam Signed!' }).waitFor(WAIT);
    expect(await laptop.frame.locator('#pw-name').count()).toBe(0);
    expect(await laptop.frame.locator('button', { hasText: 'Change details' }).count()).toBe(0);
    // The token left the widget's address as soon as it was read.
    expect(laptop.page.frames().find((f) => f.url().includes('/widget/'))?.url()).not.toContain('identity');
    await laptop.frame.locator('button', { hasText: 'Start a new conversation' }).click(WAIT);
    await laptop.frame.locator('.status.waiting').waitFor(WAIT);
    await laptop.send('Hello from my laptop');
    await laptop.message('Hello from my laptop').locator('time').waitFor(WAIT);
    const thread = await suite.agent.threadOf(user.email);
    expect(thread.visitor.name).toBe('Sam Signed');

    // Another browser (no shared storage), a token the site signed for this page load.
    const browser = suite.context.browser();
    if (!browser) throw new Error('the suite has no browser');
    const phoneContext = await visitorContext(browser);
    try {
      const phone = await Widget.open(phoneContext, `${s.host}/?identity=${await sign(user)}`);
      await phone.button.click(WAIT);
      await phone.message('Hello from my laptop').waitFor(WAIT);
      expect(await phone.frame.locator('#pw-name').count()).toBe(0);
      // One conversation: what is written on the phone shows on the laptop.
      await phone.send('And now from my phone');
      await laptop.message('And now from my phone').waitFor(WAIT);
      expect(await laptop.bodies()).toEqual(['Hello from my laptop', 'And now from my phone']);
      expect((await suite.agent.messages(thread.id)).filter((m) => m.authorType === 'visitor').map((m) => m.body)).toEqual(['Hello from my laptop', 'And now from my phone']);
      expect([...laptop.problems, ...phone.problems]).toEqual([]);
    } finally {
      await phoneContext.close();
    }
  });

  it('when the site requires identified visitors, says so instead of showing the form to an anonymous one', async () => {
    await setIdentityRequired(true);
    try {
      const anonymous = await Widget.open(suite.context, `${s.host}/`);
      await anonymous.button.click(WAIT);
      await anonymous.frame.locator('[role=alert]', { hasText: "This chat is for the site's signed-in customers" }).waitFor(WAIT);
      expect(await anonymous.frame.locator('#pw-name').count()).toBe(0);

      // A token signed with another secret is refused the same way.
      const forged = await new SignJWT({ sub: 'intruder' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('not-the-site-secret-0123456789abcdef'));
      const intruder = await Widget.open(suite.context, `${s.host}/?identity=${forged}`);
      await intruder.button.click(WAIT);
      await intruder.frame.locator('[role=alert]', { hasText: "This chat is for the site's signed-in customers" }).waitFor(WAIT);
    } finally {
      await setIdentityRequired(false);
    }
  });
});
