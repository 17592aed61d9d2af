import {
  type Attachment,
  ClientEvent,
  type ClientToServerEvents,
  ErrorCode,
  type Message,
  ServerEvent,
  type ServerToClientEvents,
} from '@parley/contracts';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { RealtimeError } from './realtime-error';
import { type FeedSnapshot, type OutgoingMessage, ThreadFeed } from './thread-feed';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

type ClientEvents = keyof ClientToServerEvents;
type PayloadOf<E extends ClientEvents> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends ClientEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
export type Success<E extends ClientEvents> = Omit<Extract<AckOf<E>, { ok: true }>, 'ok'>;
type Listener<E extends keyof ServerToClientEvents> = ServerToClientEvents[E];
type AnyListener = (...args: never[]) => void;
interface Emitter {
  on(event: string, listener: AnyListener): void;
  off(event: string, listener: AnyListener): void;
}

/**
 * What the client saw and did on the wire, before any of it is deduplicated: for diagnostics, and
 * for tests that check delivery from the outside (every copy of every message, every answer).
 */
export type RealtimeTrace =
  /** Messages as the server handed them over: a live event, the ack of a send, or a sync page. */
  | { type: 'messages'; source: 'live' | 'ack' | 'sync'; messages: readonly Message[] }
  /** A request settled: answered ok, or refused or left unanswered (`error`). */
  | { type: 'request'; event: ClientEvents; error?: RealtimeError }
  /** A seq skipped ahead of what the feed holds: the client fetches what lies after `afterSeq`. */
  | { type: 'gap'; threadId: string; afterSeq: number };

/** The default of RealtimeClientOptions.gapGraceMs. */
const GAP_GRACE_MS = 150;

/** Where the outbox survives a page reload (the widget uses localStorage). */
export interface OutboxStorage {
  load(): OutgoingMessage[];
  save(items: readonly OutgoingMessage[]): void;
}

export interface RealtimeClientOptions {
  /** Server URL; '' or undefined means the page's own origin. */
  url?: string;
  /** Read at every (re)connection, so a refreshed token is used. */
  getToken: () => string | null;
  ackTimeoutMs?: number;
  storage?: OutboxStorage;
  /** Called once when the server refuses the token (UNAUTHENTICATED, TOKEN_EXPIRED or ACCOUNT_DEACTIVATED). */
  onUnauthorized?: (code: string) => void;
  /** Test seam: socket.io-client's `io`. */
  connect?: (url: string | undefined, opts: Partial<ManagerOptions & SocketOptions>) => Socket;
  /** A stable id generator for clientMsgId (defaults to crypto.randomUUID). */
  newId?: () => string;
  /**
   * How long a seq that skipped ahead waits for the missing ones before they are fetched (default
   * 150 ms). It is usually a broadcast relayed by another node overtaking one, or the ack of a send
   * overtaking the broadcasts of the messages stored just before it: those arrive in a moment, and
   * a busy thread would otherwise cost a sync per message.
   */
  gapGraceMs?: number;
}

const ignore = (): void => undefined;

const AUTH_CODES: readonly string[] = [ErrorCode.Unauthenticated, ErrorCode.TokenExpired, ErrorCode.AccountDeactivated];
/** When a RATE_LIMITED answer says nothing about when to come back. */
const RATE_LIMITED_DEFAULT_MS = 2000;

/**
 * The typed socket client of the console and the widget. The socket is a notification path and the
 * server's seq is the record: after every (re)connection each open feed syncs from its last seq,
 * a seq that skips ahead triggers a sync, and every outgoing message is retried with the same
 * clientMsgId until the server acknowledges it, one at a time per thread so order is kept.
 */
export class RealtimeClient {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private currentState: ConnectionState = 'idle';
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly traceListeners = new Set<(t: RealtimeTrace) => void>();
  /** Server-event listeners, bound again to each new socket (reconnect() makes a new one). */
  private readonly eventListeners = new Set<{ event: string; listener: AnyListener }>();
  private slowingDown = false;
  private readonly slowDownListeners = new Set<(slowDown: boolean) => void>();
  private readonly feeds = new Map<string, ThreadFeed>();
  private outbox: OutgoingMessage[];
  private readonly flushing = new Set<string>();
  private readonly syncing = new Map<string, Promise<void>>();
  /** Threads whose gap waits out its grace before a sync. */
  private readonly gaps = new Set<string>();
  private readonly ackTimeoutMs: number;
  private readonly newId: () => string;

