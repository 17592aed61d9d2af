import type { RouteResponse } from '@parley/contracts';
import { API_PREFIX } from '@parley/contracts/constants';
import { envelope, FrameMessage, HostMessage, type HostToFrame, readFrameMessage, widgetUrl } from '@parley/widget-protocol';
import type { LoaderConfig } from './config';
import { chime } from './chime';
import { el, type Look, textColor, toLook } from './look';
import { watchPages } from './pages';
import { STYLES } from './styles';
import { typeLines } from './typewriter';

export type ParleyEvent = 'ready' | 'open' | 'close' | 'unread' | 'message' | 'end';
export type ParleyListener = (value?: number) => void;

/** The one global: `window.Parley`. */
export interface ParleyApi {
  /** Opens the popup (the iframe loads on first open). */
  open(): void;
  /** Hides the popup; the conversation goes on (unread messages are counted on the button). */
  close(): void;
  /** `ready`, `open`, `close`, `unread` (count), `message` (an agent wrote), `end` (the visitor ended the conversation). */
  on(event: ParleyEvent, listener: ParleyListener): () => void;
}

/** Host-page memory (this site's storage): whether a conversation is going on and the popup was open. Never the token. */
export const STATE_KEY = 'parley-widget';

/**
 * The widget on the customer's page: a button, then on click a popup with a header, the typed
 * intro and the iframe of the widget app. It talks to the iframe with postMessage to Parley's
 * exact origin and reads only messages whose origin is Parley's and whose source is its iframe.
 */
export class ParleyWidget {
  readonly api: ParleyApi = {
    open: () => this.open(true),
    close: () => this.hide(),
    on: (event, listener) => this.on(event, listener),
  };

  private readonly listeners = new Map<ParleyEvent, Set<ParleyListener>>();
  private look: Look | undefined;
  private root!: ShadowRoot;
  private button!: HTMLButtonElement;
  private badge!: HTMLElement;
  private preview!: HTMLElement;
  private popup: HTMLElement | undefined;
  private iframe: HTMLIFrameElement | undefined;
  private intro!: HTMLElement;
  private lines: HTMLElement[] = [];
  private frameReady = false;
  private shown = false;
  private wantOpen = false;
  private active = false;
  private unread = 0;
  /** The visitor opened the popup: the widget takes the keyboard once it is ready. */
  private focusFrame = false;
  private stopTyping: () => void = () => undefined;
  private audio: AudioContext | undefined;
  /** The page the visitor is on, told to the iframe when it is ready and on each navigation. */
  private page: HostToFrame | undefined;
  /** A link from one of Parley's mails that opened this page (`parley-resume=...`), for the iframe. */
  private link: string | null = null;

  constructor(
    private readonly config: LoaderConfig,
    private readonly win: Window,
  ) {}

  /**
   * Reads the settings and draws the button. The settings answer carries a CORS header only for
   * allowed sites, so on any other site the read fails and nothing is drawn: no chat there. The page
   * hears `parley:unavailable` then, so it can hide its own "chat with us" links.
   */
  async start(fetcher: typeof fetch = (...a) => this.win.fetch(...a)): Promise<boolean> {
    try {
      // The two public reads spelled out (`get /widget/settings`, `get /widget/availability` of the route
      // table): the table's URL builder costs the loader bytes its 5 kB budget does not have.
      const res = await fetcher(`${this.config.parley}${API_PREFIX}/widget/settings`, { credentials: 'omit' });
      if (!res.ok) return this.unavailable();
      this.look = toLook((await res.json()) as Partial<RouteResponse<'get /widget/settings'>>, [this.config.locale, ...(this.win.navigator.languages ?? [])]);
    } catch {
      return this.unavailable();
    }
    this.draw(this.look);
    // Closed with `hide`: no button, unless a conversation is going on (it is never cut off).
    fetcher(`${this.config.parley}${API_PREFIX}/widget/availability`, { credentials: 'omit' })
      .then((r) => r.json())
      .then((a: RouteResponse<'get /widget/availability'>) => (this.button.hidden ||= !a.open && a.whenClosed === 'hide' && !this.active))
      .catch(() => 0);
    // Opened from a mail's link: out of the address (and the history) at once, the popup opens on it.
    const l = this.win.location;
    this.link = /parley-(resume|confirm)=[\w-]+/.exec(l.hash)?.[0] ?? null;
    if (this.link) {
      this.win.history.replaceState(null, '', l.pathname + l.search);
      this.wantOpen = true;
    }
    this.win.addEventListener('message', this.onMessage);
    watchPages(this.win, (url, title) => this.post((this.page = { type: HostMessage.Page, url, title })));
    const saved = this.loadState();
    this.active = saved.active === true;
    // A conversation is going on (an earlier page, a reload): load the iframe now, so it reconnects,
    // counts unread messages, and shows at once when the popup opens.
    if (this.active) this.ensurePopup(this.look);
    if ((this.active && saved.open) || this.wantOpen) this.open();
    this.emit('ready');
    this.win.dispatchEvent(new CustomEvent('parley:ready'));
    return true;
  }

