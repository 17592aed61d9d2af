import { pageUrl, SETTLE_MS, watchPages } from './pages';

describe('pageUrl', () => {
  it('keeps the path and query, drops a fragment, keeps a hash route', () => {
    expect(pageUrl('https://shop.example/a/b?x=1&y=2')).toBe('https://shop.example/a/b?x=1&y=2');
    expect(pageUrl('https://shop.example/a?x=1#section-2')).toBe('https://shop.example/a?x=1');
    expect(pageUrl('https://shop.example/#')).toBe('https://shop.example/');
    expect(pageUrl('https://shop.example/app#/orders/42')).toBe('https://shop.example/app#/orders/42');
    expect(pageUrl('https://shop.example/app#!/orders/42')).toBe('https://shop.example/app#!/orders/42');
  });
});

describe('watchPages', () => {
  const original = { push: history.pushState, replace: history.replaceState };
  let reports: [string, string][];

  beforeEach(() => {
    jest.useFakeTimers();
    history.replaceState(null, '', '/');
    document.title = 'Home';
    // Each test's own list: the listeners of earlier tests' watchers stay on the window.
    const mine: [string, string][] = [];
    reports = mine;
    watchPages(window, (url, title) => mine.push([url, title]));
  });
  afterEach(() => {
    history.pushState = original.push;
    history.replaceState = original.replace;
    history.replaceState(null, '', '/');
    jest.useRealTimers();
  });

  it('reports the page at once', () => {
    expect(reports).toEqual([['http://localhost/', 'Home']]);
  });

  it('reports a pushState navigation once it settled, with the title the SPA set after the address', () => {
    history.pushState({ page: 1 }, '', '/products?id=7');
    document.title = 'Loading';
    jest.advanceTimersByTime(SETTLE_MS / 2);
    document.title = 'Product 7';
    expect(reports).toHaveLength(1);
    jest.advanceTimersByTime(SETTLE_MS);
    expect(reports).toEqual([
      ['http://localhost/', 'Home'],
      ['http://localhost/products?id=7', 'Product 7'],
    ]);
    expect(history.state).toEqual({ page: 1 });
  });

  it('reports replaceState, back/forward (popstate) and hash routes', () => {
    history.replaceState(null, '', '/cart');
    jest.advanceTimersByTime(SETTLE_MS);
    window.dispatchEvent(new PopStateEvent('popstate'));
    jest.advanceTimersByTime(SETTLE_MS);
    history.replaceState(null, '', '/#/account');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    jest.advanceTimersByTime(SETTLE_MS);
    expect(reports.map(([url]) => url)).toEqual(['http://localhost/', 'http://localhost/cart', 'http://localhost/#/account']);
  });

  it('reports a burst of navigations once, and nothing when neither address nor title changed', () => {
    for (let i = 0; i < 5; i += 1) history.pushState(null, '', `/step/${i}`);
    jest.advanceTimersByTime(SETTLE_MS);
    expect(reports.map(([url]) => url)).toEqual(['http://localhost/', 'http://localhost/step/4']);
    history.replaceState(null, '', '/step/4#reviews');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    history.replaceState({ scroll: 300 }, '');
    jest.advanceTimersByTime(SETTLE_MS);
    expect(reports).toHaveLength(2);
    document.title = 'Step 4 of 5';
    history.replaceState(null, '');
    jest.advanceTimersByTime(SETTLE_MS);
    expect(reports.at(-1)).toEqual(['http://localhost/step/4', 'Step 4 of 5']);
  });
});
