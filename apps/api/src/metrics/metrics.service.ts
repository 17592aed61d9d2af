import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createServer, type Server } from 'node:http';
import { Gauge, register, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { DomainEvents } from '../common/domain-events';
import { within } from '../common/within';
import { AppConfig } from '../config/app-config';
import { ChatGateway } from '../gateway/chat.gateway';
import { LegacyHub } from '../gateway/legacy/legacy.hub';
import { RedisBus } from '../gateway/redis.bus';
import { firstResponseSeconds } from './instruments';

/** The queue is read from the database at most this often, whatever the scrape rate. */
const QUEUE_CACHE_MS = 5000;
const QUERY_TIMEOUT_MS = 2000;

/** What the gauges read from the database, once for all of them. */
interface DbState {
  waiting: number;
  oldestSeconds: number;
  webhookPending: number;
  webhookOldestSeconds: number;
  emailPending: number;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * What `/metrics` shows: the process-wide counters and histograms (instruments.ts) and, read from
 * this app when Prometheus asks, its sockets, database pool, Redis connection and the queue. Also
 * records the first-response time, which needs a look at the thread when an agent writes.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Metrics');
  private readonly registry = new Registry();
  private queue: { at: number; value: Promise<DbState> } | undefined;
  private unsubscribe?: () => void;
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly gateway: ChatGateway,
    private readonly legacy: LegacyHub,
    private readonly redis: RedisBus,
    private readonly events: DomainEvents,
  ) {
    const registers = [this.registry];
    const sockets: Gauge<'kind' | 'protocol'> = new Gauge({
      name: 'parley_sockets_connected',
      help: 'Client connections on this node, by principal kind and protocol (socket.io or the raw WebSocket endpoint)',
      labelNames: ['kind', 'protocol'] as const,
      registers,
      collect: () => {
        sockets.reset();
        for (const [kind, n] of count(this.socketKinds())) sockets.set({ kind, protocol: 'socket.io' }, n);
        for (const [kind, n] of count(this.legacy.kinds())) sockets.set({ kind, protocol: 'raw' }, n);
      },
    });
    const pool: Gauge<'state'> = new Gauge({
      name: 'parley_db_pool_connections',
      help: 'Database pool connections of this node: total, idle, and requests waiting for one',
      labelNames: ['state'] as const,
      registers,
      collect: () => {
        const p = this.pool();
        if (!p) return;
        pool.set({ state: 'total' }, p.totalCount);
        pool.set({ state: 'idle' }, p.idleCount);
        pool.set({ state: 'waiting' }, p.waitingCount);
      },
    });
    if (config.redisUrl) {
      const redisUp: Gauge = new Gauge({
        name: 'parley_redis_connected',
        help: "1 while the socket.io Redis adapter's publish and subscribe connections are both ready",
        registers,
        collect: () => redisUp.set(this.redis.connected ? 1 : 0),
      });
    }
    const waiting: Gauge = new Gauge({
      name: 'parley_queue_threads',
      help: 'Threads waiting for an agent (the same on every node: take the max, not the sum)',
      registers,
      collect: async () => {
        const q = await this.queueState();
        if (q) waiting.set(q.waiting);
      },
    });
    const pending: Gauge = new Gauge({
      name: 'parley_webhook_pending_deliveries',
      help: 'Webhook deliveries not yet made or being retried (the outbox; the same on every node)',
      registers,
      collect: async () => {
        const q = await this.queueState();
        if (q) pending.set(q.webhookPending);
      },
    });
    const pendingOldest: Gauge = new Gauge({
      name: 'parley_webhook_oldest_pending_seconds',
      help: 'Age of the oldest webhook delivery still pending (0 when none is)',
      registers,
      collect: async () => {
        const q = await this.queueState();
        if (q) pendingOldest.set(q.webhookOldestSeconds);
      },
    });
    const emailPending: Gauge = new Gauge({
      name: 'parley_email_pending',
      help: 'Mails waiting in the email outbox to be sent or retried (the same on every node)',
      registers,
      collect: async () => {
        const q = await this.queueState();
        if (q) emailPending.set(q.emailPending);
      },
    });
    const oldest: Gauge = new Gauge({
      name: 'parley_queue_oldest_wait_seconds',
      help: 'How long the longest-waiting thread of the queue has waited (0 when none is waiting)',
      registers,
      collect: async () => {
        const q = await this.queueState();
        if (q) oldest.set(q.oldestSeconds);
      },
    });
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((e) => {
      if (e.type === 'message.created' && e.message.authorType === 'agent') return this.firstResponse(e.message.threadId, e.message.id, e.message.createdAt);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** With METRICS_PORT: `/metrics` on a port of its own, without a token. */
  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    if (port === undefined) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      this.text().then(
        (body) => res.writeHead(200, { 'content-type': this.contentType }).end(body),
        (err: unknown) => {
          this.log.error(`collecting metrics: ${String(err)}`);
          res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = server.address();
    this.log.log(`metrics on http://${host}:${typeof address === 'object' && address ? address.port : port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The port `/metrics` listens on by itself, once started (METRICS_PORT=0 picks a free one). */
  get ownPort(): number | undefined {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : undefined;
  }

  get contentType(): string {
    return register.contentType;
  }

  /** Everything, in Prometheus's text format. */
  text(): Promise<string> {
    return Registry.merge([register, this.registry]).metrics();
  }

  private *socketKinds(): Generator<string> {
    const sockets = this.gateway.server?.of('/').sockets;
    if (!sockets) return;
    for (const s of sockets.values()) {
      const kind = s.data.principal?.kind;
      if (kind) yield kind;
    }
  }

  private pool(): PgPool | undefined {
    return (this.dataSource.driver as PostgresDriver).master as PgPool | undefined;
  }

  /** The queue and the webhook outbox, read at most every few seconds; undefined when the database did not answer. */
  private async queueState(): Promise<DbState | undefined> {
    const now = Date.now();
    if (!this.queue || now - this.queue.at > QUEUE_CACHE_MS) {
      const value = within(
        this.dataSource.query(
          `SELECT q.waiting, q.oldest, w.pending, w.pending_oldest, e.email_pending
             FROM (SELECT count(*)::int AS waiting, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
                     FROM threads WHERE status = 'queued') q,
                  (SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS pending_oldest
                     FROM webhook_deliveries WHERE status = 'pending') w,
                  (SELECT count(*)::int AS email_pending FROM email_outbox WHERE status = 'pending') e`,
        ),
        QUERY_TIMEOUT_MS,
        'queue metrics',
      ).then((rows: { waiting: number; oldest: number; pending: number; pending_oldest: number; email_pending: number }[]) => ({
        waiting: rows[0].waiting,
        oldestSeconds: rows[0].oldest,
        webhookPending: rows[0].pending,
        webhookOldestSeconds: rows[0].pending_oldest,
        emailPending: rows[0].email_pending,
      }));
      this.queue = { at: now, value };
    }
    return this.queue.value.catch((err: unknown) => {
      this.queue = undefined;
      this.log.warn(`queue metrics: ${String(err)}`);
      return undefined;
    });
  }

  /** The thread's first agent message: how long after the thread began. One indexed look per agent message. */
  private async firstResponse(threadId: string, messageId: string, writtenAt: string): Promise<void> {
    const rows: { first_id: string | null; created_ms: number }[] = await this.dataSource.query(
      `SELECT (SELECT m.id FROM messages m WHERE m.thread_id = t.id AND m.author_type = 'agent' ORDER BY m.seq LIMIT 1) AS first_id,
              (EXTRACT(EPOCH FROM t.created_at) * 1000)::float8 AS created_ms
         FROM threads t WHERE t.id = $1`,
      [threadId],
    );
    const row = rows[0];
    if (row?.first_id === messageId) firstResponseSeconds.observe(Math.max(0, Date.parse(writtenAt) - row.created_ms) / 1000);
  }
}

function count(kinds: Iterable<string>): Map<string, number> {
  const n = new Map<string, number>();
  for (const k of kinds) n.set(k, (n.get(k) ?? 0) + 1);
  return n;
}
