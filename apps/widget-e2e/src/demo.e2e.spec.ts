import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WORKSPACE_ROOT } from '@parley/test-support';
import { visitor, WAIT, Widget } from './support/browser';
import { stack } from './support/state';
import { widgetSuite } from './support/suite';

/** What the page saw while it loaded, recorded by a script that runs before any of the page's own. */
interface LoadProbe {
  /** At the host page's load event: had the loader drawn anything, or asked Parley for anything? */
  atLoad: { drawn: boolean; parleyRequests: string[] } | null;
  readyAt: number | null;
  loadEventEnd: number;
  settingsRequestedAt: number | null;
  /** Every <script> element added to the document after the HTML parser's own. */
  addedScripts: string[];
  parserScripts: { src: string; async: boolean; defer: boolean }[];
}

/**
 * The demo host page the start command serves at /demo (same origin as Parley). How long the
 * loader's own work takes is a figure, not a verdict: `npm run nx -- run bench:loader` measures it
 * (docs/widget.md); these tests check what holds on any machine, however busy.
 */
describe('the demo page', () => {
  const s = stack();
  const suite = widgetSuite();

  it('keeps the loader off the page\'s critical path: nothing before the load event, no script added, within its byte budget', async () => {
    await suite.context.addInitScript((parley: string) => {
      const w = window as unknown as { __probe: Omit<LoadProbe, 'loadEventEnd'> };
      w.__probe = { atLoad: null, readyAt: null, settingsRequestedAt: null, addedScripts: [], parserScripts: [] };
      let parsing = true;
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes) if (n instanceof HTMLScriptElement && !parsing) w.__probe.addedScripts.push(n.src || n.textContent || '');
      }).observe(document, { childList: true, subtree: true });
      document.addEventListener('DOMContentLoaded', () => {
        parsing = false;
        w.__probe.parserScripts = [...document.scripts].map((sc) => ({ src: sc.src, async: sc.async, defer: sc.defer }));
      });
      // Registered before widget.js runs, so this listener sees the page as it is when load fires.
      window.addEventListener('load', () => {
        const parleyRequests = performance
          .getEntriesByType('resource')
          .map((r) => r.name)
          .filter((u) => u.startsWith(parley) && !u.endsWith('/widget.js') && !u.startsWith(`${parley}/demo`));
        w.__probe.atLoad = { drawn: document.querySelector('parley-widget') !== null, parleyRequests };
      });
      window.addEventListener('parley:ready', () => {
        w.__probe.readyAt = performance.now();
        const settings = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/api/v1/widget/settings'));
        w.__probe.settingsRequestedAt = settings?.startTime ?? null;
      });
    }, s.api);
    const page = await suite.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const loader = page.waitForResponse((r) => r.url() === `${s.api}/widget.js`, WAIT);
    await page.goto(`${s.api}/demo`, { waitUntil: 'load', ...WAIT });
    const served = await (await loader).body();
    await page.locator('parley-widget .b').waitFor(WAIT);
    const probe = await page.evaluate((): LoadProbe => {
      const p = (window as unknown as { __probe: Omit<LoadProbe, 'loadEventEnd'> }).__probe;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { ...p, loadEventEnd: nav.loadEventEnd };
    });

    // Nothing drawn and nothing asked of Parley until the host page has loaded...
    expect(probe.atLoad).toEqual({ drawn: false, parleyRequests: [] });
    expect(probe.settingsRequestedAt).not.toBeNull();
    expect(probe.settingsRequestedAt ?? 0).toBeGreaterThanOrEqual(probe.loadEventEnd);
    // ...and the button is drawn after it.
    expect(probe.readyAt ?? 0).toBeGreaterThanOrEqual(probe.loadEventEnd);
    // The page's only Parley script is the async tag; the loader adds no <script> of its own.
    expect(probe.parserScripts.filter((sc) => sc.src.startsWith(s.api))).toEqual([{ src: `${s.api}/widget.js`, async: true, defer: false }]);
    expect(probe.addedScripts).toEqual([]);
    // What is served is the file the build checked against its gzip budget (tools/scripts/widget-budgets.mjs).
    const budget = JSON.parse(readFileSync(path.join(WORKSPACE_ROOT, 'dist/widget-budgets/loader.json'), 'utf8')) as { budget: number; gzip: number };
    expect(gzipSync(served).length).toBe(budget.gzip);
    expect(budget.gzip).toBeLessThanOrEqual(budget.budget);
    // The chat app (the iframe) loads only when the visitor first opens the popup.
    const appRequests = () => requests.filter((u) => u.startsWith(`${s.api}/widget/`));
    expect(appRequests()).toEqual([]);
    expect(await page.locator('parley-widget iframe').count()).toBe(0);
    const appLoaded = page.waitForRequest((r) => r.url().startsWith(`${s.api}/widget/`), WAIT);
    await page.locator('parley-widget .b').click(WAIT);
    await appLoaded;
    await page.locator('parley-widget iframe').waitFor({ state: 'attached', ...WAIT });
  });

  it('lets a visitor chat from /demo, and keeps the conversation in first-party storage across a reload', async () => {
    const me = visitor('Dora');
    const w = await Widget.open(suite.context, `${s.api}/demo`);
    expect(new URL(w.page.url()).pathname).toBe('/demo/');
    await w.startChat(me.name, me.email);
    const thread = await suite.agent.threadOf(me.email);
    await suite.agent.claim(thread.id);
    await w.send('Hi from the demo page');
    await w.message('Hi from the demo page').locator('time').waitFor(WAIT);
    const frame = w.page.frames().find((f) => f.url().startsWith(`${s.api}/widget/`));
    expect(await frame?.evaluate(() => localStorage.getItem('parley.thread'))).toBe(thread.id);

    await w.page.reload({ waitUntil: 'load' });
    await w.message('Hi from the demo page').waitFor(WAIT);
    expect(await w.frame.locator('.agent-name').textContent()).toBe('Ada');
    expect(w.problems).toEqual([]);
  });
});
