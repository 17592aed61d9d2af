import path from 'node:path';
import { launchChromium, until, waitForChromium, WORKSPACE_ROOT } from '@parley/test-support';
import type { Browser, BrowserContext, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { stack } from './state';

/** Short enough to fail fast, long enough for a loaded CI machine. */
export const WAIT = { timeout: 15_000 } as const;

export async function launch(): Promise<Browser> {
  return launchChromium({ executablePath: await waitForChromium() });
}

/** A visitor's browser profile: storage starts empty, and dies with the context. `phone`: a 390x844 touch screen; `locale`: the browser's language. */
export function visitorContext(browser: Browser, { phone = false, locale = 'en-GB' }: { phone?: boolean; locale?: string } = {}): Promise<BrowserContext> {
  const screen = phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : { viewport: { width: 1100, height: 760 } };
  return browser.newContext({ ...screen, locale, timezoneId: 'UTC', reducedMotion: 'no-preference' });
}

/** The widget on a page, as a visitor sees it: the loader's shadow DOM, then the iframe's document. */
export class Widget {
  /** Uncaught errors and CSP violations on the page or in the widget's iframe. */
  readonly problems: string[] = [];

  constructor(readonly page: Page) {
    page.on('pageerror', (err) => this.problems.push(`uncaught: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Uncaught/i.test(m.text())) this.problems.push(m.text());
    });
  }

  /**
   * axe-core rules about a whole page (one main landmark, a level-one heading, all content in
   * landmarks): the host page's business. axe itself applies them only to the top document when it
   * walks into frames, so a check of the widget's frame on its own leaves them out.
   */
  static readonly FRAME_PAGE_RULES = ['landmark-one-main', 'page-has-heading-one', 'region'];

  /** The widget's iframe as a frame, for what needs the frame itself (an axe-core run). */
  async iframe(): Promise<Frame> {
    const frame = await (await this.page.locator('parley-widget iframe').elementHandle(WAIT))?.contentFrame();
    if (!frame) throw new Error('the widget has no iframe');
    return frame;
  }

  static async open(context: BrowserContext, url: string): Promise<Widget> {
    const widget = new Widget(await context.newPage());
    await widget.page.goto(url, { waitUntil: 'load', ...WAIT });
    return widget;
  }

  get button(): Locator {
    return this.page.locator('parley-widget .b');
  }
  get badge(): Locator {
    return this.page.locator('parley-widget .b .n');
  }
  get popup(): Locator {
    return this.page.locator('parley-widget .p');
  }
  get title(): Locator {
    return this.page.locator('parley-widget .h span');
  }
  get introLines(): Locator {
    return this.page.locator('parley-widget .i div > span > span:last-child');
  }
  /** The header's ✖: hides the popup, the conversation goes on. */
  get closeButton(): Locator {
    return this.page.locator('parley-widget .h .x');
  }
  /** The preview bubble above the button, while the popup is hidden. */
  get preview(): Locator {
    return this.page.locator('parley-widget .v');
  }
  get frame(): FrameLocator {
    return this.page.frameLocator('parley-widget iframe');
  }
  /** The transcript's scrolling pane. */
  get scroller(): Locator {
    return this.frame.locator('.scroll');
  }
  /** Waits until the pane is scrolled to its end: its last message fully inside it. */
  async showsTheEnd(what: string): Promise<void> {
    await until(`${what}: the transcript scrolled to its end`, () =>
      this.scroller.evaluate((pane) => {
        const last = [...pane.querySelectorAll('.log li')].pop();
        if (!last) return false;
        const box = pane.getBoundingClientRect();
        const item = last.getBoundingClientRect();
        return pane.clientHeight > 0 && pane.scrollHeight - pane.scrollTop - pane.clientHeight < 2 && item.top >= box.top && item.bottom <= box.bottom;
      }),
      WAIT.timeout,
      100,
    );
  }
  /** Scrolls the transcript to its top, as a reader going back would; resolves once the pane's scroll listeners ran. */
  async scrollToTop(): Promise<void> {
    await this.scroller.evaluate(
      (pane) =>
        new Promise<void>((resolve) => {
          if (pane.scrollTop === 0) throw new Error('the transcript is already at its top');
          pane.addEventListener('scroll', () => resolve(), { once: true });
          pane.scrollTo({ top: 0 });
        }),
    );
  }
  /** Texts of the transcript's message bodies, stored and on their way, in order. */
  async bodies(): Promise<string[]> {
    return this.frame.locator('.log li.msg .body').allTextContents();
  }
  message(text: string): Locator {
    return this.frame.locator('.log li.msg').filter({ has: this.frame.locator('.body', { hasText: text }) });
  }

  async startChat(name: string, email: string): Promise<void> {
    try {
      await this.button.click(WAIT);
      await this.frame.locator('#pw-name').fill(name, WAIT);
      await this.frame.locator('#pw-email').fill(email, WAIT);
      await this.frame.locator('button[type=submit]').click(WAIT);
      await this.frame.locator('.status.waiting').waitFor(WAIT);
    } catch (err) {
      await this.page.screenshot({ path: path.join(WORKSPACE_ROOT, `tmp/widget-e2e/failed-start-${Date.now()}.png`) }).catch(() => undefined);
      throw err;
    }
  }

  async send(text: string): Promise<void> {
    const box = this.frame.locator('#pw-message');
    await box.fill(text, WAIT);
    await box.press('Enter', WAIT);
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: path.join(stack().screenshots, name), animations: 'disabled' });
  }
}

let n = 0;
/** A visitor nobody else in the run uses. */
export function visitor(name = 'Vera'): { name: string; email: string } {
  return { name, email: `${name.toLowerCase()}.${process.pid}.${Date.now()}.${++n}@example.com` };
}
