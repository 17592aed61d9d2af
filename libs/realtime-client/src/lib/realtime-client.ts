import {
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
  /** Called once when the server refuses the token (UNAUTHENTICATED or TOKEN_EXPIRED). */
  onUnauthorized?: (code: string) => void;
  /** Test seam: socket.io-client's `io`. */
  connect?: (url: string | undefined, opts: Partial<ManagerOptions & SocketOptions>) => Socket;
  /** A stable id generator for clientMsgId (defaults to crypto.randomUUID). */
  newId?: () => string;
}

const AUTH_CODES: readonly string[] = [ErrorCode.Unauthenticated, ErrorCode.TokenExpired];
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
  private slowingDown = false;
  private readonly slowDownListeners = new Set<(slowDown: boolean) => void>();
  private readonly feeds = new Map<string, ThreadFeed>();
  private outbox: OutgoingMessage[];
  private readonly flushing = new Set<string>();
  private readonly syncing = new Map<string, Promise<void>>();
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
    socket.on(ServerEvent.MessageCreated, (m) => this.receive([m]));
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

  on<E extends keyof ServerToClientEvents>(event: E, listener: Listener<E>): () => void {
    if (!this.socket) this.connect();
    const socket = this.socket as unknown as { on(e: string, l: unknown): void; off(e: string, l: unknown): void };
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }

  /** Emits with an ack and resolves with its data, or rejects with a RealtimeError. */
  async request<E extends ClientEvents>(event: E, payload: PayloadOf<E>): Promise<Success<E>> {
    const socket = this.socket;
    if (!socket?.connected) throw new RealtimeError('DISCONNECTED', 'Not connected');
    let res: AckOf<E>;
    try {
      const timed = socket.timeout(this.ackTimeoutMs) as unknown as {
        emitWithAck(e: E, p: PayloadOf<E>): Promise<AckOf<E>>;
      };
      res = await timed.emitWithAck(event, payload);
    } catch {
      throw new RealtimeError('TIMEOUT', 'The server did not answer in time');
    }
    if (!res.ok) throw new RealtimeError(res.error.code, res.error.message, res.error.errors, res.error.retryAfterMs);
    const { ok: _ok, ...data } = res as Extract<AckOf<E>, { ok: true }>;
    return data as unknown as Success<E>;
  }

  /** The feed of a thread, created on first use and kept in sync from then on. */
  feed(threadId: string): ThreadFeed {
    let feed = this.feeds.get(threadId);
    if (!feed) {
      feed = new ThreadFeed(threadId);
      feed.setOutgoing(this.outbox);
      this.feeds.set(threadId, feed);
      if (this.currentState === 'connected') void this.syncFeed(feed, true);
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

  /** Queues a message; it goes out now if connected, or after reconnecting, exactly once. */
  send(threadId: string, body: string): OutgoingMessage {
    const item: OutgoingMessage = { threadId, clientMsgId: this.newId(), body, state: 'pending', createdAt: new Date().toISOString() };
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
      if (feed?.add(list)) void this.syncFeed(feed, false);
    }
  }

  private async resync(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => this.syncFeed(f, true)));
    for (const threadId of new Set(this.outbox.map((o) => o.threadId))) void this.flush(threadId);
  }

  /** Fetches everything after the feed's last contiguous seq; joins the room first if asked. */
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
      } catch {
        // Disconnected or timed out: the next connection syncs again from the same seq.
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
            body: next.body,
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
