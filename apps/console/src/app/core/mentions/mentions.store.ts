import { computed, DestroyRef, effect, inject, Injectable, signal, untracked } from '@angular/core';
import { type Mention, ServerEvent } from '@parley/contracts';
import { ApiClient } from '../api/api-client';
import { AttentionService } from '../attention/attention.service';
import { RealtimeService } from '../realtime/realtime.service';
import { ToastStore } from '../ui/toast.store';
import { isolated } from '../../shared/bidi';

/**
 * The notes that mention the signed-in agent (the "Mentions" list), unread first. A new one
 * chimes, shows a desktop notification when the tab is hidden (AttentionService, with the agent's
 * own settings) and a toast. Provided by the signed-in shell, next to the socket it listens on.
 */
@Injectable()
export class MentionsStore {
  private readonly api = inject(ApiClient);
  private readonly realtime = inject(RealtimeService);
  private readonly attention = inject(AttentionService);
  private readonly toasts = inject(ToastStore);
  private readonly state = signal<readonly Mention[]>([]);
  private readonly loadedState = signal(false);

  readonly mentions = this.state.asReadonly();
  readonly loaded = this.loadedState.asReadonly();
  readonly unread = computed(() => this.state().filter((m) => m.readAt === null).length);

  constructor() {
    const off = this.realtime.on(ServerEvent.MentionCreated, (m) => this.arrived(m));
    // After every (re)connection: mentions made while the socket was away.
    effect(() => {
      this.realtime.connectionCount();
      untracked(() => void this.reload());
    });
    inject(DestroyRef).onDestroy(off);
  }

  async reload(): Promise<void> {
    try {
      this.state.set(await this.api.call('get /mentions', { query: {} }));
      this.loadedState.set(true);
    } catch {
      // The list stays as it was; the next connection tries again.
    }
  }

  async markRead(id: string): Promise<void> {
    const m = this.state().find((x) => x.id === id);
    if (!m || m.readAt) return;
    try {
      const read = await this.api.call('post /mentions/{id}/read', { params: { id } });
      this.state.update((list) => sortMentions(list.map((x) => (x.id === id ? read : x))));
    } catch {
      // Still unread: the agent can try again.
    }
  }

  private arrived(m: Mention): void {
    if (this.state().some((x) => x.id === m.id)) return;
    this.state.update((list) => sortMentions([m, ...list]));
    const who = m.note.authorName ?? 'An agent';
    const body = m.note.body.length > 140 ? `${m.note.body.slice(0, 139)}…` : m.note.body;
    this.attention.alert({ title: `${isolated(who)} mentioned you`, body, url: `/mentions`, tag: `mention-${m.id}` });
    this.toasts.show(`${who} mentioned you in a note on the conversation with ${m.visitorName}.`, 'info', 8000);
  }
}

function sortMentions(list: readonly Mention[]): Mention[] {
  return [...list].sort((a, b) => Number(a.readAt !== null) - Number(b.readAt !== null) || b.note.createdAt.localeCompare(a.note.createdAt));
}
