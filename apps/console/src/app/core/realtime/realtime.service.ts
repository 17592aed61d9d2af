import { computed, DestroyRef, inject, Injectable, InjectionToken, signal } from '@angular/core';
import type { Attachment, ServerToClientEvents } from '@parley/contracts';
import {
  type ConnectionState,
  type FeedSnapshot,
  type OutgoingMessage,
  RealtimeClient,
  type RealtimeClientOptions,
} from '@parley/realtime-client';
import { SessionStore } from '../session/session.store';
import { AuthToken, refusalReason } from '../session/auth-token';
import { readJson, SESSION_STORAGE, StorageKeys, writeJson } from '../storage/browser-storage';

type Requester = RealtimeClient['request'];

/** Builds the socket client; specs replace it with a fake. */
export const REALTIME_CLIENT_FACTORY = new InjectionToken<(options: RealtimeClientOptions) => RealtimeClient>(
  'REALTIME_CLIENT_FACTORY',
  { providedIn: 'root', factory: () => (options: RealtimeClientOptions) => new RealtimeClient(options) },
);

export type BannerState = 'offline' | 'reconnecting' | 'connecting' | 'restored' | null;

/** A first connection slower than this shows the "Connecting" banner; faster ones show nothing. */
const SLOW_START_MS = 2_000;
const RESTORED_BANNER_MS = 3_000;

/**
 * The signed-in agent's socket, for as long as the signed-in shell lives (provided there). Wraps
 * the shared `RealtimeClient`, which does the hard parts (resync by seq after every reconnection,
 * the outbox that sends each message exactly once), and turns its state into signals. Unsent
 * messages are kept in sessionStorage, per agent, so they survive a reload or an expired session.
 */
@Injectable()
export class RealtimeService {
  private readonly token = inject(AuthToken);
  private readonly session = inject(SessionStore);
  private readonly storage = inject(SESSION_STORAGE);

  private readonly connection = signal<ConnectionState>('idle');
  private readonly browserOnline = signal(globalThis.navigator?.onLine ?? true);
  private readonly slowStart = signal(false);
  private readonly restored = signal(false);
  private readonly outbox = signal<readonly OutgoingMessage[]>([]);
  private readonly connections = signal(0);
  private readonly slowingDown = signal(false);
  private readonly client: RealtimeClient;

  readonly state = this.connection.asReadonly();
  /** Goes up at every (re)connection: lists refetch what they may have missed while away. */
  readonly connectionCount = this.connections.asReadonly();
  /** The agent cannot reach the server now: what they send waits for the connection. */
  readonly down = computed(() => this.banner() === 'offline' || this.banner() === 'reconnecting');
  /** Messages written here that the server has not stored yet. */
  readonly unsent = computed(() => this.outbox().length);
  /** The server is refusing this agent's messages for a moment (rate limit); the client sends them again by itself. */
  readonly slowDown = this.slowingDown.asReadonly();
  readonly banner = computed<BannerState>(() => {
    const state = this.connection();
    // The browser knows at once; a socket over a network that died silently only learns it from
    // missed pings (up to the server's ping interval + timeout), and looks connected meanwhile.
    if (!this.browserOnline()) return 'offline';
    if (state === 'connected') return this.restored() ? 'restored' : null;
    if (state === 'reconnecting') return 'reconnecting';
    if (state === 'connecting' && (this.connections() > 0 || this.slowStart())) return 'connecting';
    return null;
  });

  constructor() {
    const agentId = this.session.agent()?.id ?? 'anonymous';
    const key = StorageKeys.outbox(agentId);
    this.client = inject(REALTIME_CLIENT_FACTORY)({
      getToken: () => this.token.token(),
      onUnauthorized: (code) => this.token.refuse(refusalReason(code)),
      storage: {
        load: () => readJson<OutgoingMessage[]>(this.storage, key, []),
        save: (items) => {
          writeJson(this.storage, key, items);
          this.outbox.set(items);
        },
      },
    });
    this.outbox.set(this.client.pending());

    const offSlowDown = this.client.onSlowDown((s) => this.slowingDown.set(s));

    let restoredTimer: ReturnType<typeof setTimeout> | undefined;
    const offState = this.client.onState((s) => {
      const wasAway = this.connection() === 'reconnecting' || (this.connection() === 'connecting' && this.connections() > 0);
      this.connection.set(s);
      if (s !== 'connected') return;
      this.connections.update((n) => n + 1);
      if (wasAway) {
        this.restored.set(true);
        clearTimeout(restoredTimer);
        restoredTimer = setTimeout(() => this.restored.set(false), RESTORED_BANNER_MS);
      }
    });
    const slowTimer = setTimeout(() => this.slowStart.set(true), SLOW_START_MS);
    const setOnline = () => this.browserOnline.set(true);
    const setOffline = () => this.browserOnline.set(false);
    globalThis.addEventListener?.('online', setOnline);
    globalThis.addEventListener?.('offline', setOffline);

    this.client.connect();

    inject(DestroyRef).onDestroy(() => {
      offState();
      offSlowDown();
      clearTimeout(slowTimer);
      clearTimeout(restoredTimer);
      globalThis.removeEventListener?.('online', setOnline);
      globalThis.removeEventListener?.('offline', setOffline);
      this.client.disconnect();
    });
  }

  /** Listens to a server event; returns the function that stops listening. */
  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void {
    return this.client.on(event, listener);
  }

  readonly request: Requester = (event, payload) => this.client.request(event, payload);

  watch(threadId: string, listener: (s: FeedSnapshot) => void): () => void {
    return this.client.watch(threadId, listener);
  }

  release(threadId: string): void {
    this.client.release(threadId);
  }

  send(threadId: string, body: string, attachments: readonly Attachment[] = []): OutgoingMessage {
    return this.client.send(threadId, body, attachments);
  }

  retry(clientMsgId: string): void {
    this.client.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.client.discard(clientMsgId);
  }
}
