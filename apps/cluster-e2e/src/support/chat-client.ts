import { randomUUID } from 'node:crypto';
import {
  ClientEvent,
  type ClientToServerEvents,
  ErrorCode,
  type Message,
  ServerEvent,
  type ServerToClientEvents,
  type Thread,
  type TypingEvent,
} from '@parley/contracts';
import { io, type Socket } from 'socket.io-client';
import { sleep, until } from './processes';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ClientEventName = keyof ClientToServerEvents;
type PayloadOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends ClientEventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

const ACK_MS = 3000;
const CONNECT_MS = 2000;
/** A seq that skips ahead is usually a broadcast from another node overtaking one: wait a moment before asking. */
const GAP_GRACE_MS = 150;
/** Failures worth retrying elsewhere or later; anything else is a real refusal and fails the test. */
const RETRYABLE = new Set<string>([ErrorCode.Unavailable, ErrorCode.Internal]);

export interface ClientOptions {
  name: string;
  token: string;
  /** Nodes to try in turn, as a load balancer would; the client stays on one until it goes away. */
  urls: string[];
  transports?: Array<'websocket' | 'polling'>;
}

interface ThreadView {
  messages: Map<number, Message>;
  /** Highest seq up to which this client has every message. */
  lastSeq: number;
  syncing?: Promise<void>;
  again: boolean;
}

/** Races an ack against the socket going away, so a send on a dying node fails fast and is retried. */
export function emitAck<E extends ClientEventName>(socket: ClientSocket, event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
  const raw = socket as unknown as Socket;
  return new Promise<AckOf<E>>((resolve, reject) => {
    const onDisconnect = () => reject(new Error(`disconnected before the ${event} ack`));
    raw.once('disconnect', onDisconnect);
    (raw.timeout(ACK_MS).emitWithAck(event, payload) as Promise<AckOf<E>>)
      .then(resolve, reject)
      .finally(() => raw.off('disconnect', onDisconnect));
  });
}

function settle(socket: ClientSocket, ms: number): Promise<true | Error> {
  const raw = socket as unknown as Socket;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(new Error('handshake timed out')), ms);
    raw.once('connect', () => (clearTimeout(timer), resolve(true)));
    raw.once('connect_error', (err: Error) => (clearTimeout(timer), resolve(err)));
  });
}

/** One plain socket (no reconnection), connected or rejected within a bound. */
export async function openSocket(url: string, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: CONNECT_MS });
  const outcome = await settle(socket, CONNECT_MS + 500);
  if (outcome !== true) {
    socket.disconnect();
    throw outcome;
  }
  return socket;
}

/**
 * The behaviour every Parley client must have, in a few lines: keep `lastSeq` per thread, drop what
 * it already has (by seq), fill gaps with `messages.sync`, rejoin and resync after every reconnect,
 * and resend `message.send` with the same clientMsgId until it is acked. With that, a node dying or
 * Redis going away loses nothing and shows nothing twice, which is what the tests assert.
 */
export class ChatClient {
  /** Live broadcasts only (what sync fetched is not here), with `createdAt[i]` the arrival time of `created[i]`. */
  readonly received = { created: [] as Message[], createdAt: [] as number[], typing: [] as TypingEvent[], threadCreated: [] as Thread[], threadUpdated: [] as Thread[] };
  readonly acked: Message[] = [];
  readonly stats = { duplicates: 0, conflicts: 0, gapSyncs: 0, connects: 0, ackTimeouts: 0, sendAttempts: 0 };
  /** Each lost connection and when the next one was up (ms since epoch), to measure reconnects. */
  readonly outages: Array<{ lostAt: number; backAt?: number; url?: string }> = [];
  private readonly threads = new Map<string, ThreadView>();
  private socket: ClientSocket | undefined;
  private urlIndex = 0;
  private currentUrl: string | undefined;
  private closed = false;

