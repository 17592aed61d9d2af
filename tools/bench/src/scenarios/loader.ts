import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumPath, launchChromium, waitForChromium } from '@parley/test-support';
import type { Browser } from 'playwright-core';
import { numList, num, str } from '../lib/args';
import { machineInfo, ROOT } from '../lib/proc';
import { fmt, table, writeResult } from '../lib/report';
import { createTarget, type Target } from '../targets';
import { type Context, targetOptions } from './common';

/**
 * loader: how long the widget loader's own scripts (widget.js) run on the demo host page, at 1x
 * and 4x CPU throttling, next to a fixed JS workload timed in the same page at the same throttle.
 *
 * The loader's time is summed from long animation frames: the browser reports the scripts that ran
 * in every frame longer than 50 ms (each script of 5 ms or more, by source URL). Loader work in a
 * frame that stays short is not reported, so the figure is the loader's share of long frames, which
 * is exactly what a visitor would feel as jank; 0 means it never took part in one.
 *
 * Absolute milliseconds move with how busy the machine is (by 3-4x from one day to the next), so
 * each load also times the probe, and the loader is reported as a ratio to it as well. This is a
 * figure, never a verdict: a median at 4x that alone makes a long task prints a WARNING, and the
 * command still exits 0.
 *
 * Options: --runs 7 (loads per throttle, each in a fresh browser context), --throttle 1,4,
 * --warmup 1 (loads not counted, for the server's and the browser's first-time costs),
 * --chromium /path/to/chromium (or CHROMIUM_PATH; Debian's /usr/bin/chromium by default).
 */

/** Over this a task (or frame) is "long", by the browser's definition. */
const LONG_MS = 50;

const PAGE_TIMEOUT_MS = 30_000;

/** What one load of the page gave. */
export interface LoadSample {
  throttle: number;
  /** Time in widget.js's scripts, summed over the long animation frames of the load. */
  loaderMs: number;
  /** Frames over 50 ms during the load, whoever ran in them. */
  longFrames: number;
  /** Long frames in which loader code ran. */
  longFramesWithLoader: number;
  /** Long frames with loader code that would not have been long without it. */
  madeLongByLoader: number;
  /** The longest frame with loader code in it (0 if none). */
  longestLoaderFrameMs: number;
  /** The loader's longest single entry point (one task's worth of its code; 0 if none). */
  longestLoaderScriptMs: number;
  /** When the page heard `parley:ready`, and its load event ended (ms since navigation). */
  readyAtMs: number;
  loadEventEndMs: number;
  /** The fixed workload's time, in this page at this throttle. */
  probeMs: number;
  /** loaderMs / probeMs. */
  ratio: number;
  /** What of widget.js ran in each long frame it took part in: where its time goes. */
  loaderFrames: { durationMs: number; scripts: LoaderScript[] }[];
}

export interface ThrottleSummary {
  throttle: number;
  runs: number;
  loaderMedianMs: number;
  loaderMaxMs: number;
  /** Median over the loads of the loader's longest single entry point. */
  longestScriptMedianMs: number;
  probeMedianMs: number;
  /** Median over the loads of each load's loader/probe: both taken in the same page moments apart. */
  ratioMedian: number;
  longFramesWithLoader: number;
  madeLongByLoader: number;
  readyAtMedianMs: number;
}

/** One entry point of widget.js in a long frame, as the browser names it (e.g. the script's evaluation, a promise callback). */
export interface LoaderScript {
  invoker: string;
  invokerType: string;
  ms: number;
  /** Style and layout the script forced, included in `ms`. */
  layoutMs: number;
}

/** The state the init script keeps on the page (read back by `readLoad`). */
interface PageProbe {
  loaderMs: number;
  frames: { duration: number; loaderMs: number; scripts: LoaderScript[] }[];
  readyAt: number | null;
  unavailable: boolean;
  flush: () => void;
}
type ProbeWindow = Window & { __parleyBench: PageProbe };

