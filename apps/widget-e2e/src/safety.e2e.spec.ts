import { PROTOCOL } from '@parley/widget-protocol';
import { until } from '@parley/test-support';
import type { Frame } from 'playwright-core';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

describe('safety', () => {
  const s = stack();
  const suite = widgetSuite();

  const forged = (message: object) => ({ protocol: PROTOCOL, message });

  it('ignores postMessage forged by another origin, and by the host page itself', async () => {
    const me = visitor('Faye');
    const w = await Widget.open(suite.context, `${s.host}/?evil=${encodeURIComponent(s.blocked)}`);
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await w.frame.locator('.agent-name').waitFor(WAIT);

    const evil = await waitForFrame(w.page.frames.bind(w.page), `${s.blocked}/blank`);
    // A frame of another origin on the page posts protocol messages to the host page and to every
    // frame it can reach, and the original widget's message too.
    const reached = await evil.evaluate(
      ({ close, unread, request }) => {
        parent.postMessage(close, '*');
        parent.postMessage(unread, '*');
        parent.postMessage({ type: 'THREAD_ID_FROM_IFRAME', thread_id: 'x' }, '*');
        for (let i = 0; i < parent.frames.length; i++) parent.frames[i].postMessage(request, '*');
        return parent.frames.length;
      },
      {
        close: forged({ type: 'agent.message', author: 'Support', preview: 'Your account is locked: https://evil.example/login' }),
        unread: forged({ type: 'unread.count', count: 7 }),
        request: forged({ type: 'popup.visibility', open: false }),
      },
    );
    expect(reached).toBeGreaterThanOrEqual(1);
    // The host page's own script, pretending to be the iframe.
    await w.page.evaluate((hide) => window.postMessage(hide, '*'), forged({ type: 'popup.hide' }));

    // A real message after the forged ones: when it has shown, the forged ones were handled (and ignored).
    await w.closeButton.click(WAIT);
    await suite.agent.send(thread.id, 'One real message');
    await w.page.locator('parley-widget .n', { hasText: '1' }).waitFor(WAIT);
    // The preview is the real message's, never the forger's.
    expect(await w.preview.textContent()).toBe('AdaOne real message');
    await w.button.click(WAIT);
    await w.message('One real message').waitFor(WAIT);
    expect(await w.frame.locator('[role=alertdialog]').count()).toBe(0);
    expect((await suite.agent.thread(thread.id)).status).toBe('active');
  });

  it('keeps the visitor token inside the iframe', async () => {
    const me = visitor('Tess');
    const context2 = suite.context;
    await context2.addInitScript(() => {
      const seen: unknown[] = [];
      (window as unknown as { __seen: unknown[] }).__seen = seen;
      window.addEventListener('message', (e) => seen.push(e.data));
    });
    const w = await Widget.open(context2, `${s.host}/`);
    await w.startChat(me.name, me.email);
    await w.send('hello');
    await w.message('hello').locator('time').waitFor(WAIT);
    const frame = await waitForFrame(w.page.frames.bind(w.page), `${s.api}/widget/`);
    const token = await frame.evaluate(() => {
      let raw: string | null = null;
      try {
        raw = localStorage.getItem('parley.session');
      } catch {
        raw = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('parley.session='))?.slice('parley.session='.length) ?? '');
      }
      return (JSON.parse(raw ?? '{}') as { token?: string }).token ?? '';
    });
    expect(token.split('.')).toHaveLength(3);
    const host = await w.page.evaluate(() => ({
      messages: JSON.stringify((window as unknown as { __seen: unknown[] }).__seen),
      storage: JSON.stringify({ ...localStorage }),
      cookies: document.cookie,
    }));
    expect(host.messages).toContain('conversation.state');
    for (const place of Object.values(host)) expect(place).not.toContain(token);
  });

  it('gives a page on an origin that is not allowed no chat', async () => {
    const page = await suite.context.newPage();
    // The loader tells the page when it gives up (parley:unavailable): wait for that refusal itself.
    await page.addInitScript(() => {
      const w = window as unknown as { __unavailable: Promise<void> };
      w.__unavailable = new Promise<void>((resolve) => window.addEventListener('parley:unavailable', () => resolve(), { once: true }));
    });
    const refused = page.waitForEvent('requestfailed', { predicate: (r) => r.url() === `${s.api}/api/v1/widget/settings`, ...WAIT });
    await page.goto(`${s.blocked}/`, { waitUntil: 'load', ...WAIT });
    // The loader asked for the settings and the browser refused it the answer (no CORS header for this origin)...
    await refused;
    const res = await fetch(`${s.api}/api/v1/widget/settings`, { headers: { origin: s.blocked } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    // ...so it gave up and said so, drew nothing, and opens nothing when asked (open() is synchronous).
    await page.evaluate(() => (window as unknown as { __unavailable: Promise<void> }).__unavailable);
    await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
    expect(await page.locator('parley-widget').count()).toBe(0);
    expect(await page.locator('iframe').count()).toBe(0);
  });

  it('refuses to be framed by an origin that is not allowed (frame-ancestors), and lets the allowed site frame it', async () => {
    const blocked = await suite.context.newPage();
    // Chromium fails the frame's request and says why on the page's console: wait for the refusal
    // itself, not for a guessed time.
    const refusal = blocked.waitForEvent('console', { predicate: (m) => m.type() === 'error' && m.text().includes('"frame-ancestors '), ...WAIT });
    const failed = blocked.waitForEvent('requestfailed', { predicate: (r) => r.url().startsWith(`${s.api}/widget/`), ...WAIT });
    const answer = blocked.waitForResponse((r) => r.url().startsWith(`${s.api}/widget/`), WAIT);
    await blocked.goto(`${s.blocked}/frame-widget`, { waitUntil: 'load', ...WAIT });
    const csp = (await answer).headers()['content-security-policy'];
    expect(csp).toContain(`frame-ancestors 'self' `);
    expect(csp).toContain(s.host);
    expect(csp).not.toContain(s.blocked);
    expect((await refusal).text()).toContain(`Framing '${s.api}/' violates`);
    expect((await failed).failure()?.errorText).toBe('net::ERR_BLOCKED_BY_RESPONSE');
    expect(await blocked.frameLocator('#direct').locator('pw-root').count()).toBe(0);

    const allowed = await suite.context.newPage();
    await allowed.goto(`${s.host}/frame-widget`, { waitUntil: 'load', ...WAIT });
    await allowed.frameLocator('#direct').locator('#pw-name').waitFor(WAIT);
  });
});

function waitForFrame(frames: () => Frame[], urlStart: string): Promise<Frame> {
  return until(`a frame at ${urlStart}`, () => frames().find((x) => x.url().startsWith(urlStart)), WAIT.timeout, 100);
}
