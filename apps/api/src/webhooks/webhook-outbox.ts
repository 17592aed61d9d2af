import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Message, Thread, WebhookEventType } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** Anything that runs SQL: the data source, or a transaction's entity manager. */
type Sql = Pick<DataSource, 'query'>;

/** How often a node re-reads which events enabled endpoints subscribe to (changes made on other nodes). */
const REFRESH_MS = 1000;

/** What changed in a thread, as `thread.updated` tells it. */
export type ThreadChange = 'claimed' | 'assigned' | 'transferred' | 'closed' | 'requeued' | 'tagged' | 'untagged';

export interface OutboxEvent {
  type: WebhookEventType;
  threadId: string | null;
  data: object;
}

/**
 * The webhook outbox, written inside the transaction of the change. Each node keeps the set of event
 * types some enabled endpoint subscribes to, so a write that nobody listens to costs nothing: it is
 * reloaded at once after a change on this node and every second for changes made on other nodes.
 * When the set says someone may listen, the insert itself joins the `webhooks` table, so what is
 * written follows the table as the transaction sees it, not the cache.
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('WebhookOutbox');
  private subscribed = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  /** Reads started and the latest one applied (see reload). */
  private started = 0;
  private applied = 0;
  /** Called after an event was committed, so this node's dispatcher looks for work at once. */
  private wake: () => void = () => undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      // One periodic read at a time; a slow database does not pile them up.
      if (this.ticking) return;
      this.ticking = true;
      void this.reload().finally(() => (this.ticking = false));
    }, Math.min(REFRESH_MS, this.config.webhooks.pollIntervalMs));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  onWake(wake: () => void): void {
    this.wake = wake;
  }

  /**
   * Reads the subscribed event types again. Each call runs its own query, started after the change
   * the caller made (a read already in flight may predate it), and a result is applied only when
   * no later-started read has been applied already.
   */
  async reload(): Promise<void> {
    const mine = ++this.started;
    try {
      const rows: { type: string }[] = await this.db.query(`SELECT DISTINCT unnest(events) AS type FROM webhooks WHERE enabled`);
      if (mine > this.applied) {
        this.applied = mine;
        this.subscribed = new Set(rows.map((r) => r.type));
      }
    } catch (err) {
      this.log.warn(`reading webhook subscriptions: ${String(err)}`);
    }
  }

  wants(type: WebhookEventType): boolean {
    return this.subscribed.has(type);
  }

  /** The dispatcher should look now: an event was committed on this node. */
  committed(): void {
    this.wake();
  }

  /**
   * CTEs for the group-commit statement of ThreadsRepository.appendMany, or '' when no endpoint
   * subscribes to `message.created`: one more INSERT ... SELECT from its inserted rows (`ins`), its
   * threads (`l`, locked) and their new last seq (`t`), with one delivery per subscribed endpoint.
   */
  messageCtes(): string {
    if (!this.wants('message.created')) return '';
    return `,
  wev AS (
    INSERT INTO webhook_events (type, thread_id, data)
    SELECT 'message.created', ins.thread_id, jsonb_build_object(
             'message', jsonb_build_object('id', ins.id, 'threadId', ins.thread_id, 'seq', ins.seq, 'authorType', ins.author_type,
               'authorId', ins.author_id, 'authorName', ins.author_name, 'body', ins.body, 'clientMsgId', ins.client_msg_id,
               'attachments', ins.attachments, 'createdAt', to_char(ins.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
             'thread', jsonb_build_object('id', ins.thread_id, 'status', l.status, 'lastSeq', t.last_seq))
      FROM ins JOIN t ON t.id = ins.thread_id JOIN l ON l.id = ins.thread_id
     WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.enabled AND 'message.created' = ANY (w.events))
     ORDER BY ins.thread_id, ins.seq
    RETURNING id, ord, type, thread_id),
  wdl AS (
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, thread_id)
    SELECT w.id, wev.id, wev.type, wev.thread_id FROM wev JOIN webhooks w ON w.enabled AND wev.type = ANY (w.events)
     ORDER BY wev.ord, w.id)`;
  }

  /** Records events in the caller's transaction (`sql`); nothing when no endpoint subscribes to their types. */
  async record(sql: Sql, events: readonly OutboxEvent[]): Promise<void> {
    const wanted = events.filter((e) => this.wants(e.type));
    if (wanted.length === 0) return;
    await sql.query(
      `WITH e AS (
         INSERT INTO webhook_events (type, thread_id, data)
         SELECT i.type, i.thread_id, i.data FROM unnest($1::text[], $2::uuid[], $3::jsonb[]) WITH ORDINALITY AS i(type, thread_id, data, n)
          WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.enabled AND i.type = ANY (w.events))
          ORDER BY i.n
         RETURNING id, ord, type, thread_id)
       INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, thread_id)
       SELECT w.id, e.id, e.type, e.thread_id FROM e JOIN webhooks w ON w.enabled AND e.type = ANY (w.events)
        ORDER BY e.ord, w.id`,
      [wanted.map((e) => e.type), wanted.map((e) => e.threadId), wanted.map((e) => JSON.stringify(e.data))],
    );
  }

  static threadCreated(thread: Thread): OutboxEvent {
    return { type: 'thread.created', threadId: thread.id, data: { thread } };
  }

  static threadUpdated(thread: Thread, change: ThreadChange): OutboxEvent {
    return { type: 'thread.updated', threadId: thread.id, data: { change, thread } };
  }

  static messageCreated(message: Message, thread: Thread): OutboxEvent {
    return { type: 'message.created', threadId: message.threadId, data: { message, thread: { id: thread.id, status: thread.status, lastSeq: thread.lastSeq } } };
  }
}
