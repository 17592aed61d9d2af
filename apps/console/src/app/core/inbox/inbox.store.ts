import { computed, DestroyRef, effect, inject, Injectable, signal, untracked } from '@angular/core';
import { ErrorCode, type Message, ServerEvent, type Thread } from '@parley/contracts';
import { ApiClient } from '../api/api-client';
import { ApiError, describeError } from '../api/api-error';
import { AttentionService } from '../attention/attention.service';
import { RealtimeService } from '../realtime/realtime.service';
import { SessionStore } from '../session/session.store';
import { LOCAL_STORAGE, readJson, StorageKeys, writeJson } from '../storage/browser-storage';
import { isolated } from '../../shared/bidi';

export interface LatestMessage {
  seq: number;
  body: string;
  /** Written by the signed-in agent ("You: …"). */
  byMe: boolean;
  createdAt: string;
}

export type ClaimResult = { ok: true; thread: Thread } | { ok: false; winner: string | null; message: string };

const LIST_LIMIT = 200;

/**
 * The live queue and the agent's own threads, with unread counts. REST gives the lists, the
 * socket keeps them current (`thread.created`/`thread.updated` reach every agent,
 * `message.created` the agent's own threads), and every (re)connection refetches them, so what
 * happened while the socket was down shows up without a page reload.
 */
@Injectable()
export class InboxStore {
  private readonly api = inject(ApiClient);
  private readonly realtime = inject(RealtimeService);
  private readonly session = inject(SessionStore);
  private readonly attention = inject(AttentionService);
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly me = this.session.agent()?.id ?? '';
  /** Admins also see every open thread ("All open"); a role change ends the session, so this holds. */
  private readonly admin = this.session.isAdmin();
  private readonly markersKey = StorageKeys.readMarkers(this.me);

  /** Threads seen in the lists or in events, newest version of each (the lists filter them). */
  private readonly threads = signal<ReadonlyMap<string, Thread>>(new Map());
  /** Seqs of visitor messages after the read marker, per thread: their count is the unread count. */
  private readonly unseen = signal<Readonly<Record<string, readonly number[]>>>({});
  private readonly lastActivity = signal<Readonly<Record<string, string>>>({});
  private readonly lastMessages = signal<Readonly<Record<string, LatestMessage>>>({});
  private readonly loadState = signal<'loading' | 'ready' | 'error'>('loading');
  private readonly loadError = signal<string | null>(null);
  private readonly openThread = signal<string | null>(null);
  private readMarkers: Record<string, number> = readJson(this.storage, this.markersKey, {});
  /** Threads an event touched while a refresh was in flight: the event is newer than the list. */
  private readonly touched = new Set<string>();
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;

  /** Waiting threads, oldest first. */
  readonly queue = computed(() =>
    [...this.threads().values()].filter((t) => t.status === 'queued').sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  );
  /** The agent's active threads, most recent activity first. */
  readonly mine = computed(() => {
    const activity = this.lastActivity();
    const at = (t: Thread) => activity[t.id] ?? t.updatedAt;
    return [...this.threads().values()]
      .filter((t) => t.status === 'active' && t.assignedAgent?.id === this.me)
      .sort((a, b) => at(b).localeCompare(at(a)));
  });
  /** Every open thread, waiting and active, oldest first: the admins' "All open" (empty for other agents). */
  readonly allOpen = computed(() =>
    this.admin
      ? [...this.threads().values()].filter((t) => t.status !== 'closed').sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      : [],
  );
  /**
   * The newest message of each thread (the list shows it under the name): the one the server sent
   * with the thread, or a newer one heard since, whichever has the higher seq.
   */
  readonly latest = computed(() => {
    const heard = this.lastMessages();
    const out: Record<string, LatestMessage> = {};
    for (const t of this.threads().values()) {
      const stored = t.lastMessage;
      const live = heard[t.id];
      if (live && (!stored || live.seq >= stored.seq)) out[t.id] = live;
      else if (stored) out[t.id] = { seq: stored.seq, body: stored.body, byMe: this.isMine(stored), createdAt: stored.createdAt };
    }
    return out;
  });
  readonly unread = computed(() => {
    const counts: Record<string, number> = {};
    for (const [id, seqs] of Object.entries(this.unseen())) counts[id] = seqs.length;
    return counts;
  });
  readonly unreadTotal = computed(() => this.mine().reduce((n, t) => n + (this.unread()[t.id] ?? 0), 0));
  readonly status = this.loadState.asReadonly();
  readonly error = this.loadError.asReadonly();
  readonly viewing = this.openThread.asReadonly();

