import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type CreatedWebhook,
  type CreateWebhookRequest,
  ErrorCode,
  type ListWebhookDeliveriesQuery,
  type UpdateWebhookRequest,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEventType,
  WEBHOOK_MAX_ENDPOINTS,
  WEBHOOK_TEST_EVENT,
} from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import { iso, isoOrNull } from '../common/mappers';
import { AppConfig } from '../config/app-config';
import { newWebhookSecret, SecretBox } from './webhook-crypto';
import { WebhookOutbox } from './webhook-outbox';
import { checkTarget } from './webhook-target';

/** How long the previous secret keeps signing after a rotation. */
export const PREVIOUS_SECRET_TTL = '24 hours';

interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  thread_id: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  response_status: number | null;
  duration_ms: number | null;
  error: string | null;
  redelivery_of: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  delivered_at: Date | null;
}

const WEBHOOK_COLUMNS = 'id, url, description, events, enabled, disabled_reason, disabled_at, previous_secret_expires_at, created_at, updated_at';
const DELIVERY_COLUMNS =
  'id, webhook_id, event_id, event_type, thread_id, status, attempts, response_status, duration_ms, error, redelivery_of, created_at, last_attempt_at, next_attempt_at, delivered_at';

function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    disabledAt: isoOrNull(r.disabled_at),
    previousSecretExpiresAt: isoOrNull(r.previous_secret_expires_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    threadId: r.thread_id,
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.response_status,
    durationMs: r.duration_ms,
    error: r.error,
    redeliveryOf: r.redelivery_of,
    createdAt: iso(r.created_at),
    lastAttemptAt: isoOrNull(r.last_attempt_at),
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    deliveredAt: isoOrNull(r.delivered_at),
  };
}

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

const notFound = () => new AppError(ErrorCode.WebhookNotFound, 'No such webhook');

/** Webhook endpoints and their delivery log (admins and keys with `webhooks:manage`). */
@Injectable()
export class WebhooksService {
  private readonly log = new Logger('Webhooks');
  private readonly box: SecretBox;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly outbox: WebhookOutbox,
  ) {
    this.box = new SecretBox(config.jwtSecret);
  }

  async list(): Promise<Webhook[]> {
    const rows = rowsOf<WebhookRow>(await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id`));
    return rows.map(toWebhook);
  }

  async get(id: string): Promise<Webhook> {
    const [row] = rowsOf<WebhookRow>(await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]));
    if (!row) throw notFound();
    return toWebhook(row);
  }

  async create(req: CreateWebhookRequest, createdBy: string): Promise<CreatedWebhook> {
    await checkTarget(req.url, this.config.webhooks);
    const secret = newWebhookSecret();
    // The count and the insert in one statement under a lock on the table's rows, so two requests cannot both make the 11th.
    const row = await this.db.transaction(async (sql) => {
      await sql.query(`LOCK TABLE webhooks IN SHARE ROW EXCLUSIVE MODE`);
      const [{ n }] = rowsOf<{ n: number }>(await sql.query(`SELECT count(*)::int AS n FROM webhooks`));
      if (n >= WEBHOOK_MAX_ENDPOINTS) {
        throw new AppError(ErrorCode.WebhookLimitReached, `At most ${WEBHOOK_MAX_ENDPOINTS} webhook endpoints; delete one first`);
      }
      const [created] = rowsOf<WebhookRow>(
        await sql.query(
          `INSERT INTO webhooks (url, description, events, enabled, secret, created_by) VALUES ($1, $2, $3::text[], $4, $5, $6)
           RETURNING ${WEBHOOK_COLUMNS}`,
          [req.url, req.description ?? null, req.events, req.enabled ?? true, this.box.seal(secret), createdBy],
        ),
      );
      return created;
    });
    await this.outbox.reload();
    return { ...toWebhook(row), secret };
  }

  async update(id: string, req: UpdateWebhookRequest): Promise<Webhook> {
    if (req.url !== undefined) await checkTarget(req.url, this.config.webhooks);
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (req.url !== undefined) set('url', req.url);
    if (req.events !== undefined) set('events', req.events, '::text[]');
    if (req.description !== undefined) set('description', req.description);
    if (req.enabled !== undefined) {
      set('enabled', req.enabled);
      // On again: the reason is history; the endpoint starts with a clean failure record.
      if (req.enabled) sets.push('disabled_reason = NULL', 'disabled_at = NULL', 'failing_since = NULL');
      else sets.push('disabled_at = COALESCE(disabled_at, now())');
    }
    const [row] = rowsOf<WebhookRow>(
      await this.db.query(`UPDATE webhooks SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`, params),
    );
    if (!row) throw notFound();
    await this.outbox.reload();
    if (req.enabled) this.outbox.committed();
    return toWebhook(row);
  }

  async remove(id: string): Promise<Webhook> {
    const [row] = rowsOf<WebhookRow>(await this.db.query(`DELETE FROM webhooks WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`, [id]));
    if (!row) throw notFound();
    // Events no endpoint delivers any more go with it.
    await this.db.query(`DELETE FROM webhook_events e WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`);
    await this.outbox.reload();
    return toWebhook(row);
  }

  /** A new secret; the current one becomes the previous one and keeps signing for 24 h. */
  async rotateSecret(id: string): Promise<CreatedWebhook> {
    const secret = newWebhookSecret();
    const [row] = rowsOf<WebhookRow>(
      await this.db.query(
        `UPDATE webhooks SET previous_secret = secret, previous_secret_expires_at = now() + interval '${PREVIOUS_SECRET_TTL}',
                secret = $2, updated_at = now()
          WHERE id = $1 RETURNING ${WEBHOOK_COLUMNS}`,
        [id, this.box.seal(secret)],
      ),
    );
    if (!row) throw notFound();
    return { ...toWebhook(row), secret };
  }

  async deliveries(id: string, q: ListWebhookDeliveriesQuery): Promise<WebhookDelivery[]> {
    await this.get(id);
    const rows = rowsOf<DeliveryRow>(
      await this.db.query(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
          WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, ord DESC LIMIT $3`,
        [id, q.status ?? null, q.limit],
      ),
    );
    return rows.map(toDelivery);
  }

  /** The event of a delivery, sent again as a new delivery (its own id, after the endpoint's other waiting events of that thread). */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.get(id);
    const [row] = rowsOf<DeliveryRow>(
      await this.db.query(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, thread_id, redelivery_of)
         SELECT webhook_id, event_id, event_type, thread_id, id FROM webhook_deliveries WHERE id = $2 AND webhook_id = $1
         RETURNING ${DELIVERY_COLUMNS}`,
        [id, deliveryId],
      ),
    );
    if (!row) throw new AppError(ErrorCode.WebhookDeliveryNotFound, 'No such delivery of this webhook');
    this.outbox.committed();
    return toDelivery(row);
  }

  /** A `webhook.test` event for this endpoint alone. */
  async test(id: string): Promise<WebhookDelivery> {
    const hook = await this.get(id);
    const [row] = rowsOf<DeliveryRow>(
      await this.db.query(
        `WITH e AS (INSERT INTO webhook_events (type, data) VALUES ($2, $3::jsonb) RETURNING id, type)
         INSERT INTO webhook_deliveries (webhook_id, event_id, event_type) SELECT $1, e.id, e.type FROM e
         RETURNING ${DELIVERY_COLUMNS}`,
        [id, WEBHOOK_TEST_EVENT, JSON.stringify({ webhook: { id: hook.id, url: hook.url } })],
      ),
    );
    this.outbox.committed();
    this.log.debug(`test event queued for webhook ${id}`);
    return toDelivery(row);
  }
}
