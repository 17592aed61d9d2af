import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { type Message, ServerEvent, type Thread } from '@parley/contracts';
import { ApiClient } from '../../core/api/api-client';
import { describeError } from '../../core/api/api-error';
import { TagsStore } from '../../core/tags/tags.store';
import { searchWords } from '../../shared/highlight';
import { RealtimeService } from '../../core/realtime/realtime.service';

export const HISTORY_PAGE_SIZE = 20;
/** Guards the transcript loop: a thread longer than this many pages is shown truncated. */
const MAX_TRANSCRIPT_PAGES = 50;

/**
 * Closed threads: a search over visitor name, email, tags and message text (the server's `q`),
 * optionally of one tag (`tag`), paged
 * with the server's cursors (a stack of them, so "newer" goes back), and the transcript of the
 * one opened.
 */
@Injectable()
export class HistoryStore {
  private readonly api = inject(ApiClient);
  private readonly tags = inject(TagsStore);
  private readonly realtime = inject(RealtimeService);

  private readonly query = signal('');
  /** The search the shown page answers: marks follow the results, not the box ahead of them. */
  private readonly shownQuery = signal('');
  private readonly tagFilter = signal<string | null>(null);
  /** Cursor of each page visited so far; the last one is the page shown. */
  private readonly cursors = signal<readonly (string | null)[]>([null]);
  private readonly page = signal<readonly Thread[]>([]);
  private readonly next = signal<string | null>(null);
  private readonly state = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  private readonly failure = signal<string | null>(null);
  private readonly selected = signal<Thread | null>(null);
  private readonly transcript = signal<readonly Message[] | null>(null);
  private readonly transcriptFailure = signal<string | null>(null);
  private generation = 0;
  private openGeneration = 0;

  readonly q = this.shownQuery.asReadonly();
  /** The searched words, as the server matches them in messages, for highlighting. */
  readonly words = computed(() => searchWords(this.shownQuery()));
  readonly tag = this.tagFilter.asReadonly();
  readonly items = this.page.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();
  readonly pageNumber = computed(() => this.cursors().length);
  readonly hasNext = computed(() => this.next() !== null);
  readonly hasPrevious = computed(() => this.cursors().length > 1);
  readonly thread = this.selected.asReadonly();
  readonly messages = this.transcript.asReadonly();
  readonly transcriptError = this.transcriptFailure.asReadonly();

  constructor() {
    // A visitor who rates a closed conversation: the rating shows at once in the list and the transcript's header.
    const off = this.realtime.on(ServerEvent.ThreadUpdated, (t) => {
      if (t.status !== 'closed') return;
      if (this.selected()?.id === t.id) this.selected.set(t);
      this.page.update((items) => (items.some((i) => i.id === t.id) ? items.map((i) => (i.id === t.id ? { ...t, match: i.match } : i)) : items));
    });
    inject(DestroyRef).onDestroy(off);
  }

  /** Starts a search (an empty one lists every closed thread), newest first, of threads with `tag` if given. */
  search(q: string, tag: string | null = null): Promise<void> {
    this.query.set(q.trim());
    this.tagFilter.set(tag);
    this.cursors.set([null]);
    return this.load();
  }

  nextPage(): Promise<void> {
    const cursor = this.next();
    if (cursor === null) return Promise.resolve();
    this.cursors.update((c) => [...c, cursor]);
    return this.load();
  }

  previousPage(): Promise<void> {
    if (this.cursors().length <= 1) return Promise.resolve();
    this.cursors.update((c) => c.slice(0, -1));
    return this.load();
  }

  /** Loads a closed thread and its whole transcript. */
  async open(threadId: string): Promise<void> {
    const gen = ++this.openGeneration;
    this.selected.set(this.page().find((t) => t.id === threadId) ?? null);
    this.transcript.set(null);
    this.transcriptFailure.set(null);
    try {
      const thread = await this.api.call('get /threads/{id}', { params: { id: threadId } });
      if (gen !== this.openGeneration) return;
      this.selected.set(thread);
      const messages: Message[] = [];
      let afterSeq = 0;
      for (let i = 0; i < MAX_TRANSCRIPT_PAGES; i++) {
        const page = await this.api.call('get /threads/{id}/messages', { params: { id: threadId }, query: { afterSeq } });
        messages.push(...page.items);
        if (!page.hasMore || page.items.length === 0) break;
        afterSeq = page.items[page.items.length - 1].seq;
      }
      if (gen === this.openGeneration) this.transcript.set(messages);
    } catch (err) {
      if (gen === this.openGeneration) this.transcriptFailure.set(describeError(err));
    }
  }

  /** Puts a tag on the open thread or takes it off; the list shows the change too. */
  async setTag(tagId: string, on: boolean): Promise<void> {
    const open = this.selected();
    if (!open) return;
    const thread = await this.tags.apply(open.id, tagId, on);
    if (this.selected()?.id === thread.id) this.selected.set(thread);
    this.page.update((items) => items.map((t) => (t.id === thread.id ? { ...thread, match: t.match } : t)));
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    const cursors = this.cursors();
    const cursor = cursors[cursors.length - 1];
    this.state.set('loading');
    try {
      const page = await this.api.call('get /threads', {
        query: { status: 'closed', q: this.query() || undefined, tag: this.tagFilter() ?? undefined, limit: HISTORY_PAGE_SIZE, cursor: cursor ?? undefined },
      });
      if (gen !== this.generation) return;
      this.page.set(page.items);
      this.shownQuery.set(this.query());
      this.next.set(page.nextCursor);
      this.state.set('ready');
      this.failure.set(null);
    } catch (err) {
      if (gen !== this.generation) return;
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }
}
