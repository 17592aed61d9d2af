import { computed, DestroyRef, effect, inject, Injectable, signal, untracked } from '@angular/core';
import { type Attachment, ClientEvent, type Note, ServerEvent, type Thread, type TypingEvent, type VisitorContext } from '@parley/contracts';
import type { FeedSnapshot } from '@parley/realtime-client';
import { ApiClient } from '../../core/api/api-client';
import { describeError } from '../../core/api/api-error';
import { RealtimeService } from '../../core/realtime/realtime.service';
import { SessionStore } from '../../core/session/session.store';
import { InboxStore } from '../../core/inbox/inbox.store';

/** A typing indicator that is not refreshed within this time is gone (the visitor left mid-word). */
const TYPING_TTL_MS = 6_000;
/** While the agent types, "typing" is re-sent at most this often, and "stopped" after this idle time. */
const TYPING_REPEAT_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

/**
 * One open thread: its transcript (the shared client's feed: stored messages in seq order, each
 * once, plus this agent's unsent ones), the visitor's typing, and the actions on it. Provided by
 * the thread view, so each view has its own and it ends with the view.
 */
@Injectable()
export class ThreadStore {
  private readonly api = inject(ApiClient);
  private readonly realtime = inject(RealtimeService);
  private readonly inbox = inject(InboxStore);
  private readonly session = inject(SessionStore);

  private readonly id = signal<string | null>(null);
  private readonly threadState = signal<Thread | null>(null);
  private readonly feed = signal<FeedSnapshot | null>(null);
  private readonly typingState = signal<TypingEvent | null>(null);
  private readonly loadError = signal<string | null>(null);
  private readonly busyWith = signal<'claim' | 'close' | null>(null);
  private readonly noticeText = signal<string | null>(null);
  private readonly previous = signal<readonly Thread[]>([]);
  private readonly contextState = signal<VisitorContext | null>(null);
  private readonly notesState = signal<readonly Note[]>([]);
  private readonly noteModeState = signal(false);
  private unwatch: (() => void) | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSentAt = 0;
  /** The highest seq this view has told the server the agents have read. */
  private agentReadSent = 0;

  readonly threadId = this.id.asReadonly();
  readonly thread = this.threadState.asReadonly();
  readonly messages = computed(() => this.feed()?.messages ?? []);
  readonly outgoing = computed(() => this.feed()?.outgoing ?? []);
  readonly loaded = computed(() => this.feed() !== null);
  readonly visitorTyping = computed(() => {
    const t = this.typingState();
    return t?.isTyping ? t.authorName : null;
  });
  readonly error = this.loadError.asReadonly();
  readonly busy = this.busyWith.asReadonly();
  /** Why the last action did not work (lost a claim race, say). */
  readonly notice = this.noticeText.asReadonly();
  /** The visitor's earlier, closed conversations (same email). */
  readonly history = this.previous.asReadonly();
  /** Where the visitor is: pages of this visit, browser, time zone, whether still on the site (live). */
  readonly visitorContext = this.contextState.asReadonly();
  readonly isMine = computed(() => this.threadState()?.assignedAgent?.id === this.session.agent()?.id);
  /** Messages are held back by the server's rate limit and go out by themselves shortly. */
  readonly slowDown = computed(() => this.realtime.slowDown());
  /** The connection is down: messages on their way wait for it. */
  readonly connectionDown = computed(() => this.realtime.down());
  /** Read receipts: how far the visitor has read (the thread's mark, raised live by `thread.read`). */
  readonly visitorReadSeq = computed(() => Math.max(this.threadState()?.visitorReadSeq ?? 0, this.visitorRead()));
  private readonly visitorRead = signal(0);
  readonly canWrite = computed(() => this.threadState()?.status === 'active' && this.isMine());
  /** The thread's private notes, in noteSeq order: every agent sees them, the visitor never. */
  readonly notes = this.notesState.asReadonly();
  /** The composer writes a private note instead of a reply (the N shortcut, the Note button). */
  readonly noteMode = this.noteModeState.asReadonly();

