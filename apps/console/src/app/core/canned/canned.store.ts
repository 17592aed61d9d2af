import { inject, Injectable, signal } from '@angular/core';
import type { CannedResponse, CannedScope, CreateCannedResponseRequest, UpdateCannedResponseRequest } from '@parley/contracts';
import { ApiClient } from '../api/api-client';
import { describeError } from '../api/api-error';

/**
 * The canned responses the signed-in agent may use (its own and the shared ones), in the
 * server's order: its own first. Provided by the shell, so the composer's picker and the pages
 * that edit them share one list; fetched again when a conversation or one of those pages opens
 * (the list on show stays meanwhile), and kept up to date by the pages' own changes.
 */
@Injectable()
export class CannedStore {
  private readonly api = inject(ApiClient);
  private readonly list = signal<readonly CannedResponse[]>([]);
  private readonly state = signal<'idle' | 'loading' | 'ready' | 'error'>('idle');
  private readonly failure = signal<string | null>(null);

  readonly replies = this.list.asReadonly();
  readonly status = this.state.asReadonly();
  readonly error = this.failure.asReadonly();

  async reload(): Promise<void> {
    if (this.state() !== 'ready') this.state.set('loading');
    try {
      this.list.set(await this.api.call('get /canned-responses'));
      this.state.set('ready');
    } catch (err) {
      this.failure.set(describeError(err));
      this.state.set('error');
    }
  }

  ofScope(scope: CannedScope): CannedResponse[] {
    return this.list().filter((c) => c.scope === scope);
  }

  async create(request: CreateCannedResponseRequest): Promise<CannedResponse> {
    const made = await this.api.call('post /canned-responses', { body: request });
    this.list.update((l) => sortReplies([...l, made]));
    return made;
  }

  async update(id: string, change: UpdateCannedResponseRequest): Promise<CannedResponse> {
    const changed = await this.api.call('patch /canned-responses/{id}', { params: { id }, body: change });
    this.list.update((l) => sortReplies(l.map((c) => (c.id === id ? changed : c))));
    return changed;
  }

  async remove(id: string): Promise<void> {
    await this.api.call('delete /canned-responses/{id}', { params: { id } });
    this.list.update((l) => l.filter((c) => c.id !== id));
  }
}

/** The server's order: personal before shared, then by shortcut. */
function sortReplies(items: readonly CannedResponse[]): CannedResponse[] {
  return [...items].sort((a, b) => Number(a.scope === 'shared') - Number(b.scope === 'shared') || a.shortcut.localeCompare(b.shortcut));
}
