import { computed, DestroyRef, effect, Injectable, inject, signal } from '@angular/core';
import { ClientEvent, type Message, ServerEvent, type Thread } from '@parley/contracts';
import type { ConnectionState, FeedSnapshot } from '@parley/realtime-client';
import { FrameMessage, HostMessage, type HostToFrame } from '@parley/widget-protocol';
import { ApiError } from '@parley/rest-client';
import { HostBridge } from './host-bridge';
import { type Realtime, REALTIME_FACTORY } from './realtime';
import { VisitorStorage, type VisitorDetails } from './visitor-storage';
import { VisitorTyping } from './visitor-typing';
import { WidgetApi } from './widget-api';
import { closedText, formatWait, problemText } from './widget-text';

/** details: the pre-chat form; chat: a conversation (open, or closed by the agent); again: start another one. */
export type View = 'loading' | 'details' | 'chat' | 'again' | 'blocked';

const AGENT_TYPING_MAX_MS = 8000;

const isExpired = (err: unknown) => err instanceof ApiError && err.status === 401;
const fromSupport = (m: Message) => m.authorType === 'agent' || m.authorType === 'bot';

/**
 * The widget's one store: the visitor's session, the thread and its transcript (from the realtime
 * client's feed), the agent's typing, the connection, unread counting and the host-page protocol.
 * Components read its signals and call its methods; nothing else talks to the API or the socket.
 */
@Injectable()
export class WidgetStore {
  private readonly api = inject(WidgetApi);
  private readonly storage = inject(VisitorStorage);
  private readonly bridge = inject(HostBridge);
  private readonly createClient = inject(REALTIME_FACTORY);

  private readonly _view = signal<View>('loading');
  private readonly _known = signal<VisitorDetails | null>(null);
  private readonly _thread = signal<Thread | null>(null);
  private readonly _feed = signal<FeedSnapshot | null>(null);
  private readonly _agentTyping = signal<string | null>(null);
  private readonly _connection = signal<ConnectionState>('idle');
  private readonly _busy = signal(false);
  private readonly _error = signal<string | null>(null);
  private readonly _notice = signal<string | null>(null);
  private readonly _confirming = signal(false);
  private readonly _visible = signal(!this.bridge.framed);
  private readonly _lastRead = signal(0);
  private readonly _now = signal(Date.now());
  private readonly _color = signal<string | null>(null);

  readonly view = this._view.asReadonly();
  readonly known = this._known.asReadonly();
  readonly thread = this._thread.asReadonly();
  readonly agentTyping = this._agentTyping.asReadonly();
  readonly connection = this._connection.asReadonly();
  readonly busy = this._busy.asReadonly();
  readonly error = this._error.asReadonly();
  readonly notice = this._notice.asReadonly();
  readonly confirming = this._confirming.asReadonly();
  readonly color = this._color.asReadonly();

  readonly messages = computed(() => this._feed()?.messages ?? []);
  readonly outgoing = computed(() => this._feed()?.outgoing ?? []);
  readonly open = computed(() => {
    const t = this._thread();
    return t !== null && t.status !== 'closed';
  });
  readonly agentName = computed(() => this._thread()?.assignedAgent?.name ?? null);
  /** Time waiting for an agent while the thread is queued, ticking every second. */
  readonly waiting = computed(() => {
    const t = this._thread();
    return t?.status === 'queued' ? formatWait(this._now() - Date.parse(t.createdAt)) : null;
  });
  readonly closedNotice = computed(() => closedText(this._thread()));
  /** Support messages after the last one the visitor saw; nothing is unread while the popup shows. */
  readonly unread = computed(() => {
    if (this._visible()) return 0;
    const last = this._lastRead();
    return this.messages().filter((m) => m.seq > last && fromSupport(m)).length;
  });

  private client: Realtime | null = null;
  private unwatch: (() => void) | null = null;
  private lastSystemSeq = 0;
  private readonly typing = new VisitorTyping((threadId, isTyping) =>
    this.client?.request(ClientEvent.Typing, { threadId, isTyping }).catch(() => undefined),
  );
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(this.bridge.listen((m) => this.onHostMessage(m)));
    destroyRef.onDestroy(() => {
      this.unwatch?.();
      this.client?.disconnect();
      this.typing.stop();
      clearTimeout(this.agentTypingTimer);
    });

