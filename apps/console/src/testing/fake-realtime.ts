import { computed, signal } from '@angular/core';
import type { ClientEventName, ServerToClientEvents } from '@parley/contracts';
import type { BannerState } from '../app/core/realtime/realtime.service';
import type { FeedSnapshot, OutgoingMessage } from '@parley/realtime-client';

type Listener = (...args: unknown[]) => void;

/** Stands in for RealtimeService in specs: emit server events by hand, record what was sent. */
export class FakeRealtime {
  readonly listeners = new Map<string, Set<Listener>>();
  readonly requests: { event: ClientEventName; payload: unknown }[] = [];
  readonly sent: { threadId: string; body: string }[] = [];
  readonly released: string[] = [];
  readonly watchers = new Map<string, (s: FeedSnapshot) => void>();
  readonly connectionCount = signal(0);
  readonly banner = signal<BannerState>(null);
  readonly down = computed(() => this.banner() === 'offline' || this.banner() === 'reconnecting');
  readonly unsent = signal(0);
  readonly slowDown = signal(false);
  readonly state = signal<'idle' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized'>('connected');
  requestResult: (event: ClientEventName, payload: unknown) => Promise<unknown> = () => Promise.resolve({});

  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }

  request = (event: ClientEventName, payload: unknown): Promise<never> => {
    this.requests.push({ event, payload });
    return this.requestResult(event, payload) as Promise<never>;
  };

  watch(threadId: string, listener: (s: FeedSnapshot) => void): () => void {
    this.watchers.set(threadId, listener);
    listener({ threadId, messages: [], outgoing: [], lastSeq: 0 });
    return () => this.watchers.delete(threadId);
  }

  /** Pushes a feed snapshot to the view watching the thread. */
  feed(snapshot: Partial<FeedSnapshot> & { threadId: string }): void {
    this.watchers.get(snapshot.threadId)?.({ messages: [], outgoing: [], lastSeq: 0, ...snapshot });
  }

  release(threadId: string): void {
    this.released.push(threadId);
  }

  send(threadId: string, body: string): OutgoingMessage {
    this.sent.push({ threadId, body });
    return { threadId, body, clientMsgId: `c${this.sent.length}`, state: 'pending', createdAt: new Date().toISOString() };
  }

  retry(): void {
    // recorded by spies when a spec needs it
  }

  discard(): void {
    // recorded by spies when a spec needs it
  }

  /** Simulates the socket coming back: stores refetch. */
  reconnect(): void {
    this.connectionCount.update((n) => n + 1);
  }
}
