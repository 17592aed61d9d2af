import { envelope, FrameMessage, type FrameToHost, HostMessage, PROTOCOL } from '@parley/widget-protocol';
import { textColor, toLook } from './look';
import { ParleyWidget, STATE_KEY } from './loader';
import { SETTLE_MS } from './pages';

const PARLEY = 'http://127.0.0.1:3000';
const SETTINGS = { title: 'Ask <b>EVA</b>', greetingLines: ["Hi, I'm EVA.", 'Tell us who you are.'], color: '#0b7a75', allowedOrigins: [], updatedAt: '2026-01-01T00:00:00Z' };

const okFetch = (body: unknown = SETTINGS) => jest.fn().mockResolvedValue({ ok: true, json: async () => body }) as unknown as typeof fetch;

/** The value, or a failed test naming what was missing. */
function must<T>(value: T | null | undefined, what = 'element'): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

function parts() {
  const host = document.querySelector('parley-widget');
  const root = host?.shadowRoot;
  return {
    host,
    root,
    button: root?.querySelector<HTMLButtonElement>('.b'),
    badge: root?.querySelector<HTMLElement>('.n'),
    popup: root?.querySelector<HTMLElement>('.p'),
    iframe: root?.querySelector('iframe'),
    title: root?.querySelector('.h span'),
    close: root?.querySelector<HTMLButtonElement>('.x'),
    lines: [...(root?.querySelectorAll('.i div > span > span:last-child') ?? [])].map((s) => s.textContent),
  };
}

/** A message as the iframe would post it (origin and source can be forged to test the checks). */
function fromFrame(message: FrameToHost | object, opts: { origin?: string; source?: Window | null } = {}): void {
  const source = opts.source === undefined ? must(parts().iframe, 'iframe').contentWindow : opts.source;
  window.dispatchEvent(new MessageEvent('message', { data: { protocol: PROTOCOL, message }, origin: opts.origin ?? PARLEY, source }));
}

/**
 * jsdom gives an iframe inside a shadow root no window: lend it the window of a plain iframe, so
 * that `event.source` and `postMessage` have a real window to work with.
 */
function lendWindow(): void {
  const iframe = parts().iframe;
  if (!iframe || iframe.contentWindow) return;
  const stand = document.createElement('iframe');
  stand.className = 'stand-in';
  document.body.appendChild(stand);
  Object.defineProperty(iframe, 'contentWindow', { value: stand.contentWindow });
}

async function started(config: Partial<ConstructorParameters<typeof ParleyWidget>[0]> = {}) {
  const widget = new ParleyWidget({ parley: PARLEY, sound: false, position: 'right', ...config }, window);
  const fetcher = okFetch();
  expect(await widget.start(fetcher)).toBe(true);
  lendWindow();
  const open = widget.open.bind(widget);
  widget.open = () => {
    open();
    lendWindow();
  };
  return { widget, fetcher };
}

