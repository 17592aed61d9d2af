import { Injectable, InjectionToken, inject } from '@angular/core';
import type { Visitor } from '@parley/contracts';
import type { OutboxStorage, OutgoingMessage } from '@parley/realtime-client';
import { type StorageLike, widgetStorage } from './cookie-storage';

export interface VisitorDetails {
  name: string;
  email: string;
}

export interface StoredSession {
  token: string;
  expiresAt: string;
  visitor: Pick<Visitor, 'id' | 'name' | 'email'>;
}

/** The iframe's storage: Parley's origin, kept per customer site by the browser (see widgetStorage). */
export const WIDGET_STORAGE = new InjectionToken<StorageLike>('WIDGET_STORAGE', { factory: () => widgetStorage(window) });

const KEY = {
  session: 'parley.session',
  details: 'parley.details',
  thread: 'parley.thread',
  outbox: 'parley.outbox',
  read: 'parley.read',
} as const;

/**
 * What the widget keeps between page loads, all inside the iframe: the visitor token (never
 * handed to the host page), the details typed in the form, the current thread, the messages not
 * yet acknowledged and how far the visitor has read.
 */
@Injectable({ providedIn: 'root' })
export class VisitorStorage {
  private readonly store = inject(WIDGET_STORAGE);

  /** The session, unless it has expired. */
  session(now = Date.now()): StoredSession | null {
    const s = this.read<StoredSession>(KEY.session);
    if (!s || typeof s.token !== 'string' || !(Date.parse(s.expiresAt) > now)) return null;
    return s;
  }

  saveSession(session: StoredSession): void {
    this.write(KEY.session, session);
    this.saveDetails({ name: session.visitor.name, email: session.visitor.email });
  }

  /** Forgets the token; the details stay, to fill the form in next time. */
  clearSession(): void {
    this.store.removeItem(KEY.session);
  }

  details(): VisitorDetails | null {
    const d = this.read<VisitorDetails>(KEY.details);
    return d && typeof d.name === 'string' && typeof d.email === 'string' ? d : null;
  }

  saveDetails(d: VisitorDetails): void {
    this.write(KEY.details, d);
  }

  threadId(): string | null {
    return this.store.getItem(KEY.thread);
  }

  saveThreadId(id: string | null): void {
    if (id) this.store.setItem(KEY.thread, id);
    else this.store.removeItem(KEY.thread);
  }

  /** How far the visitor has read the current thread (only that one is kept). */
  lastRead(threadId: string): number {
    const r = this.read<{ threadId: string; seq: number }>(KEY.read);
    return r?.threadId === threadId && Number.isInteger(r.seq) ? r.seq : 0;
  }

  saveLastRead(threadId: string, seq: number): void {
    this.write(KEY.read, { threadId, seq });
  }

  /** Where the realtime client keeps unsent messages, so a reload does not lose them. */
  readonly outbox: OutboxStorage = {
    load: () => {
      const items = this.read<OutgoingMessage[]>(KEY.outbox);
      return Array.isArray(items) ? items : [];
    },
    save: (items) => (items.length ? this.write(KEY.outbox, items) : this.store.removeItem(KEY.outbox)),
  };

  private read<T>(key: string): T | null {
    try {
      return JSON.parse(this.store.getItem(key) ?? 'null') as T | null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: unknown): void {
    try {
      this.store.setItem(key, JSON.stringify(value));
    } catch {
      // Full or refused (an outbox too big for a cookie): the widget still works for this page,
      // and an older copy must not come back on the next one.
      this.store.removeItem(key);
    }
  }
}
