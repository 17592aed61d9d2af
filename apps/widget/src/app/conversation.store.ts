import { computed, DestroyRef, effect, Injectable, inject, signal } from '@angular/core';
import { type Attachment, type Availability, ClientEvent, LIMITS, type Message, ServerEvent, type Thread, ErrorCode } from '@parley/contracts';
import type { ConnectionState, FeedSnapshot } from '@parley/realtime-client';
import { WIDGET_WINDOW } from './host-bridge';
import { type Realtime, REALTIME_FACTORY } from './realtime';
import { VisitorStorage } from './visitor-storage';
import { VisitorTyping } from './visitor-typing';
import { ApiError } from '@parley/rest-client';
import { WidgetApi } from './widget-api';
import { I18n } from './i18n/i18n';
import { closedText, formatWait } from './widget-text';

const AGENT_TYPING_MAX_MS = 8000;

/** The visitor token was refused: expired, or its visitor is gone. */
export const isExpired = (err: unknown) => err instanceof ApiError && err.status === 401;
export const fromSupport = (m: Message) => m.authorType === 'agent' || m.authorType === 'bot';

/**
 * The current thread: its state, its transcript (from the realtime client's feed), the agent's
 * typing and the connection, and what the visitor sends. It knows neither the screens nor the host
 * page: it tells its listeners when the token stops working and when support writes.
 */
@Injectable()
export class ConversationStore {
  private readonly api = inject(WidgetApi);
  private readonly storage = inject(VisitorStorage);
  private readonly createClient = inject(REALTIME_FACTORY);
  private readonly win = inject(WIDGET_WINDOW);
  private readonly i18n = inject(I18n);