describe('ParleyWidget', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
    localStorage.clear();
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('reads the settings from Parley and draws only a button, inside a shadow root', async () => {
    const { fetcher } = await started();
    expect(fetcher).toHaveBeenCalledWith(`${PARLEY}/api/v1/widget/settings`, { credentials: 'omit' });
    const p = parts();
    expect(p.root).toBeTruthy();
    expect(p.button?.hidden).toBe(false);
    expect(p.popup).toBeNull();
    expect(p.iframe).toBeNull(); // nothing heavy until the visitor clicks
    expect(document.body.children).toHaveLength(1); // one element, no stand-in iframe yet
    expect(document.head.querySelector('style')).toBeNull();
  });

  it('draws nothing when the settings cannot be read (a site that is not allowed gets no CORS header)', async () => {
    const widget = new ParleyWidget({ parley: PARLEY, sound: false, position: 'right' }, window);
    const unavailable = jest.fn();
    window.addEventListener('parley:unavailable', unavailable);
    expect(await widget.start(jest.fn().mockRejectedValue(new TypeError('Failed to fetch')) as unknown as typeof fetch)).toBe(false);
    expect(await widget.start(jest.fn().mockResolvedValue({ ok: false }) as unknown as typeof fetch)).toBe(false);
    window.removeEventListener('parley:unavailable', unavailable);
    expect(document.querySelector('parley-widget')).toBeNull();
    // The page is told, once per refusal, so it can hide its own links to the chat.
    expect(unavailable).toHaveBeenCalledTimes(2);
  });

  it("hands the signed-in user's identity token to the iframe in its address's fragment only", async () => {
    await started({ identity: 'h.p.s' });
    must(parts().button, 'button').click();
    expect(parts().iframe?.src).toBe(`${PARLEY}/widget/?host=${encodeURIComponent(window.location.origin)}&lang=en#identity=h.p.s`);
  });

  it("shows the title and greeting the admin wrote for the page's language, and tells the iframe that language", async () => {
    const widget = new ParleyWidget({ parley: PARLEY, sound: false, position: 'right', locale: 'ar-EG' }, window);
    const translations = { ar: { title: 'تحدث معنا', greetingLines: ['مرحبا!'] }, de: { title: 'Fragen Sie uns' } };
    expect(await widget.start(okFetch({ ...SETTINGS, defaultLocale: 'de', translations }))).toBe(true);
    widget.open();
    const p = parts();
    expect(p.title?.textContent).toBe('تحدث معنا');
    // The admin's words take their direction from their own text.
    expect(p.title?.getAttribute('dir')).toBe('auto');
    expect(must(p.root, 'shadow root').querySelector('.i div')?.getAttribute('dir')).toBe('auto');
    expect([...must(p.root, 'shadow root').querySelectorAll('.i div > span > span:first-child')].map((g) => g.textContent)).toEqual(['مرحبا!']);
    expect(p.iframe?.src).toBe(`${PARLEY}/widget/?host=${encodeURIComponent(window.location.origin)}&lang=ar`);
  });

  it('opens a popup with the title as text, the typed intro and the iframe for this site', async () => {
    const { widget } = await started();
    const opened = jest.fn();
    widget.api.on('open', opened);
    must(parts().button, 'button').click();
    const p = parts();
    expect(p.popup?.hidden).toBe(false);
    expect(p.button?.hidden).toBe(true);
    expect(p.title?.textContent).toBe('Ask <b>EVA</b>');
    expect(p.title?.children).toHaveLength(0);
    expect(p.iframe?.src).toBe(`${PARLEY}/widget/?host=${encodeURIComponent(window.location.origin)}&lang=en`);
    expect(opened).toHaveBeenCalledTimes(1);
    // The whole text is laid out (invisibly) from the start, so the iframe below never moves.
    const ghosts = [...must(p.root, 'shadow root').querySelectorAll('.i div > span > span:first-child')].map((g) => g.textContent);
    expect(ghosts).toEqual(SETTINGS.greetingLines);
    expect(parts().lines).toEqual(['', '']);
    jest.advanceTimersByTime(5000);
    expect(parts().lines).toEqual(SETTINGS.greetingLines);
  });

  it('posts to the iframe only after it is ready, with Parley as the exact target origin', async () => {
    const { widget } = await started();
    widget.open();
    const post = jest.spyOn(must(must(parts().iframe, 'iframe').contentWindow, 'iframe window'), 'postMessage').mockImplementation(() => undefined);
    must(parts().close, 'close').click();
    expect(post).not.toHaveBeenCalled();
    fromFrame({ type: FrameMessage.Ready });
    expect(post).toHaveBeenCalledWith(envelope({ type: HostMessage.Visibility, open: false }), PARLEY);
    widget.open();
    expect(post).toHaveBeenLastCalledWith(envelope({ type: HostMessage.Visibility, open: true }), PARLEY);
  });

  it('tells the ready iframe the page the visitor is on, and each new page after an SPA navigation', async () => {
    document.title = 'Home';
    const { widget } = await started();
    widget.open();
    const post = jest.spyOn(must(must(parts().iframe, 'iframe').contentWindow, 'iframe window'), 'postMessage').mockImplementation(() => undefined);
    fromFrame({ type: FrameMessage.Ready });
    expect(post).toHaveBeenLastCalledWith(envelope({ type: HostMessage.Page, url: 'http://localhost/', title: 'Home' }), PARLEY);
    history.pushState(null, '', '/pricing?plan=pro#faq');
    document.title = 'Pricing';
    jest.advanceTimersByTime(SETTLE_MS);
    expect(post).toHaveBeenLastCalledWith(envelope({ type: HostMessage.Page, url: 'http://localhost/pricing?plan=pro', title: 'Pricing' }), PARLEY);
    // A reloaded iframe says Ready again: it is told the current page again.
    post.mockClear();
    fromFrame({ type: FrameMessage.Ready });
    expect(post).toHaveBeenLastCalledWith(envelope({ type: HostMessage.Page, url: 'http://localhost/pricing?plan=pro', title: 'Pricing' }), PARLEY);
    history.replaceState(null, '', '/');
  });

  it('ignores messages from another origin, from another window, or in another shape', async () => {
    const { widget } = await started();
    widget.open();
    widget.api.close();
    const unread = jest.fn();
    widget.api.on('unread', unread);
    fromFrame({ type: FrameMessage.Unread, count: 5 }, { origin: 'https://evil.example.net' });
    fromFrame({ type: FrameMessage.Unread, count: 5 }, { source: window });
    fromFrame({ type: FrameMessage.Unread, count: 5 }, { source: null });
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'THREAD_ID_FROM_IFRAME', thread_id: 1 }, origin: PARLEY, source: must(parts().iframe, 'iframe').contentWindow }));
    fromFrame({ type: FrameMessage.Unread, count: 'lots' });
    expect(unread).not.toHaveBeenCalled();
    expect(parts().badge?.hidden).toBe(true);
    fromFrame({ type: FrameMessage.Unread, count: 2 });
    expect(unread).toHaveBeenCalledWith(2);
    expect(parts().badge?.hidden).toBe(false);
    expect(parts().badge?.textContent).toBe('2');
    expect(parts().button?.getAttribute('aria-label')).toBe('Open chat (2 unread)');
    fromFrame({ type: FrameMessage.Unread, count: 12 });
    expect(parts().badge?.textContent).toBe('9+');
  });

  it('hides on ✖ and on Escape, the conversation going on; tells the page when the visitor ended it', async () => {
    const { widget } = await started();
    widget.open();
    fromFrame({ type: FrameMessage.Ready });
    fromFrame({ type: FrameMessage.Conversation, active: true });
    const ended = jest.fn();
    widget.api.on('end', ended);
    must(parts().close, 'close').click();
    expect(parts().popup?.hidden).toBe(true);
    expect(parts().button?.hidden).toBe(false);
    expect(parts().root?.activeElement).toBe(parts().button);
    widget.open();
    must(parts().popup, 'popup').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(parts().popup?.hidden).toBe(true);
    widget.open();
    fromFrame({ type: FrameMessage.Hide });
    expect(parts().popup?.hidden).toBe(true);
    expect(ended).not.toHaveBeenCalled();
    expect(JSON.parse(must(localStorage.getItem(STATE_KEY), 'saved state'))).toEqual({ active: true, open: false });
    widget.open();
    fromFrame({ type: FrameMessage.Ended });
    expect(ended).toHaveBeenCalledTimes(1);
    expect(parts().popup?.hidden).toBe(false);
    expect(JSON.parse(must(localStorage.getItem(STATE_KEY), 'saved state'))).toEqual({ active: false, open: true });
  });

  it('previews an agent message above the button while hidden, as text, and opens on it', async () => {
    const { widget } = await started();
    widget.open();
    fromFrame({ type: FrameMessage.Ready });
    const preview = must(parts().root?.querySelector<HTMLButtonElement>('.v'), 'preview');
    fromFrame({ type: FrameMessage.AgentMessage, author: 'Ada', preview: 'shown?' });
    expect(preview.hidden).toBe(true);
    widget.api.close();
    fromFrame({ type: FrameMessage.AgentMessage, author: 'Ada <b>', preview: '<img src=x onerror=alert(1)>Your parcel' });
    expect(preview.hidden).toBe(false);
    expect(preview.querySelector('b')?.textContent).toBe('Ada <b>');
    expect(preview.querySelector('span')?.textContent).toBe('<img src=x onerror=alert(1)>Your parcel');
    expect(preview.querySelector('img')).toBeNull();
    preview.click();
    expect(parts().popup?.hidden).toBe(false);
    expect(preview.hidden).toBe(true);
  });

  it('remembers a conversation in progress (never the token) and loads the iframe at once on the next page', async () => {
    const first = await started();
    first.widget.open();
    fromFrame({ type: FrameMessage.Ready });
    fromFrame({ type: FrameMessage.Conversation, active: true });
    expect(JSON.parse(must(localStorage.getItem(STATE_KEY), 'saved state'))).toEqual({ active: true, open: true });
    expect(parts().root?.querySelector<HTMLElement>('.i')?.hidden).toBe(true);

    document.body.innerHTML = '';
    await started();
    expect(parts().iframe).toBeTruthy();
    expect(parts().popup?.hidden).toBe(false);
    expect(parts().button?.hidden).toBe(true);

    document.body.innerHTML = '';
    localStorage.setItem(STATE_KEY, JSON.stringify({ active: true, open: false }));
    await started();
    expect(parts().iframe).toBeTruthy();
    expect(parts().popup?.hidden).toBe(true);
  });

  it('opens when asked before the settings arrived, and survives a listener that throws', async () => {
    const widget = new ParleyWidget({ parley: PARLEY, sound: false, position: 'left' }, window);
    widget.api.open();
    widget.api.on('open', () => {
      throw new Error('host page bug');
    });
    const ready = jest.fn();
    await widget.start(okFetch());
    widget.api.on('ready', ready);
    expect(ready).toHaveBeenCalled();
    expect(parts().popup?.hidden).toBe(false);
    expect(parts().root?.querySelector('.w')?.classList.contains('l')).toBe(true);
  });

  it('plays a chime for an agent message only when sound is on and the popup is hidden', async () => {
    const chime = { start: jest.fn(), stop: jest.fn() };
    const ctx = {
      currentTime: 0,
      destination: {},
      createOscillator: jest.fn(() => ({ frequency: { setValueAtTime: jest.fn() }, connect: (g: { connect: () => void }) => g, ...chime })),
      createGain: jest.fn(() => ({ gain: { setValueAtTime: jest.fn(), exponentialRampToValueAtTime: jest.fn() }, connect: jest.fn() })),
    };
    (window as unknown as { AudioContext: unknown }).AudioContext = jest.fn(() => ctx);
    const { widget } = await started({ sound: true });
    const heard = jest.fn();
    widget.api.on('message', heard);
    widget.open();
    fromFrame({ type: FrameMessage.AgentMessage, author: 'Ada', preview: 'Hi' });
    expect(chime.start).not.toHaveBeenCalled();
    widget.api.close();
    fromFrame({ type: FrameMessage.AgentMessage, author: 'Ada', preview: 'Hi' });
    expect(chime.start).toHaveBeenCalledTimes(1);
    expect(heard).toHaveBeenCalledTimes(2);
  });
});

