import type { Browser } from 'playwright-core';
import { login, ok } from './support/api';
import { type AgentPage, launch, openAgentPage } from './support/browser';
import { ADMIN } from './support/state';
import { Visitor } from './support/visitor';

describe('the chime under a browser that blocks sound', () => {
  let browser: Browser;
  let ada: AgentPage;
  let adaToken: string;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    adaToken = (await login(ADMIN.email, ADMIN.password)).token;
    browser = await launch();
    ada = await openAgentPage(browser);
    // Desktop Chrome gives no sound to a page nobody has clicked or typed in yet. Under Playwright
    // every page counts as activated (its evaluations run as user gestures), so neither Chromium's
    // --autoplay-policy flag nor navigator.userActivation can show it: the page gets that policy
    // here, counting only real (trusted) pointer and key input as someone interacting with it.
    await ada.context.addInitScript(() => {
      let interacted = false;
      for (const type of ['pointerdown', 'keydown']) {
        window.addEventListener(type, (e) => (interacted ||= e.isTrusted), { capture: true });
      }
      const Real = window.AudioContext;
      window.AudioContext = class extends Real {
        constructor(options?: AudioContextOptions) {
          super(options);
          if (!interacted) void super.suspend();
        }
        override resume(): Promise<void> {
          return interacted ? super.resume() : new Promise<void>(() => undefined);
        }
      };
    });
  });

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
  });

  it('says the chime was blocked and enables it in one click', async () => {
    const { page } = ada;
    // Signed in without a click or a key press in the page: nobody has interacted with it.
    await page.goto('/login');
    await page.evaluate((token) => sessionStorage.setItem('parley.console.token', token), adaToken);
    await page.goto('/queue');
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const notice = page.getByTestId('sound-blocked');
    expect(await notice.count()).toBe(0);

    const first = await Visitor.start('Sonia Silent', 'sonia@shop.test');
    visitors.push(first);
    await page.getByTestId('thread-item').filter({ hasText: 'Sonia Silent' }).waitFor();
    await notice.filter({ hasText: 'Your browser blocked the notification sound' }).waitFor();
    await notice.getByRole('button', { name: 'Enable sound' }).click();
    await notice.waitFor({ state: 'detached' });

    // The next chime plays: no notice comes back.
    const second = await Visitor.start('Sam Sound', 'sam@shop.test');
    visitors.push(second);
    await page.getByTestId('thread-item').filter({ hasText: 'Sam Sound' }).waitFor();
    expect(await page.evaluate(() => document.querySelector('[data-sound-state]')?.getAttribute('data-sound-state'))).toBe('running');
    expect(await notice.count()).toBe(0);

    for (const v of visitors) await ok('post /threads/{id}/close', { params: { id: v.thread.id }, token: adaToken });
  });

  it('ran without script errors or CSP violations', () => {
    expect(ada.problems).toEqual([]);
  });
});
