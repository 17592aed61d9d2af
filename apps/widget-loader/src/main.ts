import { type ParleySettings, readConfig } from './config';
import { type ParleyApi, ParleyWidget } from './loader';

declare global {
  interface Window {
    Parley?: ParleyApi;
    ParleySettings?: ParleySettings;
  }
}

/**
 * widget.js: `<script src="https://<parley>/widget.js" async></script>`. It defines `window.Parley`
 * and nothing else, does no work on the page's critical path (the button is drawn once the page
 * has loaded and the browser is idle), and never lets an error of its own reach the page.
 */
(() => {
  try {
    const w = window;
    if (w.Parley) return; // included twice
    const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
    const config = readConfig(script, w.ParleySettings, location.href);
    if (!config) return;
    const widget = new ParleyWidget(config, w);
    w.Parley = widget.api;
    const start = () => void widget.start().catch(() => undefined);
    const whenIdle = () => (w.requestIdleCallback ? w.requestIdleCallback(start, { timeout: 2000 }) : setTimeout(start, 50));
    if (document.readyState === 'complete') whenIdle();
    else w.addEventListener('load', whenIdle, { once: true });
  } catch {
    // Never break the host page.
  }
})();