describe('settings the loader shows', () => {
  it('keeps only safe values', () => {
    expect(toLook({ title: 'x'.repeat(100), greetingLines: ['a', 'b', 'c', 'd'], color: 'red;background:url(x)' }, [])).toEqual({
      lang: 'en',
      title: 'x'.repeat(60),
      greetingLines: ['a', 'b', 'c'],
      color: '#1a73e8',
    });
    expect(toLook({}, [])).toEqual({ lang: 'en', title: 'Chat with us', greetingLines: [], color: '#1a73e8' });
  });

  it("takes the page's language, else the browser's, else the site's, and the admin's texts for it where there are some", () => {
    const s = { title: 'Chat with us', greetingLines: ['Hello'], color: '#0b7a75', defaultLocale: 'fr' as const, translations: { de: { greetingLines: ['Hallo'] }, fr: { title: 'Écrivez-nous' } } };
    expect(toLook(s, ['de-AT', 'en'])).toMatchObject({ lang: 'de', title: 'Chat with us', greetingLines: ['Hallo'] });
    expect(toLook(s, [undefined, 'ja-JP', 'es'])).toMatchObject({ lang: 'es', title: 'Chat with us', greetingLines: ['Hello'] });
    expect(toLook(s, ['ja', 'zh'])).toMatchObject({ lang: 'fr', title: 'Écrivez-nous', greetingLines: ['Hello'] });
    expect(toLook({ ...s, translations: { de: { greetingLines: 'not a list' } } } as never, ['de'])).toMatchObject({ lang: 'de', greetingLines: [] });
  });

  it('writes white on dark colours and dark on light ones', () => {
    expect(textColor('#1a73e8')).toBe('#fff');
    expect(textColor('#000000')).toBe('#fff');
    expect(textColor('#ffeb3b')).toBe('#111');
  });
});
