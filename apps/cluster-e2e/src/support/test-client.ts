import { ClientEvent, type Message, ServerEvent, type Thread, type TypingEvent } from '@parley/contracts';
import { type ConnectionState, type OutgoingMessage, RealtimeClient, type RealtimeTrace } from '@parley/realtime-client';
import { io } from 'socket.io-client';
import { Failover } from './failover';
import { until } from '@parley/test-support';
import { LIVENESS_MS } from './processes';

/** The bound on one ack, as the tests have always used: a slower answer counts as not answered. */
const ACK_MS = 3000;

export interface ClientOptions {
  name: string;
  token: string;
  /** Nodes to try in turn, as a load balancer would; the client stays on one until it goes away. */
  urls: string[];
  transports?: Array<'websocket' | 'polling'>;
}

/**
 * The shipped `RealtimeClient` (socket, resync by seq, outbox, idempotent resend: all the
 * library's) with the bookkeeping the fault tests check from the outside. Every copy of every
 * message the client is handed (live, ack, sync page) goes through its trace into an independent
 * seq → id record, so a seq that ever names two messages is a conflict even though the feed keeps
 * the first; what a person would see is the library's own feed.
 */
export class TestClient {
  readonly rt: RealtimeClient;
  /** Live broadcasts only (what sync fetched is not here), with `createdAt[i]` the arrival time of `created[i]`. */
  readonly received = { created: [] as Message[], createdAt: [] as number[], typing: [] as TypingEvent[], threadCreated: [] as Thread[], threadUpdated: [] as Thread[] };
  /** Every message.send ack the server gave this client (outbox sends and direct requests). */
  readonly acked: Message[] = [];
  readonly stats = { duplicates: 0, conflicts: 0, gapSyncs: 0, connects: 0, ackTimeouts: 0, sendAttempts: 0 };
  /** Each lost connection and when the next one was up (ms since epoch), to measure reconnects. */
  readonly outages: Array<{ lostAt: number; backAt?: number; url?: string }> = [];
  private readonly seen = new Map<string, Map<number, string>>();
  private readonly tracked = new Set<string>();
  /** Sends waiting to be stored, by clientMsgId. */
  private readonly waiting = new Map<string, (outcome: Message | Error) => void>();
  private state: ConnectionState = 'idle';
  private refused: string | undefined;

  private constructor(
    private readonly opts: ClientOptions,
    private readonly failover: Failover | undefined,
  ) {
    const transports = opts.transports;
    this.rt = new RealtimeClient({
      url: failover?.url ?? opts.urls[0],
      getToken: () => opts.token,
      ackTimeoutMs: ACK_MS,
      onUnauthorized: (code) => (this.refused = code),
      // The outbox's changes: a message the server refused for good fails its send.
      storage: { load: () => [], save: (items) => this.failed(items) },
      connect: (url, o) => io(url, transports ? { ...o, transports } : o),
    });
    this.rt.onTrace((t) => this.observe(t));
    this.rt.onState((s) => this.changed(s));
    this.rt.on(ServerEvent.MessageCreated, (m) => {
      this.received.created.push(m);
      this.received.createdAt.push(Date.now());
    });
    this.rt.on(ServerEvent.Typing, (e) => void this.received.typing.push(e));
    this.rt.on(ServerEvent.ThreadCreated, (t) => void this.received.threadCreated.push(t));
    this.rt.on(ServerEvent.ThreadUpdated, (t) => void this.received.threadUpdated.push(t));
  }

