import { inject, Injectable, signal } from '@angular/core';
import type { Agent, AuditAction, AuditEvent, ListAuditEventsQuery } from '@parley/contracts';
import { ApiClient } from '../../../core/api/api-client';
import { describeError } from '../../../core/api/api-error';

/** What the admin filters the log by; empty strings mean "any". Dates are `yyyy-mm-dd`, in the browser's zone. */
export interface AuditFilter {
  action: AuditAction | '';
  actorId: string;
  fromDate: string;
  toDate: string;
}

export const NO_FILTER: AuditFilter = { action: '', actorId: '', fromDate: '', toDate: '' };

const PAGE = 50;

/** The start of a local day as an instant; `to` dates include their whole day. */
function dayStart(date: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

export function auditQuery(f: AuditFilter, cursor: string | null): Partial<ListAuditEventsQuery> {
  const q: Partial<ListAuditEventsQuery> = { limit: PAGE };
  if (f.action) q.action = f.action;
  if (f.actorId) q.actorId = f.actorId;
  const from = dayStart(f.fromDate);
  const to = dayStart(f.toDate, 1);
  if (from) q.from = from;
  if (to) q.to = to;
  if (cursor) q.cursor = cursor;
  return q;
}

/** The audit log, newest first, a page at a time, with the agents to filter by. */
@Injectable()
export class AuditStore {
  private readonly api = inject(ApiClient);
  private readonly list = signal<readonly AuditEvent[]>([]);
  private readonly next = signal<string | null>(null);
  private readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  private readonly failure = signal<string | null>(null);
  private readonly people = signal<readonly Agent[]>([]);
  private filter: AuditFilter = NO_FILTER;
  private generation = 0;

  readonly events = this.list.asReadonly();
  readonly hasMore = () => this.next() !== null;
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();
  readonly agents = this.people.asReadonly();

  async loadAgents(): Promise<void> {
    try {
      this.people.set(await this.api.call('get /agents'));
    } catch {
      // The filter falls back to "anyone"; the log itself says if the server is away.
    }
  }

  /** The first page for a filter; an answer for an older filter that arrives late is dropped. */
  async load(filter: AuditFilter): Promise<void> {
    this.filter = filter;
    const mine = ++this.generation;
    this.state.set('loading');
    try {
      const page = await this.api.call('get /audit-events', { query: auditQuery(filter, null) });
      if (mine !== this.generation) return;
      this.list.set(page.items);
      this.next.set(page.nextCursor);
      this.state.set('ready');
    } catch (err) {
      if (mine !== this.generation) return;
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }

  async more(): Promise<void> {
    const cursor = this.next();
    if (!cursor) return;
    const mine = this.generation;
    try {
      const page = await this.api.call('get /audit-events', { query: auditQuery(this.filter, cursor) });
      if (mine !== this.generation) return;
      this.list.update((l) => [...l, ...page.items]);
      this.next.set(page.nextCursor);
    } catch (err) {
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }
}