  private readonly _thread = signal<Thread | null>(null);
  private readonly _feed = signal<FeedSnapshot | null>(null);
  private readonly _agentTyping = signal<string | null>(null);
  private readonly _connection = signal<ConnectionState>('idle');
  private readonly _slowDown = signal(false);
  private readonly _now = signal(Date.now());
  private readonly _online = signal(this.win.navigator?.onLine !== false);
  private readonly _rating = signal<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  private readonly _availability = signal<Availability | null>(null);
  /** Whether the site is open (read at load, then followed over the socket's `availability.updated`); null until known. */
  readonly availability = this._availability.asReadonly();
  private readonly _queue = signal<{ threadId: string; position: number; estimateSeconds: number | null } | null>(null);
  private readonly _transcript = signal<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });

  readonly thread = this._thread.asReadonly();
  private readonly _visitorRead = signal(0);
  /**
   * Read receipts: how far this visitor has read the thread on any of its devices (the thread's
   * mark, raised live by `thread.read`), so a message read on the phone is not unread on the laptop.
   */
  readonly visitorReadSeq = computed(() => Math.max(this._thread()?.visitorReadSeq ?? 0, this._visitorRead()));
  readonly agentTyping = this._agentTyping.asReadonly();
  readonly connection = this._connection.asReadonly();
  /** What the browser says, at once, when the network goes (the socket may take half a minute to notice). */
  readonly online = this._online.asReadonly();
  /** Messages cannot go out now: the browser is offline, or the socket is trying to get back. */
  readonly cut = computed(() => !this._online() || this._connection() === 'reconnecting');
  /** The server is holding the visitor's messages back for a moment (rate limit); they go out by themselves. */
  readonly slowDown = this._slowDown.asReadonly();

  readonly messages = computed(() => this._feed()?.messages ?? []);
  readonly outgoing = computed(() => this._feed()?.outgoing ?? []);
  readonly open = computed(() => {
    const t = this._thread();
    return t !== null && t.status !== 'closed';
  });
  /** Ended by the visitor: nothing is left to show of it but the offer to start another. */
  readonly endedByVisitor = computed(() => {
    const t = this._thread();
    return t?.status === 'closed' && t.closedBy?.type === 'visitor';
  });
  readonly agentName = computed(() => this._thread()?.assignedAgent?.name ?? null);
  /** While waiting: the visitor's place in the queue and the server's estimate (`queue.position`). */
  readonly queuePosition = computed(() => {
    const q = this._queue();
    const t = this._thread();
    return q && t && q.threadId === t.id && t.status === 'queued' ? q : null;
  });
  /** Time waiting for an agent while the thread is queued, ticking every second. */
  readonly waiting = computed(() => {
    const t = this._thread();
    return t?.status === 'queued' ? formatWait(this._now() - Date.parse(t.createdAt)) : null;
  });
  readonly closedNotice = computed(() => closedText(this._thread(), this.i18n.t()));
  /** The rating form's state: a request under way, or why the last one failed. */
  readonly rating = this._rating.asReadonly();
  /** "Email me the transcript": a request under way, and what came of the last one. */
  readonly transcript = this._transcript.asReadonly();

  private client: Realtime | null = null;
  private unwatch: (() => void) | null = null;
  private lastSystemSeq = 0;
  private readonly typing = new VisitorTyping((threadId, isTyping) =>
    this.client?.request(ClientEvent.Typing, { threadId, isTyping }).catch(() => undefined),
  );
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  /** The page of the site the visitor is on, said again on each (re)connection. */
  private page: { url: string; title: string; timeZone?: string } | null = null;
  private readonly expiredHandlers = new Set<() => void>();
  private readonly supportHandlers = new Set<(m: Message) => void>();

  constructor() {
    const offline = () => this._online.set(false);
    // Back online: the old socket may be open but dead (socket.io would wait for its ping to time
    // out); a new one resyncs from the last seq and sends the outbox again, by clientMsgId.
    const online = () => {
      this._online.set(true);
      const state = this._connection();
      if (state === 'connected' || state === 'connecting' || state === 'reconnecting') this.client?.reconnect();
    };
    this.win.addEventListener('offline', offline);
    this.win.addEventListener('online', online);
    inject(DestroyRef).onDestroy(() => {
      this.win.removeEventListener('offline', offline);
      this.win.removeEventListener('online', online);
      this.unwatch?.();
      this.client?.disconnect();
      this.typing.stop();
      clearTimeout(this.agentTypingTimer);
    });
    effect((onCleanup) => {
      if (this._thread()?.status !== 'queued') return;
      this._now.set(Date.now());
      const timer = setInterval(() => this._now.set(Date.now()), 1000);
      onCleanup(() => clearInterval(timer));
    });
  }

  /** Called when the server refuses the visitor's token, over REST or on the socket. */
  onExpired(handler: () => void): () => void {
    this.expiredHandlers.add(handler);
    return () => this.expiredHandlers.delete(handler);
  }

  /** Called for each new agent or bot message of the current thread. */
  onSupportMessage(handler: (m: Message) => void): () => void {
    this.supportHandlers.add(handler);
    return () => this.supportHandlers.delete(handler);
  }

  /** Makes `thread` the current one and follows its transcript, unless the visitor already ended it. */
  follow(thread: Thread): void {
    this.unwatch?.();
    this.unwatch = null;
    this._feed.set(null);
    this._agentTyping.set(null);
    this.storage.saveThreadId(thread.id);
    this._thread.set(thread);
    if (this.endedByVisitor()) return;
    this.lastSystemSeq = 0;
    this.unwatch = this.ensureClient().watch(thread.id, (s) => {
      this._feed.set(s);
      this.followSystemMessages(s.messages);
    });
  }

  /** Forgets the thread and drops the connection: its token no longer works. */
  clear(): void {
    this.storage.saveThreadId(null);
    this.unwatch?.();
    this.unwatch = null;
    this.client?.disconnect();
    this._thread.set(null);
    this._feed.set(null);
  }

  setAvailability(a: Availability | null): void {
    this._availability.set(a);
  }

  /** A new visitor session: the socket must authenticate again with the new token. */
  reconnect(): void {
    this.client?.reconnect();
  }

  /** Sends text, files (the visitor's uploads to this thread), or both. */
  send(body: string, attachments: readonly Attachment[] = []): void {
    const t = this._thread();
    const text = body.trim();
    if (!t || t.status === 'closed' || (!text && attachments.length === 0) || !this.client) return;
    this.client.send(t.id, text, attachments);
    this.typing.stop();
  }

  /**
   * The host page the visitor is on now (its origin already checked against the host's): the
   * agents see it with the visitor's time zone. Sent when connected, and again after each
   * reconnection (the server keeps one entry for the same address).
   */
  reportPage(url: string, title: string): void {
    // One line, as long as the server keeps it: SPA titles can carry new lines and tabs.
    // eslint-disable-next-line no-control-regex
    const line = title.replace(/[\s\u0000-\u001F\u007F-\u009F]+/g, ' ').trim().slice(0, LIMITS.pageTitleMax);
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.page = { url, title: line, ...(timeZone ? { timeZone } : {}) };
    this.sendPage();
  }

  private sendPage(): void {
    if (this.page && this._connection() === 'connected') this.client?.request(ClientEvent.VisitorPage, this.page).catch(() => undefined);
  }

  retry(clientMsgId: string): void {
    this.client?.retry(clientMsgId);
  }

  /** The visitor is typing (the agent hears it now and then, and when it stops). */
  typed(): void {
    const t = this._thread();
    if (t && t.status !== 'closed') this.typing.typed(t.id);
  }

  /** Rates the closed thread with the visitor's token; the thread comes back with its rating. */
  async rate(score: number, comment?: string): Promise<void> {
    const t = this._thread();
    const token = this.storage.session()?.token;
    if (!t || t.status !== 'closed' || !token) return;
    this._rating.set({ busy: true, error: null });
    try {
      this.setThread(await this.api.rateThread(token, t.id, comment ? { score, comment } : { score }));
      this._rating.set({ busy: false, error: null });
    } catch (err) {
      if (isExpired(err)) this.expired();
      const locked = err instanceof ApiError && err.code === ErrorCode.RatingLocked;
      const t = this.i18n.t();
      const network = err instanceof ApiError && err.code === 'NETWORK';
      this._rating.set({ busy: false, error: locked ? t.ratingLocked : network ? t.unreachable : t.ratingFailed });
    }
  }

  /** "Email me the transcript" on the ended screen. */
  async requestTranscript(): Promise<void> {
    const t = this._thread();
    const token = this.storage.session()?.token;
    if (!t || !token || this._transcript().busy) return;
    this._transcript.set({ busy: true, message: null, error: false });
    try {
      const r = await this.api.requestTranscript(token, t.id);
      this._transcript.set({
        busy: false,
        error: false,
        message: r.outcome === 'queued' ? 'The transcript is on its way to your inbox.' : 'First confirm your email address: we sent you a link. Then ask again.',
      });
    } catch (err) {
      if (isExpired(err)) this.expired();
      const code = err instanceof ApiError ? err.code : null;
      const message =
        code === ErrorCode.EmailDisabled
          ? 'Transcripts by email are not available here.'
          : code === ErrorCode.EmailMissing
            ? 'No email address was given for this conversation.'
            : code === ErrorCode.RateLimited
              ? 'You have asked for this transcript several times already.'
              : err instanceof Error
                ? err.message
                : 'The transcript could not be requested.';
      this._transcript.set({ busy: false, message, error: true });
    }
  }

  /** Ends the thread with the visitor's own token: the server records the visitor as the one who closed it. */
  async close(token: string): Promise<void> {
    const t = this._thread();
    if (!t) return;
    this.setThread(await this.api.closeThread(token, t.id));
    this.typing.stop();
  }

  /**
   * Claims and closes are also written into the transcript as system messages. The feed gets every
   * message (live, or by the resync after each (re)connection), while a `thread.updated` sent
   * before this socket was in the thread's rooms is lost: a new system message means the thread
   * changed, so read it again.
   */
  private followSystemMessages(list: readonly Message[]): void {
    let seq = 0;
    for (const m of list) if (m.authorType === 'system') seq = m.seq;
    if (seq <= this.lastSystemSeq) return;
    this.lastSystemSeq = seq;
    void this.refreshThread();
  }

  private setThread(thread: Thread): void {
    if (thread.id !== this._thread()?.id) return;
    this._thread.set(thread);
    if (thread.status === 'closed') this._agentTyping.set(null);
  }

  private ensureClient(): Realtime {
    if (this.client) return this.client;
    const client = this.createClient({
      getToken: () => this.storage.session()?.token ?? null,
      storage: this.storage.outbox,
      onUnauthorized: () => this.expired(),
    });
    this.client = client;
    client.onState((s) => {
      this._connection.set(s);
      // Back after a drop: the thread may have been claimed or closed meanwhile.
      if (s === 'connected') {
        void this.refreshThread();
        this.sendPage();
      }
    });
    client.onSlowDown((s) => this._slowDown.set(s));
    client.on(ServerEvent.ThreadUpdated, (t) => this.setThread(t));
    client.on(ServerEvent.AvailabilityUpdated, (a) => this._availability.set(a));
    client.on(ServerEvent.QueuePosition, (p) => this._queue.set(p));
    client.on(ServerEvent.MessageCreated, (m) => {
      if (m.threadId !== this._thread()?.id || !fromSupport(m)) return;
      this._agentTyping.set(null);
      for (const h of this.supportHandlers) h(m);
    });
    client.on(ServerEvent.ThreadRead, (r) => {
      if (r.threadId === this._thread()?.id && r.side === 'visitor') this._visitorRead.update((s) => Math.max(s, r.seq));
    });
    client.on(ServerEvent.Typing, (e) => {
      if (e.threadId !== this._thread()?.id || e.authorType !== 'agent') return;
      clearTimeout(this.agentTypingTimer);
      this._agentTyping.set(e.isTyping ? e.authorName : null);
      if (e.isTyping) this.agentTypingTimer = setTimeout(() => this._agentTyping.set(null), AGENT_TYPING_MAX_MS);
    });
    client.connect();
    return client;
  }

  /** Read receipts: the visitor has seen the thread up to `seq` (a courtesy: nothing is lost when it cannot be sent). */
  markRead(seq: number): void {
    const threadId = this._thread()?.id;
    if (!threadId || seq <= this.visitorReadSeq()) return;
    this._visitorRead.update((s) => Math.max(s, seq));
    this.client?.request(ClientEvent.ThreadRead, { threadId, seq }).catch(() => undefined);
  }

  private async refreshThread(): Promise<void> {
    const t = this._thread();
    const session = this.storage.session();
    if (!t || !session) return;
    try {
      this.setThread(await this.api.getThread(session.token, t.id));
    } catch (err) {
      if (isExpired(err)) this.expired();
    }
  }

  private expired(): void {
    for (const h of this.expiredHandlers) h();
  }
}
