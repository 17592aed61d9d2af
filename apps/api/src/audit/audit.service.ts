import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuditAction, AuditActorType, AuditEvent, AuditEventPage, ListAuditEventsQuery } from '@parley/contracts';
import { IdSchema } from '@parley/contracts';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { DomainEvents } from '../common/domain-events';
import { AppConfig } from '../config/app-config';

/** Who acted, as the log keeps it. */
export interface AuditActor {
  type: AuditActorType;
  id: string | null;
  name: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string | null } | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, name: 'Parley' };
export const ANONYMOUS_ACTOR: AuditActor = { type: 'anonymous', id: null, name: null };

export function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal || principal.kind === 'visitor') return ANONYMOUS_ACTOR;
  return { type: principal.kind, id: principal.id, name: principal.name };
}

/** Field names whose values are credentials: never written to the log, at any depth. */
const SECRET_FIELD = /pass(word)?|secret|token|^key$/i;
const MAX_STRING = 500;
const MAX_ITEMS = 50;

/**
 * What a request changed, fit for the log: credentials dropped (the field is named, its value is
 * not kept), long strings cut, long lists shortened, credentials in URLs removed.
 */
export function auditDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    const clean = value.replace(/([?&](?:token|access_token|api_key|key|secret|sig)=)[^&#]*/gi, '$1[Redacted]').replace(/\/\/[^/@\s]*@/, '//[Redacted]@');
    return clean.length > MAX_STRING ? `${clean.slice(0, MAX_STRING)}…` : clean;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => auditDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELD.test(k) ? '[Redacted]' : auditDetails(v, depth + 1);
  }
  return out;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_type: AuditActorType;
  actor_id: string | null;
  actor_name: string | null;
  action: AuditAction;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

function toEvent(r: AuditRow): AuditEvent {
  return {
    id: String(r.id),
    at: r.at.toISOString(),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    target: r.target_type ? { type: r.target_type, id: r.target_id } : null,
    ip: r.ip,
    userAgent: r.user_agent,
    details: r.details,
  };
}

const SWEEP_INTERVAL_MS = 3600_000;

/**
 * The audit log: admin and security actions, appended once each (routes through
 * {@link AuditInterceptor}, the rest where they happen), read newest first by admins and by API keys
 * with `audit:read`, and swept of entries older than AUDIT_RETENTION by every node (a plain DELETE:
 * nodes that sweep at once delete the same rows once).
 */
@Injectable()
export class AuditService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Audit');
  private sweeper?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe(async (event) => {
      if (event.type !== 'webhook.disabled') return;
      await this.record({
        actor: SYSTEM_ACTOR,
        action: 'webhook.disabled',
        target: { type: 'webhook', id: event.webhook.id },
        details: { url: auditDetails(event.webhook.url), reason: event.webhook.disabledReason },
      });
    });
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn(`sweeping the audit log: ${String(err)}`));
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    this.unsubscribe?.();
  }

  async record(entry: AuditEntry): Promise<void> {
    const targetId = entry.target?.id && IdSchema.safeParse(entry.target.id).success ? entry.target.id : null;
    await this.db.query(
      `INSERT INTO audit_events (actor_type, actor_id, actor_name, action, target_type, target_id, ip, user_agent, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.actor.type,
        entry.actor.id,
        entry.actor.name,
        entry.action,
        entry.target?.type ?? null,
        targetId,
        entry.ip ?? null,
        entry.userAgent ? entry.userAgent.slice(0, 256) : null,
        JSON.stringify(auditDetails(entry.details ?? {})),
      ],
    );
  }

  async list(q: ListAuditEventsQuery): Promise<AuditEventPage> {
    const rows = (await this.db.query(
      `SELECT id, at, actor_type, actor_id, actor_name, action, target_type, target_id, ip, user_agent, details
         FROM audit_events
        WHERE ($1::text IS NULL OR action = $1)
          AND ($2::uuid IS NULL OR actor_id = $2)
          AND ($3::uuid IS NULL OR target_id = $3)
          AND ($4::timestamptz IS NULL OR at >= $4)
          AND ($5::timestamptz IS NULL OR at < $5)
          AND ($6::bigint IS NULL OR id < $6)
        ORDER BY id DESC
        LIMIT $7`,
      [q.action ?? null, q.actorId ?? null, q.targetId ?? null, q.from ?? null, q.to ?? null, q.cursor ?? null, q.limit + 1],
    )) as AuditRow[];
    const items = rows.slice(0, q.limit).map(toEvent);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  /** Deletes entries older than AUDIT_RETENTION, a batch at a time so no statement holds locks for long. Returns how many went. */
  async sweep(batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const [, n] = (await this.db.query(
        `DELETE FROM audit_events WHERE id IN (
           SELECT id FROM audit_events WHERE at < now() - $1::float8 * interval '1 millisecond' ORDER BY id LIMIT $2)`,
        [this.config.auditRetentionMs, batch],
      )) as [unknown, number];
      total += n;
      if (n < batch) return total;
    }
  }
}