  /** A client of one node, or of several through a failover in front of them. */
  static async create(opts: ClientOptions): Promise<TestClient> {
    return new TestClient(opts, opts.urls.length > 1 ? await Failover.start(opts.urls) : undefined);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** The node this client talks to. */
  get url(): string {
    return this.failover?.current ?? this.opts.urls[0];
  }

  readonly request: RealtimeClient['request'] = (event, payload) => this.rt.request(event, payload);

  /** Connects; a refused token fails at once (every node would refuse it). */
  async connect(timeoutMs = LIVENESS_MS): Promise<void> {
    this.rt.connect();
    await until(
      `${this.opts.name} to connect`,
      () => {
        if (this.refused) throw new Error(`${this.opts.name}: token refused (${this.refused})`);
        return this.connected;
      },
      timeoutMs,
      20,
    ).catch((err: Error) => {
      throw this.refused ? new Error(`${this.opts.name}: token refused (${this.refused})`) : err;
    });
  }

  /** Follows a thread: the library joins it and syncs it now and after every reconnect. */
  async track(threadId: string): Promise<void> {
    this.tracked.add(threadId);
    await this.rt.sync(threadId);
  }

  /** The thread as this client shows it: the library's feed, in seq order. */
  messages(threadId: string): Message[] {
    return [...this.rt.feed(threadId).snapshot().messages];
  }

  lastSeq(threadId: string): number {
    return this.rt.feed(threadId).lastSeq;
  }

  /** Writes a message into the library's outbox; resolves once it is stored (acked, or seen stored). */
  send(threadId: string, body: string, timeoutMs = 20_000): Promise<Message> {
    const out = this.rt.send(threadId, body);
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`${this.opts.name}: message ${out.clientMsgId} not stored within ${timeoutMs} ms`)), timeoutMs);
      const settle = (outcome: Message | Error) => {
        clearTimeout(timer);
        this.waiting.delete(out.clientMsgId);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      this.waiting.set(out.clientMsgId, settle);
    });
  }

  /** Syncs every tracked thread to the end, retrying through reconnects until `timeoutMs`. */
  async syncAll(timeoutMs = 15_000): Promise<void> {
    for (const threadId of this.tracked) {
      await until(`${this.opts.name} to sync ${threadId}`, async () => this.connected && (await this.rt.sync(threadId), true), timeoutMs);
    }
  }

  /** Waits until `predicate` holds over what this client has received. */
  waitFor(what: string, predicate: (c: TestClient) => boolean, timeoutMs = 5000): Promise<true> {
    return until(`${this.opts.name}: ${what}`, () => predicate(this) || undefined, timeoutMs, 20);
  }

  async close(): Promise<void> {
    this.rt.disconnect();
    await this.failover?.close();
  }

  private observe(t: RealtimeTrace): void {
    if (t.type === 'gap') this.stats.gapSyncs += 1;
    if (t.type === 'request') {
      if (t.event === ClientEvent.MessageSend) this.stats.sendAttempts += 1;
      if (t.error?.code === 'TIMEOUT') this.stats.ackTimeouts += 1;
    }
    if (t.type !== 'messages') return;
    for (const m of t.messages) {
      if (t.source === 'ack') this.acked.push(m);
      this.record(m);
      if (m.clientMsgId) this.waiting.get(m.clientMsgId)?.(m);
    }
  }

  private record(m: Message): void {
    let seqs = this.seen.get(m.threadId);
    if (!seqs) this.seen.set(m.threadId, (seqs = new Map()));
    const known = seqs.get(m.seq);
    if (known === undefined) seqs.set(m.seq, m.id);
    else if (known === m.id) this.stats.duplicates += 1;
    else this.stats.conflicts += 1;
  }

  private failed(items: readonly OutgoingMessage[]): void {
    for (const o of items) {
      if (o.state === 'failed') this.waiting.get(o.clientMsgId)?.(new Error(`${this.opts.name}: message.send refused: ${o.error?.code} ${o.error?.message}`));
    }
  }

  private changed(s: ConnectionState): void {
    const was = this.state;
    this.state = s;
    if (s === 'connected') {
      this.stats.connects += 1;
      const outage = this.outages.at(-1);
      if (outage && outage.backAt === undefined) Object.assign(outage, { backAt: Date.now(), url: this.url });
    } else if (was === 'connected' && s === 'reconnecting') {
      this.outages.push({ lostAt: Date.now() });
    }
  }
}
