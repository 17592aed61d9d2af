/** A page's address as Parley keeps it: path and query; a fragment only when it is a hash route (`#/…`, `#!/…`). */
export const pageUrl = (href: string): string => href.replace(/#(?!!?\/).*$/, '');

/** How long after a navigation the page is read: most SPAs set the new title just after the address. */
export const SETTLE_MS = 400;

/**
 * Calls `report(url, title)` with the page the visitor is on now and again after each navigation of
 * the host page (an SPA's history.pushState/replaceState, back and forward, hash routes), once the
 * navigation settled, and only when the address or the title changed.
 */
export function watchPages(win: Window, report: (url: string, title: string) => void): void {
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const url = pageUrl(win.location.href);
    const title = win.document.title;
    if (url + '\n' + title === last) return;
    last = url + '\n' + title;
    report(url, title);
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(check, SETTLE_MS);
  };
  const h = win.history;
  for (const k of ['pushState', 'replaceState'] as const) {
    const f = h[k];
    // The page's own call (and any other wrapper's) goes through first and unchanged.
    h[k] = function (this: History, ...a: Parameters<History['pushState']>) {
      f.apply(this, a);
      later();
    };
  }
  win.addEventListener('popstate', later);
  win.addEventListener('hashchange', later);
  check();
}