  constructor() {
    const offs = [
      this.realtime.on(ServerEvent.ThreadCreated, (t) => this.onThreadCreated(t)),
      this.realtime.on(ServerEvent.ThreadUpdated, (t) => this.absorb(t, true)),
      this.realtime.on(ServerEvent.MessageCreated, (m) => this.onMessage(m)),
    ];
    // Load now, and again after every (re)connection: events missed while away are in the lists.
    effect(() => {
      this.realtime.connectionCount();
      untracked(() => void this.refresh());
    });
    effect(() => this.attention.setUnreadTotal(this.unreadTotal()));
    effect(() => this.attention.setWaitingTotal(this.queue().length));
    // Looking at a thread reads it.
    effect(() => {
      const id = this.openThread();
      if (id && this.attention.tabVisible() && (this.unseen()[id]?.length ?? 0) > 0) {
        untracked(() => this.markRead(id, Math.max(...(this.unseen()[id] ?? [0]))));
      }
    });
    inject(DestroyRef).onDestroy(() => {
      for (const off of offs) off();
      this.attention.setUnreadTotal(0);
      this.attention.setWaitingTotal(0);
    });
  }

  thread(id: string): Thread | undefined {
    return this.threads().get(id);
  }

  /** The thread on screen: its messages count as read while the tab is visible. */
  setViewing(threadId: string | null): void {
    this.openThread.set(threadId);
  }

  /** Everything up to `seq` in the thread has been seen. */
  markRead(threadId: string, seq: number): void {
    if ((this.readMarkers[threadId] ?? 0) < seq) {
      this.readMarkers = { ...this.readMarkers, [threadId]: seq };
      writeJson(this.storage, this.markersKey, this.readMarkers);
    }
    const marker = this.readMarkers[threadId];
    this.unseen.update((u) => {
      const left = (u[threadId] ?? []).filter((s) => s > marker);
      return left.length === (u[threadId]?.length ?? 0) ? u : { ...u, [threadId]: left };
    });
  }