  private unavailable(): false {
    this.win.dispatchEvent(new CustomEvent('parley:unavailable'));
    return false;
  }

  /** `byVisitor`: a click or the page's own call, so the widget takes the keyboard (never on a page load). */
  open(byVisitor = false): void {
    const look = this.look;
    if (!look) {
      this.wantOpen = true;
      return;
    }
    const popup = this.ensurePopup(look);
    if (!this.shown) {
      this.shown = true;
      popup.hidden = false;
      this.button.hidden = true;
      this.preview.hidden = true;
      this.showPopup(look);
    }
    if (byVisitor) {
      this.focusFrame = true;
      // A frame focused before its page loaded loses it to the load: Ready focuses it then.
      if (this.frameReady) this.iframe?.focus();
    }
  }

  private showPopup(look: Look): void {
    this.button.setAttribute('aria-expanded', 'true');
    this.unlockAudio();
    this.post({ type: HostMessage.Visibility, open: true });
    this.showIntro(look);
    this.saveState();
    this.emit('open');
  }

  /** `byVisitor`: closed from inside the popup, so the keyboard goes back to the button. */
  hide(byVisitor = false): void {
    this.wantOpen = false;
    if (!this.shown) return;
    this.shown = false;
    this.focusFrame = false;
    this.stopTyping();
    if (this.popup) this.popup.hidden = true;
    this.button.hidden = false;
    if (byVisitor) this.button.focus();
    this.button.setAttribute('aria-expanded', 'false');
    this.button.classList.add('f');
    setTimeout(() => this.button.classList.remove('f'), 500);
    this.post({ type: HostMessage.Visibility, open: false });
    this.renderBadge();
    this.saveState();
    this.emit('close');
  }

  on(event: ParleyEvent, listener: ParleyListener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    if (event === 'ready' && this.look) listener();
    return () => set.delete(listener);
  }