  constructor(private readonly opts: ClientOptions) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  get url(): string | undefined {
    return this.currentUrl;
  }

  /** Connects to the first node that takes the handshake. */
  async connect(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; !this.closed; attempt += 1) {
      const url = this.opts.urls[this.urlIndex % this.opts.urls.length];
      const socket: ClientSocket = io(url, {
        auth: { token: this.opts.token },
        transports: this.opts.transports ?? ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: CONNECT_MS,
      });
      const outcome = await settle(socket, CONNECT_MS + 500);
      if (outcome === true) return this.attach(socket, url);
      socket.disconnect();
      // A refused token will be refused by every node: that is a failure, not an outage.
      if (/UNAUTHENTICATED|TOKEN_EXPIRED|FORBIDDEN/.test(outcome.message)) throw outcome;
      this.urlIndex += 1;
      if (Date.now() > deadline) throw new Error(`${this.opts.name}: no node took the handshake within ${timeoutMs} ms (${outcome.message})`);
      await sleep(Math.min(50 * attempt, 250));
    }
  }

  /** Follows a thread: joins its room and syncs it now and after every reconnect. */
  async track(threadId: string): Promise<void> {
    if (!this.threads.has(threadId)) this.threads.set(threadId, { messages: new Map(), lastSeq: 0, again: false });
    await this.resync(threadId);
  }

  /** Every message of the thread this client has, in seq order. */
  messages(threadId: string): Message[] {
    const view = this.threads.get(threadId);
    return view ? [...view.messages.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  lastSeq(threadId: string): number {
    return this.threads.get(threadId)?.lastSeq ?? 0;
  }

  /** Sends until acked, on whichever node the client is on by then; resolves with the stored message. */
  async send(threadId: string, body: string, clientMsgId: string = randomUUID(), timeoutMs = 20_000): Promise<{ message: Message; duplicate: boolean }> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'not connected';
    while (Date.now() < deadline && !this.closed) {
      const socket = this.socket;
      if (!socket?.connected) {
        await sleep(50);
        continue;
      }
      this.stats.sendAttempts += 1;
      try {
        const ack = await emitAck(socket, ClientEvent.MessageSend, { threadId, clientMsgId, body });
        if (ack.ok) {
          this.acked.push(ack.message);
          this.receive(ack.message, false);
          return { message: ack.message, duplicate: ack.duplicate };
        }
        if (!RETRYABLE.has(ack.error.code)) throw new Error(`${this.opts.name}: message.send refused: ${ack.error.code} ${ack.error.message}`);
        lastProblem = ack.error.code;
      } catch (err) {
        if (err instanceof Error && err.message.includes('refused')) throw err;
        lastProblem = err instanceof Error ? err.message : String(err);
        // socket.io's own wording when no ack came in time (a lost connection rejects differently).
        if (lastProblem.includes('timed out')) this.stats.ackTimeouts += 1;
      }
      await sleep(100);
    }
    throw new Error(`${this.opts.name}: message ${clientMsgId} not acked within ${timeoutMs} ms (${lastProblem})`);
  }

  /** One event with its ack, on the current connection (no retry: for events whose answer the test checks). */
  async emit<E extends ClientEventName>(event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
    const socket = this.socket;
    if (!socket?.connected) throw new Error(`${this.opts.name} is not connected`);
    return emitAck(socket, event, payload);
  }

  /** Syncs every tracked thread to the end, retrying through reconnects until `timeoutMs`. */
  async syncAll(timeoutMs = 15_000): Promise<void> {
    for (const threadId of this.threads.keys()) {
      await until(`${this.opts.name} to sync ${threadId}`, async () => {
        const view = this.threads.get(threadId);
        if (!view || !this.connected) return false;
        await view.syncing;
        return (await this.syncOnce(threadId)) && !view.syncing;
      }, timeoutMs);
    }
  }

  /** Waits until `predicate` holds over what this client has received. */
  waitFor(what: string, predicate: (c: ChatClient) => boolean, timeoutMs = 5000): Promise<true> {
    return until(`${this.opts.name}: ${what}`, () => predicate(this) || undefined, timeoutMs, 20);
  }

  close(): void {
    this.closed = true;
    this.socket?.disconnect();
    this.socket = undefined;
  }

  private attach(socket: ClientSocket, url: string): void {
    this.socket = socket;
    this.currentUrl = url;
    this.stats.connects += 1;
    const outage = this.outages.at(-1);
    if (outage && outage.backAt === undefined) Object.assign(outage, { backAt: Date.now(), url });
    socket.on(ServerEvent.MessageCreated, (m) => {
      this.received.created.push(m);
      this.received.createdAt.push(Date.now());
      this.receive(m, true);
    });
    socket.on(ServerEvent.Typing, (e) => void this.received.typing.push(e));
    socket.on(ServerEvent.ThreadCreated, (t) => void this.received.threadCreated.push(t));
    socket.on(ServerEvent.ThreadUpdated, (t) => void this.received.threadUpdated.push(t));
    socket.on('disconnect', () => {
      if (this.closed || this.socket !== socket) return;
      this.socket = undefined;
      this.outages.push({ lostAt: Date.now() });
      // Another node (or this one, back) takes over; the failure surfaces in the test's own waits.
      this.connect(60_000).catch(() => undefined);
    });
    // The database is the record: after (re)connecting, rejoin every thread and ask what was missed.
    for (const threadId of this.threads.keys()) void this.resync(threadId).catch(() => undefined);
  }

  private async resync(threadId: string): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return;
    // Join first: from its ack on, broadcasts reach this socket, so the sync below leaves no hole.
    const joined = await emitAck(socket, ClientEvent.ThreadJoin, { threadId });
    if (!joined.ok && !RETRYABLE.has(joined.error.code)) throw new Error(`${this.opts.name}: join refused: ${joined.error.code}`);
    await this.sync(threadId);
  }

  private receive(m: Message, live: boolean): void {
    const view = this.threads.get(m.threadId);
    if (!view) return;
    const known = view.messages.get(m.seq);
    if (known) {
      if (known.id === m.id) this.stats.duplicates += 1;
      else this.stats.conflicts += 1;
      return;
    }
    view.messages.set(m.seq, m);
    while (view.messages.has(view.lastSeq + 1)) view.lastSeq += 1;
    if (live && m.seq > view.lastSeq) {
      const gapAt = view.lastSeq;
      setTimeout(() => {
        if (view.lastSeq > gapAt || this.closed) return;
        this.stats.gapSyncs += 1;
        void this.sync(m.threadId).catch(() => undefined);
      }, GAP_GRACE_MS);
    }
  }

  /** Single flight per thread; a request during a sync runs once more after it. */
  private sync(threadId: string): Promise<void> {
    const view = this.threads.get(threadId);
    if (!view) return Promise.resolve();
    if (view.syncing) {
      view.again = true;
      return view.syncing;
    }
    view.syncing = (async () => {
      do {
        view.again = false;
        if (!(await this.syncOnce(threadId))) return;
      } while (view.again);
    })().finally(() => (view.syncing = undefined));
    return view.syncing;
  }

  /** Pages `messages.sync` until the end; false when it could not finish (the next trigger retries). */
  private async syncOnce(threadId: string): Promise<boolean> {
    const view = this.threads.get(threadId);
    if (!view) return true;
    for (let page = 0; page < 1000; page += 1) {
      const socket = this.socket;
      if (!socket?.connected) return false;
      const ack = await emitAck(socket, ClientEvent.MessagesSync, { threadId, afterSeq: view.lastSeq, limit: 200 }).catch(() => undefined);
      if (!ack?.ok) return false;
      for (const m of ack.items) this.receive(m, false);
      if (!ack.hasMore) return true;
    }
    return false;
  }
}