  /** Refetches the queue and the agent's threads; concurrent calls share one request. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.load().finally(() => {
      this.refreshing = null;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  /** Claims a waiting thread; losing the race says who won. */
  async claim(threadId: string): Promise<ClaimResult> {
    try {
      const thread = await this.api.call('post /threads/{id}/claim', { params: { id: threadId } });
      this.absorb(thread, true);
      return { ok: true, thread };
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== ErrorCode.ThreadAlreadyClaimed) {
        return { ok: false, winner: null, message: describeError(err) };
      }
      const thread = await this.api.call('get /threads/{id}', { params: { id: threadId } }).catch(() => null);
      if (thread) this.absorb(thread, true);
      const winner = thread?.assignedAgent?.name ?? null;
      return { ok: false, winner, message: winner ? `${winner} claimed this conversation first.` : err.message };
    }
  }

  /** A thread read or changed elsewhere (the thread view's close, say). */
  upsert(thread: Thread): void {
    this.absorb(thread, true);
  }

  private async load(): Promise<void> {
    this.touched.clear();
    try {
      const [queued, active] = await Promise.all([
        this.api.call('get /threads', { query: { status: 'queued', order: 'asc', limit: LIST_LIMIT } }),
        // An admin's "All open" needs everyone's active threads; the agent's own are among them.
        this.api.call('get /threads', { query: { status: 'active', assignee: this.admin ? undefined : 'me', limit: LIST_LIMIT } }),
      ]);
      const mine = active.items.filter((t) => t.assignedAgent?.id === this.me);
      const fresh = new Map<string, Thread>();
      for (const t of [...queued.items, ...active.items]) fresh.set(t.id, t);
      this.threads.update((known) => {
        const next = new Map<string, Thread>();
        for (const [id, t] of fresh) {
          const old = known.get(id);
          next.set(id, old && this.touched.has(id) && old.updatedAt > t.updatedAt ? old : t);
        }
        // Gone from the lists (claimed by someone else, closed) unless an event said otherwise meanwhile.
        for (const [id, t] of known) if (!next.has(id) && this.touched.has(id)) next.set(id, t);
        return next;
      });
      this.loadState.set('ready');
      this.loadError.set(null);
      await this.countUnread(mine);
    } catch (err) {
      this.loadError.set(describeError(err));
      if (this.loadState() === 'loading') this.loadState.set('error');
    }
  }

  /** Counts visitor messages after each read marker (they may have come while the socket was down). */
  private async countUnread(threads: readonly Thread[]): Promise<void> {
    const ids = new Set(threads.map((t) => t.id));
    this.readMarkers = Object.fromEntries(Object.entries(this.readMarkers).filter(([id]) => ids.has(id)));
    writeJson(this.storage, this.markersKey, this.readMarkers);
    await Promise.all(
      threads
        .filter((t) => t.lastSeq > (this.readMarkers[t.id] ?? 0))
        .map(async (t) => {
          const page = await this.api
            .call('get /threads/{id}/messages', { params: { id: t.id }, query: { afterSeq: this.readMarkers[t.id] ?? 0, limit: LIST_LIMIT } })
            .catch(() => null);
          if (!page) return;
          for (const m of page.items) this.noteMessage(m);
        }),
    );
  }

  private onThreadCreated(thread: Thread): void {
    const isNew = !this.threads().has(thread.id);
    this.absorb(thread, true);
    if (isNew && thread.status === 'queued') {
      this.attention.alert({
        title: `${isolated(thread.visitor.name)} is waiting`,
        body: thread.preview ?? thread.visitor.email,
        url: `/queue/${thread.id}`,
        tag: thread.id,
      });
    }
  }

  private onMessage(message: Message): void {
    const thread = this.threads().get(message.threadId);
    if (!thread) return;
    this.lastActivity.update((a) => ({ ...a, [message.threadId]: message.createdAt }));
    if (message.authorType !== 'system') {
      const latest: LatestMessage = { seq: message.seq, body: message.body, byMe: this.isMine(message), createdAt: message.createdAt };
      this.lastMessages.update((l) => ({ ...l, [message.threadId]: latest }));
    }
    const mine = thread.status === 'active' && thread.assignedAgent?.id === this.me;
    if (!mine || !this.noteMessage(message)) return;
    const looking = this.openThread() === message.threadId && this.attention.tabVisible();
    if (!looking) {
      this.attention.alert({
        title: message.authorName ?? thread.visitor.name,
        body: message.body.length > 140 ? `${message.body.slice(0, 139)}…` : message.body,
        url: `/mine/${message.threadId}`,
        tag: message.threadId,
      });
    }
  }

  private isMine(m: Pick<Message, 'authorType' | 'authorId'>): boolean {
    return m.authorType === 'agent' && m.authorId === this.me;
  }

  /** Records an unseen visitor message; true when it was new. */
  private noteMessage(m: Message): boolean {
    if (m.authorType !== 'visitor' || m.seq <= (this.readMarkers[m.threadId] ?? 0)) return false;
    const seen = this.unseen()[m.threadId] ?? [];
    if (seen.includes(m.seq)) return false;
    this.unseen.update((u) => ({ ...u, [m.threadId]: [...seen, m.seq] }));
    return true;
  }

  /**
   * Keeps the newest version of a thread, whatever its status: a thread claimed by someone else
   * stays known (and out of both lists), so a list fetched before the claim cannot bring it back.
   */
  private absorb(thread: Thread, touch: boolean): void {
    if (touch) this.touched.add(thread.id);
    this.threads.update((map) => {
      const old = map.get(thread.id);
      if (old && old.updatedAt > thread.updatedAt) return map;
      return new Map(map).set(thread.id, thread);
    });
  }
}
