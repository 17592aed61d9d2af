import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LIMITS, type VisitorContext, type VisitorPagePayload } from '@parley/contracts';
import { Repository } from 'typeorm';
import { OFFLINE_GRACE_MS } from '../agents/presence.service';
import type { Principal } from '../auth/principal';
import { DomainEvents } from '../common/domain-events';
import { iso } from '../common/mappers';
import { ThreadsService } from '../threads/threads.service';
import { VisitorEntity } from '../users/visitor.entity';
import { WidgetService } from '../widget/widget.service';
import { describeUserAgent } from './user-agent';

interface ContextRow {
  id: string;
  online: boolean;
  last_seen_at: Date | string;
  pages: { url: string; title: string; at: string }[];
  user_agent: string | null;
  time_zone: string | null;
  last_ip: string | null;
}
const COLUMNS = 'id, online, last_seen_at, pages, user_agent, time_zone, last_ip';

/**
 * Where a visitor is, for the agents: its sockets come and go (online, and a new visit after
 * {@link LIMITS.visitGapMinutes} without one), its widget reports pages and its time zone. Every
 * change goes to the agents as `visitor.context`; the visitor itself never reads it.
 */
@Injectable()
export class VisitorContextService {
  private readonly log = new Logger('VisitorContext');

  constructor(
    @InjectRepository(VisitorEntity) private readonly visitors: Repository<VisitorEntity>,
    private readonly threads: ThreadsService,
    private readonly widget: WidgetService,
    private readonly events: DomainEvents,
  ) {}

  /** A socket of the visitor connected: it is online; after a long absence its list of pages starts again. Never rejects. */
  async connected(visitorId: string, userAgent: string | undefined, ip: string): Promise<void> {
    try {
      const rows = await this.rows(
        `UPDATE visitors SET
           pages = CASE WHEN NOT online AND last_seen_at < now() - make_interval(mins => $4) THEN '[]'::jsonb ELSE pages END,
           online = true, last_seen_at = now(), user_agent = $2, last_ip = $3
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [visitorId, userAgent?.slice(0, LIMITS.userAgentMax) ?? null, ip, LIMITS.visitGapMinutes],
      );
      await this.announce(rows);
    } catch (err) {
      this.log.warn(`visitor ${visitorId} connected: ${String(err)}`);
    }
  }

  /**
   * One of the visitor's sockets closed. After the grace period (a reload, a move to another node),
   * when no socket of it is left on any node, it has left the site. A socket that connected
   * meanwhile moved `last_seen_at` past the time read before asking, so it is not marked gone.
   */
  disconnected(visitorId: string, stillConnected: () => Promise<boolean>): void {
    setTimeout(() => void this.markGoneIfGone(visitorId, stillConnected), OFFLINE_GRACE_MS).unref();
  }

  private async markGoneIfGone(visitorId: string, stillConnected: () => Promise<boolean>): Promise<void> {
    try {
      const [{ asked }] = (await this.visitors.query(`SELECT now() AS asked`)) as { asked: Date }[];
      if (await stillConnected()) return;
      const rows = await this.rows(`UPDATE visitors SET online = false, last_seen_at = now() WHERE id = $1 AND online AND last_seen_at < $2 RETURNING ${COLUMNS}`, [visitorId, asked]);
      await this.announce(rows);
    } catch (err) {
      this.log.warn(`visitor ${visitorId} went away: ${String(err)}`);
    }
  }

  /**
   * The page the visitor is on now. The same address as the newest page only updates its title (an
   * SPA names its page after the address changed, a reconnecting widget says it again); another
   * one goes first in the list, which keeps the newest {@link LIMITS.visitorPagesMax}.
   */
  async page(visitorId: string, p: VisitorPagePayload): Promise<void> {
    const rows = await this.rows(
      `UPDATE visitors SET
         time_zone = COALESCE($4, time_zone),
         pages = CASE WHEN pages->0->>'url' = $2 THEN jsonb_set(pages, '{0,title}', to_jsonb($3::text))
           ELSE (SELECT COALESCE(jsonb_agg(e ORDER BY i), '[]'::jsonb)
                 FROM jsonb_array_elements(jsonb_build_array(jsonb_build_object('url', $2::text, 'title', $3::text, 'at', now())) || pages) WITH ORDINALITY AS t(e, i)
                 WHERE i <= $5) END
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [visitorId, p.url, p.title.trim(), p.timeZone ?? null, LIMITS.visitorPagesMax],
    );
    await this.announce(rows);
  }

  /** The context of a thread's visitor, for an agent who may read the thread. */
  async forThread(principal: Principal, threadId: string): Promise<VisitorContext> {
    const thread = await this.threads.get(principal, threadId);
    const rows = await this.rows(`SELECT ${COLUMNS} FROM visitors WHERE id = $1`, [thread.visitor.id]);
    return this.toContext(rows[0], (await this.widget.get()).showVisitorIp);
  }

  private async announce(rows: ContextRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.events.emit({ type: 'visitor.context', context: this.toContext(rows[0], (await this.widget.get()).showVisitorIp) });
  }

  private async rows(sql: string, params: unknown[]): Promise<ContextRow[]> {
    const result = (await this.visitors.query(sql, params)) as ContextRow[] | [ContextRow[], number];
    // An UPDATE ... RETURNING answers [rows, count] on PostgreSQL through TypeORM.
    return Array.isArray(result[0]) ? (result[0] as ContextRow[]) : (result as ContextRow[]);
  }

  private toContext(row: ContextRow, showIp: boolean): VisitorContext {
    return {
      visitorId: row.id,
      online: row.online,
      lastSeenAt: iso(new Date(row.last_seen_at)),
      pages: row.pages.map((p) => ({ url: p.url, title: p.title, at: iso(new Date(p.at)) })),
      ...describeUserAgent(row.user_agent),
      timeZone: row.time_zone,
      ...(showIp ? { ip: row.last_ip } : {}),
    };
  }
}