  constructor() {
    const offs = [
      this.realtime.on(ServerEvent.ThreadUpdated, (t) => {
        if (t.id === this.id()) this.setThread(t);
      }),
      this.realtime.on(ServerEvent.ThreadRead, (r) => {
        if (r.threadId === this.id() && r.side === 'visitor') this.visitorRead.update((s) => Math.max(s, r.seq));
      }),
      this.realtime.on(ServerEvent.VisitorContext, (c) => {
        if (c.visitorId === this.threadState()?.visitor.id) this.contextState.set(c);
      }),
      this.realtime.on(ServerEvent.NoteCreated, (n) => {
        if (n.threadId !== this.id()) return;
        const last = this.notesState().at(-1)?.noteSeq ?? 0;
        // A gap (a note missed while the room was being joined): fetch what is missing.
        if (n.noteSeq > last + 1) void this.loadNotes(n.threadId);
        else this.addNotes([n]);
      }),
      this.realtime.on(ServerEvent.Typing, (e) => {
        if (e.threadId !== this.id() || e.authorType !== 'visitor') return;
        clearTimeout(this.typingTimer);
        this.typingState.set(e);
        if (e.isTyping) this.typingTimer = setTimeout(() => this.typingState.set(null), TYPING_TTL_MS);
      }),
    ];
    // After every (re)connection: the notes written while the socket was away.
    effect(() => {
      this.realtime.connectionCount();
      untracked(() => {
        const id = this.id();
        if (id) void this.loadNotes(id);
      });
    });
    inject(DestroyRef).onDestroy(() => {
      for (const off of offs) off();
      this.leave();
      clearTimeout(this.typingTimer);
      clearTimeout(this.idleTimer);
    });
  }

  /** Shows a thread: what the lists know at once, then the server's copy and the live feed. */
  async open(threadId: string): Promise<void> {
    if (threadId === this.id()) return;
    this.leave();
    this.id.set(threadId);
    this.threadState.set(this.inbox.thread(threadId) ?? null);
    this.feed.set(null);
    this.typingState.set(null);
    this.noticeText.set(null);
    this.loadError.set(null);
    this.previous.set([]);
    this.contextState.set(null);
    this.notesState.set([]);
    this.visitorRead.set(0);
    this.inbox.setViewing(threadId);
    this.agentReadSent = 0;
    this.unwatch = this.realtime.watch(threadId, (s) => {
      this.feed.set(s);
      this.markRead(threadId, s.lastSeq);
    });
    try {
      const thread = await this.api.call('get /threads/{id}', { params: { id: threadId } });
      if (this.id() !== threadId) return;
      this.setThread(thread);
      void this.loadHistory(thread);
      void this.loadContext(thread.id);
      void this.loadNotes(thread.id);
    } catch (err) {
      if (this.id() === threadId) this.loadError.set(describeError(err));
    }
  }

  /** Sends text, files (uploads of this thread), or both. */
  send(body: string, attachments: readonly Attachment[] = []): void {
    const id = this.id();
    const text = body.trim();
    if (!id || (!text && attachments.length === 0) || !this.canWrite()) return;
    this.realtime.send(id, text, attachments);
    this.stopTyping();
  }

  setNoteMode(on: boolean): void {
    this.noteModeState.set(on);
  }

  /**
   * Writes a private note (any agent, on any thread); resolves with null once the server stored
   * it, or with the reason it did not. The clientNoteId makes a resend after a lost ack harmless.
   */
  async sendNote(body: string): Promise<string | null> {
    const threadId = this.id();
    const text = body.trim();
    if (!threadId || !text) return null;
    const clientNoteId = globalThis.crypto.randomUUID();
    try {
      const { note } = await this.realtime.request(ClientEvent.NoteSend, { threadId, clientNoteId, body: text });
      if (note.threadId === this.id()) this.addNotes([note]);
      return null;
    } catch (err) {
      return describeError(err);
    }
  }

  retry(clientMsgId: string): void {
    this.realtime.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.realtime.discard(clientMsgId);
  }