  constructor(private readonly options: RealtimeClientOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 8000;
    this.newId = options.newId ?? (() => globalThis.crypto.randomUUID());
    this.outbox = options.storage?.load() ?? [];
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.currentState);
    return () => this.stateListeners.delete(listener);
  }

  /** True while the server is refusing this client's messages for going too fast (RATE_LIMITED). */
  get slowDown(): boolean {
    return this.slowingDown;
  }

  /** Told when the server starts and stops holding messages back, so the composer can say "slow down". */
  onSlowDown(listener: (slowDown: boolean) => void): () => void {
    this.slowDownListeners.add(listener);
    listener(this.slowingDown);
    return () => this.slowDownListeners.delete(listener);
  }

  /** Told of every message copy, request outcome and gap (see RealtimeTrace); returns the function that stops it. */
  onTrace(listener: (t: RealtimeTrace) => void): () => void {
    this.traceListeners.add(listener);
    return () => this.traceListeners.delete(listener);
  }

  connect(): void {
    if (this.socket) return;
    const opts: Partial<ManagerOptions & SocketOptions> = {
      auth: (cb: (data: object) => void) => cb({ token: this.options.getToken() ?? '' }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      transports: ['websocket', 'polling'],
    };
    const socket = (this.options.connect ?? io)(this.options.url || undefined, opts) as Socket<
      ServerToClientEvents,
      ClientToServerEvents
    >;
    this.socket = socket;
    this.setState('connecting');
    socket.on('connect', () => {
      this.setState('connected');
      void this.resync();
    });
    socket.on('disconnect', (reason) => {
      if (this.currentState === 'unauthorized' || this.socket !== socket) return;
      this.setState('reconnecting');
      // socket.io does not come back by itself after the server closed the socket (a node shutting
      // down, say); come back anyway: the handshake decides whether this client is still welcome.
      if (reason === 'io server disconnect') setTimeout(() => this.socket === socket && socket.connect(), 500);
    });
    socket.on('connect_error', (err: Error) => {
      if (AUTH_CODES.includes(err.message)) {
        this.setState('unauthorized');
        socket.disconnect();
        this.options.onUnauthorized?.(err.message);
        return;
      }
      this.setState('reconnecting');
      // A refusal by the server's middleware is not retried by socket.io itself. Too many attempts
      // from this address: come back when the server says it will listen again.
      const retryAfterMs = (err as Error & { data?: { retryAfterMs?: number } }).data?.retryAfterMs;
      const delay = err.message === ErrorCode.RateLimited ? Math.max(2000, retryAfterMs ?? 0) : 2000;
      if (!socket.active) setTimeout(() => this.socket === socket && socket.connect(), delay);
    });
    socket.on(ServerEvent.MessageCreated, (m) => {
      this.trace({ type: 'messages', source: 'live', messages: [m] });
      this.receive([m]);
    });
    for (const { event, listener } of this.eventListeners) this.bind(socket).on(event, listener);
  }

  /** Reconnect after the user signed in again (state `unauthorized`). */
  reconnect(): void {
    this.disconnect();
    this.connect();
  }

  disconnect(): void {
    const s = this.socket;
    this.socket = null;
    s?.disconnect();
    this.setState('idle');
  }

  /** Listens to a server event, on this connection and every later one; returns the function that stops listening. */
  on<E extends keyof ServerToClientEvents>(event: E, listener: Listener<E>): () => void {
    const entry = { event, listener: listener as AnyListener };
    this.eventListeners.add(entry);
    if (this.socket) this.bind(this.socket).on(event, entry.listener);
    return () => {
      this.eventListeners.delete(entry);
      if (this.socket) this.bind(this.socket).off(event, entry.listener);
    };
  }

  /** Emits with an ack and resolves with its data, or rejects with a RealtimeError. */
  async request<E extends ClientEvents>(event: E, payload: PayloadOf<E>): Promise<Success<E>> {
    try {
      const data = await this.ask(event, payload);
      this.trace({ type: 'request', event });
      return data;
    } catch (err) {
      const error = err instanceof RealtimeError ? err : new RealtimeError('INTERNAL', String(err));
      this.trace({ type: 'request', event, error });
      throw error;
    }
  }

  /**
   * Fetches everything stored after the feed's last seq, joining the thread's room first (both
   * harmless to repeat), and resolves once the feed holds it all; rejects with a RealtimeError when
   * it could not (disconnected, refused). Syncs already happen by themselves after every
   * (re)connection and gap; this is for a caller that has a reason to ask now.
   */
  async sync(threadId: string): Promise<void> {
    const feed = this.feed(threadId);
    // A sync under way may have read its last page before this call: let it end, then go again.
    await this.syncing.get(threadId)?.catch(ignore);
    await this.syncFeed(feed, true);
  }

  /** The feed of a thread, created on first use and kept in sync from then on. */
  feed(threadId: string): ThreadFeed {
    let feed = this.feeds.get(threadId);
    if (!feed) {
      feed = new ThreadFeed(threadId);
      feed.setOutgoing(this.outbox);
      this.feeds.set(threadId, feed);
      if (this.currentState === 'connected') this.syncFeed(feed, true).catch(ignore);
    }
    return feed;
  }

  /** Stops following a thread (the agent closed its tab on it). */
  release(threadId: string): void {
    this.feeds.delete(threadId);
    if (this.socket?.connected) void this.request(ClientEvent.ThreadLeave, { threadId }).catch(() => undefined);
  }

  watch(threadId: string, listener: (s: FeedSnapshot) => void): () => void {
    return this.feed(threadId).subscribe(listener);
  }

  /**
   * Queues a message; it goes out now if connected, or after reconnecting, exactly once. It may
   * carry up to five uploads (`attachments`), and then its body may be empty.
   */
  send(threadId: string, body: string, attachments: readonly Attachment[] = []): OutgoingMessage {
    const item: OutgoingMessage = { threadId, clientMsgId: this.newId(), body, state: 'pending', createdAt: new Date().toISOString() };
    if (attachments.length > 0) item.attachments = [...attachments];
    this.updateOutbox([...this.outbox, item]);
    void this.flush(threadId);
    return item;
  }

  /** Sends a failed message again (same clientMsgId, so it cannot be stored twice). */
  retry(clientMsgId: string): void {
    const item = this.outbox.find((o) => o.clientMsgId === clientMsgId);
    if (!item) return;
    this.updateOutbox(this.outbox.map((o) => (o === item ? { ...o, state: 'pending', error: undefined } : o)));
    void this.flush(item.threadId);
  }

  discard(clientMsgId: string): void {
    this.updateOutbox(this.outbox.filter((o) => o.clientMsgId !== clientMsgId));
  }

  pending(): readonly OutgoingMessage[] {
    return this.outbox;
  }

  private async ask<E extends ClientEvents>(event: E, payload: PayloadOf<E>): Promise<Success<E>> {
    const socket = this.socket;
    if (!socket?.connected) throw new RealtimeError('DISCONNECTED', 'Not connected');
    let res: AckOf<E>;
    try {
      const timed = socket.timeout(this.ackTimeoutMs) as unknown as {
        emitWithAck(e: E, p: PayloadOf<E>): Promise<AckOf<E>>;
      };
      res = await timed.emitWithAck(event, payload);
    } catch {
      // socket.io gives up on an ack when the connection drops (the answer can no longer come) and
      // when the time is over on a live connection (the server did not answer): not the same news.
      if (!socket.connected) throw new RealtimeError('DISCONNECTED', 'The connection was lost before the server answered');
      throw new RealtimeError('TIMEOUT', 'The server did not answer in time');
    }
    if (!res.ok) throw new RealtimeError(res.error.code, res.error.message, res.error.errors, res.error.retryAfterMs);
    const { ok: _ok, ...rest } = res as Extract<AckOf<E>, { ok: true }>;
    const data = rest as unknown as Success<E>;
    if (event === ClientEvent.MessageSend) this.trace({ type: 'messages', source: 'ack', messages: [(data as Success<'message.send'>).message] });
    if (event === ClientEvent.MessagesSync) this.trace({ type: 'messages', source: 'sync', messages: (data as Success<'messages.sync'>).items });
    return data;
  }

  /** The socket seen as a plain event emitter, for listeners kept by event name. */
  private bind(socket: object): Emitter {
    return socket as Emitter;
  }

  private trace(t: RealtimeTrace): void {
    for (const l of this.traceListeners) l(t);
  }

  private setSlowDown(value: boolean): void {
    if (this.slowingDown === value) return;
    this.slowingDown = value;
    for (const l of this.slowDownListeners) l(value);
  }

  private setState(s: ConnectionState): void {
    if (this.currentState === s) return;
    this.currentState = s;
    for (const l of this.stateListeners) l(s);
  }

  private receive(messages: readonly Message[]): void {
    // A stored copy of one of ours proves it was sent, whether or not its ack arrives.
    const stored = new Set(messages.map((m) => m.clientMsgId).filter(Boolean));
    if (this.outbox.some((o) => stored.has(o.clientMsgId))) this.updateOutbox(this.outbox.filter((o) => !stored.has(o.clientMsgId)));
    const byThread = new Map<string, Message[]>();
    for (const m of messages) byThread.set(m.threadId, [...(byThread.get(m.threadId) ?? []), m]);
    for (const [threadId, list] of byThread) {
      const feed = this.feeds.get(threadId);
      if (feed?.add(list)) this.fillGap(feed);
    }
  }

  /** After the grace, and after any sync under way (it may have read too early), fetches a gap still open. */
  private fillGap(feed: ThreadFeed): void {
    if (this.gaps.has(feed.threadId)) return;
    this.gaps.add(feed.threadId);
    setTimeout(async () => {
      await this.syncing.get(feed.threadId)?.catch(ignore);
      this.gaps.delete(feed.threadId);
      if (!feed.gapped || this.feeds.get(feed.threadId) !== feed) return;
      this.trace({ type: 'gap', threadId: feed.threadId, afterSeq: feed.lastSeq });
      this.syncFeed(feed, false).catch(ignore);
    }, this.options.gapGraceMs ?? GAP_GRACE_MS);
  }

  private async resync(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => this.syncFeed(f, true).catch(ignore)));
    for (const threadId of new Set(this.outbox.map((o) => o.threadId))) void this.flush(threadId);
  }

  /**
   * Fetches everything after the feed's last contiguous seq; joins the room first if asked. One at a
   * time per thread. Rejects when it could not finish: the next connection syncs again from the
   * same seq, so callers that only want it done eventually ignore that.
   */
  private syncFeed(feed: ThreadFeed, join: boolean): Promise<void> {
    const running = this.syncing.get(feed.threadId);
    if (running) return running;
    const work = (async () => {
      try {
        if (join) await this.request(ClientEvent.ThreadJoin, { threadId: feed.threadId });
        for (;;) {
          const page = await this.request(ClientEvent.MessagesSync, { threadId: feed.threadId, afterSeq: feed.lastSeq });
          feed.add(page.items);
          if (!page.hasMore || page.items.length === 0) break;
        }
      } finally {
        this.syncing.delete(feed.threadId);
      }
    })();
    this.syncing.set(feed.threadId, work);
    return work;
  }

  /** Sends a thread's pending messages one by one, in order, until each is acknowledged. */
  private async flush(threadId: string): Promise<void> {
    if (this.flushing.has(threadId)) return;
    this.flushing.add(threadId);
    try {
      for (;;) {
        const next = this.outbox.find((o) => o.threadId === threadId && o.state === 'pending');
        if (!next || !this.socket?.connected) return;
        try {
          const { message } = await this.request(ClientEvent.MessageSend, {
            threadId,
            clientMsgId: next.clientMsgId,
            ...(next.body || !next.attachments?.length ? { body: next.body } : {}),
            ...(next.attachments?.length ? { attachments: next.attachments.map((a) => a.id) } : {}),
          });
          this.updateOutbox(this.outbox.filter((o) => o.clientMsgId !== next.clientMsgId));
          this.setSlowDown(false);
          this.receive([message]);
        } catch (err) {
          const e = err instanceof RealtimeError ? err : new RealtimeError('INTERNAL', String(err));
          if (e.permanent) {
            this.updateOutbox(
              this.outbox.map((o) => (o.clientMsgId === next.clientMsgId ? { ...o, state: 'failed', error: { code: e.code, message: e.message } } : o)),
            );
            continue;
          }
          // Refused for going too fast: nothing was stored, so the same message (same clientMsgId)
          // goes again once the server said it would be accepted.
          const limited = e.code === ErrorCode.RateLimited;
          if (limited) this.setSlowDown(true);
          // Not answered: try again shortly while connected; a reconnection flushes anyway.
          const wait = limited ? (e.retryAfterMs ?? RATE_LIMITED_DEFAULT_MS) : 1000;
          if (this.socket?.connected) await new Promise((r) => setTimeout(r, wait));
          else return;
        }
      }
    } finally {
      this.flushing.delete(threadId);
    }
  }

  private updateOutbox(next: OutgoingMessage[]): void {
    this.outbox = next;
    this.options.storage?.save(next);
    for (const feed of this.feeds.values()) feed.setOutgoing(next);
  }
}
