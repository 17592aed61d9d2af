import type { Attachment, Message, ServerToClientEvents, Thread, VisitorSessionResponse } from '@parley/contracts';
import type { ConnectionState, FeedSnapshot, OutgoingMessage, RealtimeClientOptions } from '@parley/realtime-client';
import { type envelope, type HostToFrame, PROTOCOL } from '@parley/widget-protocol';
import type { Realtime } from '../realtime';

export const HOST = 'https://shop.example.com';
export const T0 = Date.parse('2026-03-01T10:00:00Z');

/** The value, or a failed test naming what was missing. */
export function must<T>(value: T | null | undefined, what = 'element'): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`);
  return value;
}

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

export function aThread(over: Partial<Thread> = {}): Thread {
  return {
    id: uuid(),
    status: 'queued',
    lastSeq: 0,
    visitorReadSeq: 0,
    agentReadSeq: 0,
    visitor: { id: 'v-1', name: 'Vera', email: 'vera@example.com' },
    assignedAgent: null,
    team: null,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    closedAt: null,
    closedBy: null,
    preview: null,
    lastMessage: null,
    tags: [],
    rating: null,
    createdWhileClosed: false,
    ...over,
  };
}

export function aMessage(threadId: string, seq: number, over: Partial<Message> = {}): Message {
  return {
    id: uuid(),
    threadId,
    seq,
    authorType: 'agent',
    authorId: 'a-1',
    authorName: 'Ada',
    body: `message ${seq}`,
    clientMsgId: null,
    attachments: [],
    createdAt: new Date(T0 + seq * 1000).toISOString(),
    ...over,
  };
}

export function aSession(name = 'Vera', email = 'vera@example.com'): VisitorSessionResponse {
  return {
    token: `token-${++n}`,
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    visitor: { id: uuid(), name, email, emailVerified: false, externalId: null, createdAt: new Date(T0).toISOString(), lastSeenAt: new Date(T0).toISOString() },
  };
}

/** A realtime client in memory: tests play the server (events, feed snapshots, connection changes). */
export class FakeRealtime {
  options!: RealtimeClientOptions;
  state: ConnectionState = 'idle';
  slowDown = false;
  readonly sent: { threadId: string; body: string; attachments?: readonly Attachment[] }[] = [];
  readonly requests: [string, unknown][] = [];
  readonly retried: string[] = [];
  readonly watching = new Map<string, (s: FeedSnapshot) => void>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly slowDownListeners = new Set<(slowDown: boolean) => void>();
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  connect = jest.fn(() => this.setState('connected'));
  disconnect = jest.fn(() => this.setState('idle'));
  reconnect = jest.fn(() => this.setState('connected'));

  asClient(): Realtime {
    return this as unknown as Realtime;
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  onSlowDown(listener: (slowDown: boolean) => void): () => void {
    this.slowDownListeners.add(listener);
    listener(this.slowDown);
    return () => this.slowDownListeners.delete(listener);
  }

  on(event: string, listener: (payload: never) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<(payload: never) => void>();
    this.listeners.set(event, set);
    set.add(listener);
    return () => this.listeners.get(event)?.delete(listener);
  }

  watch(threadId: string, listener: (s: FeedSnapshot) => void): () => void {
    this.watching.set(threadId, listener);
    listener({ threadId, messages: [], outgoing: [], lastSeq: 0 });
    return () => this.watching.delete(threadId);
  }

  send(threadId: string, body: string, attachments: readonly Attachment[] = []): OutgoingMessage {
    this.sent.push(attachments.length ? { threadId, body, attachments } : { threadId, body });
    return { threadId, body, clientMsgId: `c-${this.sent.length}`, state: 'pending', createdAt: new Date().toISOString() };
  }

  retry(clientMsgId: string): void {
    this.retried.push(clientMsgId);
  }

  request(event: string, payload: unknown): Promise<object> {
    this.requests.push([event, payload]);
    return Promise.resolve({});
  }

  /** The server emits an event. */
  emit<E extends keyof ServerToClientEvents>(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: typeof payload) => void)(payload);
  }

  /** The feed of a thread changes. */
  feed(threadId: string, messages: Message[], outgoing: OutgoingMessage[] = []): void {
    this.watching.get(threadId)?.({ threadId, messages, outgoing, lastSeq: messages.length ? messages[messages.length - 1].seq : 0 });
  }

  setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  /** The server starts (true) or stops (false) refusing messages as too fast. */
  setSlowDown(value: boolean): void {
    this.slowDown = value;
    for (const l of this.slowDownListeners) l(value);
  }
}

export function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

/** The iframe's window as the host page sees it: a parent that records what it is sent. */
export function framedWindow(opts: { host?: string | null; ancestor?: string; hash?: string } = {}) {
  const parent = { postMessage: jest.fn() };
  const handlers: ((e: MessageEvent) => void)[] = [];
  const network = new Map<string, Set<() => void>>();
  const host = opts.host === undefined ? HOST : opts.host;
  const location = {
    pathname: '/widget/',
    search: host ? `?host=${encodeURIComponent(host)}` : '',
    hash: opts.hash ?? '',
    ancestorOrigins: Object.assign([opts.ancestor ?? HOST], { contains: () => true, item: () => null }),
  };
  const win = {
    parent,
    location,
    navigator: { onLine: true },
    history: {
      state: null,
      replaceState: jest.fn((_state: unknown, _title: string, url: string): void => {
        location.hash = url.includes('#') ? url.slice(url.indexOf('#')) : '';
      }),
    },
    addEventListener: (type: string, h: (e: MessageEvent) => void) => {
      if (type === 'message') handlers.push(h);
      else network.set(type, (network.get(type) ?? new Set()).add(h as () => void));
    },
    removeEventListener: jest.fn((type: string, h: () => void) => network.get(type)?.delete(h)),
  };
  return {
    win: win as unknown as Window,
    parent,
    /** The host page posts a message (its origin and window can be forged). */
    hostSends(message: HostToFrame | object, from: { origin?: string; source?: unknown } = {}) {
      const event = { data: { protocol: PROTOCOL, message }, origin: from.origin ?? HOST, source: from.source === undefined ? parent : from.source };
      for (const h of handlers) h(event as MessageEvent);
    },
    /** The browser says the network went or came back (the `offline` and `online` events). */
    network(online: boolean) {
      win.navigator.onLine = online;
      for (const h of network.get(online ? 'online' : 'offline') ?? []) h();
    },
    /** Messages the iframe posted to the host, and the target origins it used. */
    posted: () => parent.postMessage.mock.calls.map(([data]) => (data as ReturnType<typeof envelope>).message),
    targets: () => parent.postMessage.mock.calls.map(([, target]) => target as string),
  };
}