/**
 * Runs in the page before any of its own scripts. `buffered: true` also delivers the frames that
 * ended before the observer existed; `flush` takes what is still queued, so a read right after the
 * page settles misses nothing.
 */
function installProbe(): void {
  interface ScriptTiming {
    sourceURL: string;
    duration: number;
    invoker: string;
    invokerType: string;
    forcedStyleAndLayoutDuration: number;
  }
  const state: PageProbe = { loaderMs: 0, frames: [], readyAt: null, unavailable: false, flush: () => undefined };
  (window as unknown as ProbeWindow).__parleyBench = state;
  const take = (entries: PerformanceEntryList) => {
    for (const e of entries) {
      const scripts = (e as unknown as { scripts?: ScriptTiming[] }).scripts ?? [];
      const mine = scripts.filter((s) => s.sourceURL.endsWith('/widget.js'));
      const ms = mine.reduce((sum, s) => sum + s.duration, 0);
      state.loaderMs += ms;
      state.frames.push({
        duration: e.duration,
        loaderMs: ms,
        scripts: mine.map((s) => ({ invoker: s.invoker, invokerType: s.invokerType, ms: s.duration, layoutMs: s.forcedStyleAndLayoutDuration })),
      });
    }
  };
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    const observer = new PerformanceObserver((list) => take(list.getEntries()));
    observer.observe({ type: 'long-animation-frame', buffered: true });
    state.flush = () => take(observer.takeRecords());
  }
  window.addEventListener('parley:ready', () => (state.readyAt = performance.now()));
  window.addEventListener('parley:unavailable', () => (state.unavailable = true));
}

/**
 * Two frames, then an idle period: by then the frame that drew the button has ended and been
 * reported, and the loader has nothing left queued. The idle wait is bounded because a throttled,
 * busy page may not go idle soon.
 */
async function settleThenRead(): Promise<{ probe: Omit<PageProbe, 'flush'>; loadEventEnd: number; observes: boolean }> {
  await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  await new Promise<void>((resolve) => requestIdleCallback(() => resolve(), { timeout: 2000 }));
  const state = (window as unknown as ProbeWindow).__parleyBench;
  state.flush();
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const { flush: _flush, ...probe } = state;
  return { probe, loadEventEnd: nav.loadEventEnd, observes: PerformanceObserver.supportedEntryTypes.includes('long-animation-frame') };
}

/**
 * The CPU reference: a fixed, seeded workload of the kinds of work a script does on a page
 * (objects, strings, JSON, a sort), about 20-50 ms unthrottled. The checksum is returned so that
 * none of it can be optimised away, and is the same on every load (checked by the caller).
 */