  private emit(event: ParleyEvent, value?: number): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(value);
      } catch {
        // A host page's listener must not break the widget.
      }
    }
  }

  private draw(look: Look): void {
    const doc = this.win.document;
    const host = doc.createElement('parley-widget');
    this.root = host.attachShadow({ mode: 'open' });
    // Static markup only; every text from the server goes in through textContent.
    this.root.innerHTML =
      `<style>${STYLES}</style><div class="w${this.config.position === 'left' ? ' l' : ''}">` +
      '<button class="b" type="button" aria-label="Open chat" aria-expanded="false">' +
      // A speech bubble (the original's 💬), drawn: not every system has an emoji font.
      '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM6 9h12v2H6zm8 5H6v-2h8zm4-6H6V6h12z"/></svg>' +
      '<span class="n" hidden></span></button><button class="v" type="button" hidden><b></b><span></span></button></div>';
    const box = el(this.root, '.w');
    box.style.setProperty('--c', look.color);
    box.style.setProperty('--t', textColor(look.color));
    this.button = el<HTMLButtonElement>(this.root, '.b');
    this.badge = el(this.root, '.n');
    this.preview = el(this.root, '.v');
    this.button.addEventListener('click', () => this.open(true));
    this.preview.addEventListener('click', () => this.open(true));
    doc.body.appendChild(host);
  }

  private ensurePopup(look: Look): HTMLElement {
    if (this.popup) return this.popup;
    const doc = this.win.document;
    const popup = doc.createElement('div');
    popup.className = 'p';
    popup.hidden = true;
    popup.setAttribute('role', 'dialog');
    popup.setAttribute('aria-label', look.title);
    // The admin's title and greeting take their direction from their own text (an Arabic greeting reads right to left).
    popup.innerHTML =
      '<div class="h"><span dir="auto"></span><button class="x" type="button" aria-label="Close chat">&#10006;</button></div><div class="i"><div dir="auto"></div></div>';
    el(popup, 'span').textContent = look.title;
    this.intro = el(popup, '.i');
    const bubble = el(this.intro, 'div');
    // Each line holds an invisible copy of its whole text: the bubble has its final size at once,
    // so nothing below it (the iframe, its form) moves while the letters appear.
    this.lines = look.greetingLines.map((text) => {
      const line = bubble.appendChild(doc.createElement('span'));
      line.appendChild(doc.createElement('span')).textContent = text;
      return line.appendChild(doc.createElement('span'));
    });
    this.intro.hidden = this.lines.length === 0;
    // Closing hides the popup; the conversation goes on (ending it is its own button in the chat).
    el(popup, '.x').addEventListener('click', () => this.hide(true));
    popup.addEventListener('keydown', (e) => e.key === 'Escape' && this.hide(true));
    const iframe = doc.createElement('iframe');
    iframe.title = look.title;
    iframe.src = widgetUrl(this.config.parley, this.win.location.origin, this.config.identity, look.lang, this.link);
    popup.appendChild(iframe);
    this.iframe = iframe;
    this.popup = popup;
    el(this.root, '.w').appendChild(popup);
    return popup;
  }

  private showIntro(look: Look): void {
    this.stopTyping();
    this.intro.hidden = this.active || this.lines.length === 0;
    if (this.intro.hidden) return;
    const reduced = this.win.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    this.stopTyping = typeLines(this.lines, look.greetingLines, reduced);
  }

  private readonly onMessage = (event: MessageEvent): void => {
    // Only Parley's iframe, from Parley's origin: any other window's message is ignored.
    const frame = this.iframe?.contentWindow;
    if (!frame || event.source !== frame || event.origin !== this.config.parley) return;
    const m = readFrameMessage(event.data);
    if (!m) return;
    switch (m.type) {
      case FrameMessage.Ready:
        this.frameReady = true;
        if (this.shown && this.focusFrame) this.iframe?.focus();
        this.post({ type: HostMessage.Visibility, open: this.shown });
        if (this.page) this.post(this.page);
        return;
      case FrameMessage.Conversation:
        this.active = m.active;
        if (this.shown && m.active) {
          this.stopTyping();
          this.intro.hidden = true;
        }
        this.saveState();
        return;
      case FrameMessage.Unread:
        this.unread = m.count;
        this.renderBadge();
        this.emit('unread', m.count);
        return;
      case FrameMessage.AgentMessage:
        if (!this.shown) {
          // Text only: the preview's words are the agent's.
          el(this.preview, 'b').textContent = m.author;
          el(this.preview, 'span').textContent = m.preview;
          this.preview.hidden = false;
          if (this.config.sound && this.audio) chime(this.audio);
        }
        this.emit('message');
        return;
      case FrameMessage.Hide:
        this.hide(true);
        return;
      case FrameMessage.Ended:
        this.active = false;
        this.saveState();
        this.emit('end');
        return;
    }
  };

  private post(message: HostToFrame): void {
    // Before the iframe said it is ready a message could reach the previous page in it: wait (Ready re-sends visibility).
    if (!this.frameReady) return;
    this.iframe?.contentWindow?.postMessage(envelope(message), this.config.parley);
  }

  private renderBadge(): void {
    const n = this.shown ? 0 : this.unread;
    this.badge.hidden = n === 0;
    this.badge.textContent = n > 9 ? '9+' : String(n);
    this.button.setAttribute('aria-label', n ? `Open chat (${n} unread)` : 'Open chat');
  }

  private unlockAudio(): void {
    if (!this.config.sound || this.audio) return;
    try {
      this.audio = new AudioContext();
    } catch {
      this.audio = undefined;
    }
  }

  private loadState(): { active?: boolean; open?: boolean } {
    try {
      return (JSON.parse(this.win.localStorage.getItem(STATE_KEY) ?? '{}') as { active?: boolean; open?: boolean }) ?? {};
    } catch {
      return {};
    }
  }

  private saveState(): void {
    try {
      this.win.localStorage.setItem(STATE_KEY, JSON.stringify({ active: this.active, open: this.shown }));
    } catch {
      // Storage may be off on the host page; continuity then relies on the iframe alone.
    }
  }
}