    // Seen while showing: remember how far, so a reload does not count old messages as unread.
    effect(() => {
      const t = this._thread();
      const list = this.messages();
      if (!t || !this._visible() || list.length === 0) return;
      const seq = list[list.length - 1].seq;
      if (seq > this._lastRead()) {
        this._lastRead.set(seq);
        this.storage.saveLastRead(t.id, seq);
      }
    });
    effect(() => this.bridge.post({ type: FrameMessage.Unread, count: this.unread() }));
    effect(() => {
      if (this._view() !== 'loading') this.bridge.post({ type: FrameMessage.Conversation, active: this.open() });
    });
    effect((onCleanup) => {
      if (this._thread()?.status !== 'queued') return;
      this._now.set(Date.now());
      const timer = setInterval(() => this._now.set(Date.now()), 1000);
      onCleanup(() => clearInterval(timer));
    });
  }

  /** Picks up where the visitor left off: an open conversation, a closed one, or the form. */
  async init(): Promise<void> {
    if (!this.bridge.trusted) {
      this._view.set('blocked');
      return;
    }
    this.bridge.post({ type: FrameMessage.Ready });
    this.api.settings().then(
      (s) => this._color.set(s.color),
      () => undefined,
    );
    this._known.set(this.storage.details());
    const session = this.storage.session();
    const threadId = this.storage.threadId();
    if (!session) {
      this._view.set('details');
      return;
    }
    if (!threadId) {
      this._view.set('again');
      return;
    }
    try {
      this.adopt(await this.api.getThread(session.token, threadId));
    } catch (err) {
      if (isExpired(err)) return this.expired();
      this.storage.saveThreadId(null);
      this._view.set('again');
    }
  }

  /** The pre-chat form: a new visitor session, then its thread. */
  async submitDetails(details: VisitorDetails): Promise<void> {
    if (this._busy()) return;
    this._busy.set(true);
    this._error.set(null);
    this._notice.set(null);
    try {
      const token = await this.newSession(details);
      this.adopt(await this.api.startThread(token));
    } catch (err) {
      this._error.set(problemText(err));
    } finally {
      this._busy.set(false);
    }
  }

  /** Another conversation with the details already known. */
  async startNew(): Promise<void> {
    const known = this._known();
    if (this._busy()) return;
    if (!known) return this.editDetails();
    this._busy.set(true);
    this._error.set(null);
    try {
      let token = this.storage.session()?.token ?? (await this.newSession(known));
      const thread = await this.api.startThread(token).catch(async (err: unknown) => {
        if (!isExpired(err)) throw err;
        token = await this.newSession(known);
        return this.api.startThread(token);
      });
      this.adopt(thread);
    } catch (err) {
      this._error.set(problemText(err));
    } finally {
      this._busy.set(false);
    }
  }

  editDetails(): void {
    this._error.set(null);
    this._view.set('details');
  }

  send(body: string): void {
    const t = this._thread();
    const text = body.trim();
    if (!t || t.status === 'closed' || !text || !this.client) return;
    this.client.send(t.id, text);
    this.typing.stop();
  }

  retry(clientMsgId: string): void {
    this.client?.retry(clientMsgId);
  }

  /** The visitor is typing (the agent hears it now and then, and when it stops). */
  typed(): void {
    const t = this._thread();
    if (t && t.status !== 'closed') this.typing.typed(t.id);
  }

  /** The popup's close button (or the link in the chat): ask first when a conversation is open. */
  requestEnd(): void {
    if (this._view() === 'chat' && this.open()) this._confirming.set(true);
    else this.bridge.post({ type: FrameMessage.CloseResult, closed: true });
  }

  cancelEnd(): void {
    this._confirming.set(false);
    this.bridge.post({ type: FrameMessage.CloseResult, closed: false });
  }

  /** Ends the thread with the visitor's own token: the server records the visitor as the one who closed it. */
  async confirmEnd(): Promise<void> {
    const t = this._thread();
    const session = this.storage.session();
    this._confirming.set(false);
    if (!t || !session) return this.bridge.post({ type: FrameMessage.CloseResult, closed: true });
    this._busy.set(true);
    try {
      this.setThread(await this.api.closeThread(session.token, t.id));
      this.typing.stop();
      this.bridge.post({ type: FrameMessage.CloseResult, closed: true });
    } catch (err) {
      if (isExpired(err)) {
        this.expired();
        this.bridge.post({ type: FrameMessage.CloseResult, closed: true });
        return;
      }
      this._error.set('The chat could not be ended. Please try again.');
      this.bridge.post({ type: FrameMessage.CloseResult, closed: false });
    } finally {
      this._busy.set(false);
    }
  }

  private onHostMessage(m: HostToFrame): void {
    if (m.type === HostMessage.CloseRequest) this.requestEnd();
    else this._visible.set(m.open);
  }

  private async newSession(details: VisitorDetails): Promise<string> {
    const res = await this.api.createSession(details);
    this.storage.saveSession({ token: res.token, expiresAt: res.expiresAt, visitor: res.visitor });
    this._known.set({ name: res.visitor.name, email: res.visitor.email });
    // A new visitor: the socket must authenticate again with the new token.
    if (this.client) this.client.reconnect();
    return res.token;
  }

  /** Makes `thread` the current one and follows its transcript. */
  private adopt(thread: Thread): void {
    this.unwatch?.();
    this.unwatch = null;
    this._feed.set(null);
    this._agentTyping.set(null);
    this.storage.saveThreadId(thread.id);
    this._lastRead.set(this.storage.lastRead(thread.id));
    this._thread.set(thread);
    if (thread.status === 'closed' && thread.closedBy?.type === 'visitor') {
      this._view.set('again');
      return;
    }
    this.lastSystemSeq = 0;
    this.unwatch = this.ensureClient().watch(thread.id, (s) => {
      this._feed.set(s);
      this.followSystemMessages(s.messages);
    });
    this._view.set('chat');
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
    if (thread.status === 'closed') {
      this._agentTyping.set(null);
      this._confirming.set(false);
      if (thread.closedBy?.type === 'visitor') this._view.set('again');
    }
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
      if (s === 'connected') void this.refreshThread();
    });
    client.on(ServerEvent.ThreadUpdated, (t) => this.setThread(t));
    client.on(ServerEvent.MessageCreated, (m) => {
      if (m.threadId !== this._thread()?.id || !fromSupport(m)) return;
      this._agentTyping.set(null);
      if (!this._visible()) this.bridge.post({ type: FrameMessage.AgentMessage });
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

  /** The token was refused: back to the form, filled in with what the visitor typed last time. */
  private expired(): void {
    this.storage.clearSession();
    this.storage.saveThreadId(null);
    this.unwatch?.();
    this.unwatch = null;
    this.client?.disconnect();
    this._thread.set(null);
    this._feed.set(null);
    this._confirming.set(false);
    this._known.set(this.storage.details());
    this._notice.set('Your chat session has expired. Please start again.');
    this._view.set('details');
  }
}