function cpuProbe(): { ms: number; checksum: number } {
  const started = performance.now();
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const items: { id: number; name: string; tags: string[]; score: number }[] = [];
  for (let i = 0; i < 12_000; i++) {
    const r = next();
    items.push({ id: i, name: `item-${r.toString(36)}`, tags: [`t${r % 7}`, `t${r % 11}`], score: r % 1000 });
  }
  const copy = JSON.parse(JSON.stringify(items)) as typeof items;
  // A plain comparison, not localeCompare: collation would depend on the browser's ICU and locale.
  copy.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let checksum = 0;
  for (let i = 0; i < copy.length; i++) checksum = (Math.imul(checksum, 31) + copy[i].id + copy[i].name.length + copy[i].tags.join('').length) | 0;
  return { ms: performance.now() - started, checksum };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** One load of /demo in a fresh context at `throttle`, then the probe in the same page. */
async function loadOnce(browser: Browser, base: string, throttle: number): Promise<LoadSample & { checksum: number }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-GB', timezoneId: 'UTC' });
  try {
    await context.addInitScript(installProbe);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    // Set before navigating, so that the page's whole life runs at this rate.
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    await page.goto(`${base}/demo`, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    const state = await page.waitForFunction(
      () => {
        const p = (window as unknown as ProbeWindow).__parleyBench;
        return p.readyAt !== null || p.unavailable ? (p.unavailable ? 'unavailable' : 'ready') : false;
      },
      undefined,
      { timeout: PAGE_TIMEOUT_MS },
    );
    if ((await state.jsonValue()) === 'unavailable') throw new Error('the widget said parley:unavailable: is the demo page\'s origin allowed?');
    const { probe, loadEventEnd, observes } = await page.evaluate(settleThenRead);
    // Without the frame API every load would read 0 ms: a figure that looks good and means nothing.
    if (!observes) throw new Error('this Chromium does not report long-animation-frame entries');
    const { ms: probeMs, checksum } = await page.evaluate(cpuProbe);
    const withLoader = probe.frames.filter((f) => f.loaderMs > 0);
    return {
      throttle,
      loaderMs: round(probe.loaderMs),
      longFrames: probe.frames.filter((f) => f.duration > LONG_MS).length,
      longFramesWithLoader: withLoader.length,
      madeLongByLoader: withLoader.filter((f) => f.duration - f.loaderMs <= LONG_MS).length,
      longestLoaderFrameMs: round(Math.max(0, ...withLoader.map((f) => f.duration))),
      longestLoaderScriptMs: round(Math.max(0, ...withLoader.flatMap((f) => f.scripts.map((sc) => sc.ms)))),
      readyAtMs: round(probe.readyAt ?? NaN),
      loadEventEndMs: round(loadEventEnd),
      probeMs: round(probeMs),
      ratio: round(probe.loaderMs / probeMs, 3),
      loaderFrames: withLoader.map((f) => ({
        durationMs: round(f.duration),
        // The script's own evaluation is named by its URL: without the origin, whose port changes every run.
        scripts: f.scripts.map((sc) => ({ ...sc, invoker: sc.invoker.split(base).join(''), ms: round(sc.ms), layoutMs: round(sc.layoutMs) })),
      })),
      checksum,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

export function summarize(samples: LoadSample[], throttle: number): ThrottleSummary {
  const at = samples.filter((s) => s.throttle === throttle);
  return {
    throttle,
    runs: at.length,
    loaderMedianMs: round(median(at.map((s) => s.loaderMs))),
    loaderMaxMs: round(Math.max(...at.map((s) => s.loaderMs))),
    longestScriptMedianMs: round(median(at.map((s) => s.longestLoaderScriptMs))),
    probeMedianMs: round(median(at.map((s) => s.probeMs))),
    ratioMedian: round(median(at.map((s) => s.ratio)), 3),
    longFramesWithLoader: at.reduce((n, s) => n + s.longFramesWithLoader, 0),
    madeLongByLoader: at.reduce((n, s) => n + s.madeLongByLoader, 0),
    readyAtMedianMs: round(median(at.map((s) => s.readyAtMs))),
  };
}

export async function loader(ctx: Context): Promise<{ summary: ThrottleSummary[]; samples: LoadSample[] }> {
  const { args, log } = ctx;
  const runs = num(args, 'runs', 7);
  const throttles = numList(args, 'throttle', [1, 4]);
  const warmup = num(args, 'warmup', 1);
  // The browser the widget-e2e suite drives (test-support's CHROMIUM_ARGS), so that what is measured here is what the tests see.
  const executable = await waitForChromium({ file: str(args, 'chromium', chromiumPath()), log });
  const loadavgAtStart = os.loadavg().map((l) => round(l, 2));
  if (!existsSync(path.join(ROOT, 'dist/apps/widget-loader/widget.js'))) {
    throw new Error('dist/apps/widget-loader/widget.js is missing: run `npm run nx -- run widget-loader:build` first');
  }

  // The embedded database: the page only reads the widget's settings, PostgreSQL would add nothing.
  const target: Target = createTarget('parley', { ...targetOptions(ctx), embedded: true });
  let browser: Browser | undefined;
  let chromiumVersion = '';
  const samples: LoadSample[] = [];
  let checksum: number | undefined;
  try {
    await target.start();
    const base = target.urls[0];
    browser = await launchChromium({ executablePath: executable });
    chromiumVersion = browser.version();
    log(`Chromium ${chromiumVersion}; ${runs} loads of /demo per throttle (${throttles.map((t) => `${t}x`).join(', ')}), ${warmup} warm-up`);
    for (let i = 0; i < warmup; i++) await loadOnce(browser, base, throttles[0]);
    // Throttles take turns load by load, so that a machine getting busier or quieter during the
    // run moves all of them alike instead of one.
    for (let run = 1; run <= runs; run++) {
      for (const throttle of throttles) {
        const { checksum: sum, ...sample } = await loadOnce(browser, base, throttle);
        if (checksum !== undefined && sum !== checksum) throw new Error(`the CPU probe computed ${sum}, not ${checksum}: it must be deterministic`);
        checksum = sum;
        samples.push(sample);
        log(
          `run ${run} ${String(throttle).padStart(2)}x: loader ${fmt(sample.loaderMs)} ms in ${sample.longFramesWithLoader} long frame(s) ` +
            `(${sample.madeLongByLoader} made long by it), probe ${fmt(sample.probeMs)} ms, ratio ${sample.ratio}, ready at ${fmt(sample.readyAtMs)} ms`,
        );
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await target.stop().catch((err: Error) => log(`stopping Parley: ${err.message}`));
  }

  const summary = throttles.map((t) => summarize(samples, t));
  log(
    `\n${table(
      ['CPU', 'loads', 'loader median ms', 'loader max ms', 'longest entry (median) ms', 'probe median ms', 'loader/probe (median)', 'long frames with loader', 'made long by loader', 'ready at (median) ms'],
      summary.map((s) => [
        `${s.throttle}x`,
        s.runs,
        s.loaderMedianMs,
        s.loaderMaxMs,
        s.longestScriptMedianMs,
        s.probeMedianMs,
        s.ratioMedian.toFixed(3),
        s.longFramesWithLoader,
        s.madeLongByLoader,
        s.readyAtMedianMs,
      ]),
    )}\n`,
  );
  // Where the loader's time goes: its entry points (the script's evaluation, the settings answer's
  // callback, ...) as the browser names them, averaged over the loads.
  const byInvoker = throttles.flatMap((t) => {
    const at = samples.filter((sm) => sm.throttle === t);
    const total = new Map<string, number>();
    for (const sm of at) for (const f of sm.loaderFrames) for (const sc of f.scripts) total.set(sc.invoker, (total.get(sc.invoker) ?? 0) + sc.ms);
    return [...total].sort((x, y) => y[1] - x[1]).map(([invoker, ms]) => ({ throttle: t, invoker, meanMsPerLoad: round(ms / at.length) }));
  });
  if (byInvoker.length) log(`${table(['CPU', 'loader entry point (in long frames)', 'mean ms per load'], byInvoker.map((r) => [`${r.throttle}x`, r.invoker, r.meanMsPerLoad]))}\n`);
  const file = writeResult('loader', {
    scenario: 'loader',
    conditions: {
      at: new Date().toISOString(),
      machine: machineInfo(),
      loadavgAtStart,
      chromium: chromiumVersion,
      page: '/demo',
      server: 'Parley as built, embedded PGlite',
      pinning: { server: ctx.serverCpus[0], benchAndBrowser: ctx.generatorCpus },
    },
    settings: { runs, throttles, warmup, longMs: LONG_MS, probeChecksum: checksum },
    summary,
    byInvoker,
    samples,
  });
  log(`wrote ${path.relative(ROOT, file)}`);
  for (const s of summary) {
    if (s.throttle <= 4 && s.loaderMedianMs > LONG_MS) {
      log(
        `WARNING: at ${s.throttle}x CPU the loader's scripts ran a median ${fmt(s.loaderMedianMs)} ms per load (longest single entry ` +
          `${fmt(s.longestScriptMedianMs)} ms; probe ${fmt(s.probeMedianMs)} ms): more than a long task's ${LONG_MS} ms on their own`,
      );
    }
  }
  return { summary, samples };
}