  /** The agent typed in the composer: tell the visitor, without an event per key. */
  typed(): void {
    const id = this.id();
    if (!id || !this.canWrite()) return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REPEAT_MS) {
      this.typingSentAt = now;
      this.emitTyping(id, true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  async claim(): Promise<boolean> {
    const id = this.id();
    if (!id || this.busyWith()) return false;
    this.busyWith.set('claim');
    this.noticeText.set(null);
    try {
      const result = await this.inbox.claim(id);
      if (this.id() !== id) return result.ok;
      if (result.ok) this.setThread(result.thread);
      else {
        this.noticeText.set(result.message);
        const fresh = this.inbox.thread(id);
        if (fresh) this.setThread(fresh);
      }
      return result.ok;
    } finally {
      this.busyWith.set(null);
    }
  }

  async close(): Promise<boolean> {
    const id = this.id();
    if (!id || this.busyWith()) return false;
    this.busyWith.set('close');
    this.noticeText.set(null);
    try {
      const thread = await this.api.call('post /threads/{id}/close', { params: { id } });
      this.setThread(thread);
      this.inbox.upsert(thread);
      return true;
    } catch (err) {
      this.noticeText.set(describeError(err));
      return false;
    } finally {
      this.busyWith.set(null);
    }
  }

  /** The thread after a tag change made here (the server answered with it). */
  tagged(thread: Thread): void {
    if (thread.id === this.id()) this.setThread(thread);
  }

  private setThread(thread: Thread): void {
    const current = this.threadState();
    if (current && current.id === thread.id && current.updatedAt > thread.updatedAt) return;
    this.threadState.set(thread);
  }

  private async loadHistory(thread: Thread): Promise<void> {
    try {
      const page = await this.api.call('get /threads', { query: { status: 'closed', q: thread.visitor.email, limit: 10 } });
      if (this.id() !== thread.id) return;
      const email = thread.visitor.email.toLowerCase();
      this.previous.set(page.items.filter((t) => t.id !== thread.id && t.visitor.email.toLowerCase() === email));
    } catch {
      // The panel simply shows no earlier conversations.
    }
  }

  /** Every note after the last one held (all of them on opening), page by page. */
  private async loadNotes(threadId: string): Promise<void> {
    try {
      for (;;) {
        const afterNoteSeq = this.notesState().at(-1)?.noteSeq ?? 0;
        const page = await this.api.call('get /threads/{id}/notes', { params: { id: threadId }, query: { afterNoteSeq } });
        if (this.id() !== threadId) return;
        this.addNotes(page.items);
        if (!page.hasMore || page.items.length === 0) return;
      }
    } catch {
      // The transcript shows the messages; the notes come with the next connection.
    }
  }

  private addNotes(notes: readonly Note[]): void {
    if (notes.length === 0) return;
    const byId = new Map(this.notesState().map((n) => [n.id, n]));
    for (const n of notes) byId.set(n.id, n);
    this.notesState.set([...byId.values()].sort((a, b) => a.noteSeq - b.noteSeq));
  }

  private async loadContext(threadId: string): Promise<void> {
    try {
      const context = await this.api.call('get /threads/{id}/visitor-context', { params: { id: threadId } });
      // A live update may have come first: it is at least as new as this answer.
      if (this.id() === threadId && !this.contextState()) this.contextState.set(context);
    } catch {
      // The panel simply shows no visitor context (a server from before it existed).
    }
  }

  private stopTyping(): void {
    clearTimeout(this.idleTimer);
    const id = this.id();
    if (id && this.typingSentAt > 0) this.emitTyping(id, false);
    this.typingSentAt = 0;
  }

  /** Read receipts: what the open thread shows is read (once per new seq; a courtesy, like typing). */
  private markRead(threadId: string, seq: number): void {
    if (seq <= this.agentReadSent || seq <= (this.threadState()?.agentReadSeq ?? 0)) return;
    this.agentReadSent = seq;
    this.realtime.request(ClientEvent.ThreadRead, { threadId, seq }).catch(() => undefined);
  }

  private emitTyping(threadId: string, isTyping: boolean): void {
    // Typing is a courtesy: when it cannot be sent, nothing is lost.
    this.realtime.request(ClientEvent.Typing, { threadId, isTyping }).catch(() => undefined);
  }

  /** Stops following the thread; one that is not the agent's also leaves its socket room. */
  private leave(): void {
    const id = this.id();
    if (!id) return;
    this.stopTyping();
    this.unwatch?.();
    this.unwatch = null;
    if (this.inbox.viewing() === id) this.inbox.setViewing(null);
    const thread = this.threadState();
    const mine = thread?.status === 'active' && this.isMine();
    if (!mine) this.realtime.release(id);
    this.id.set(null);
  }
}
