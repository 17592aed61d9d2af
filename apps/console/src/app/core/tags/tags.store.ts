import { inject, Injectable, signal } from '@angular/core';
import type { Tag, Thread } from '@parley/contracts';
import { ApiClient } from '../api/api-client';

/**
 * The workspace's tags (admins keep the list), loaded once per session and again after a change
 * made here; and putting them on threads, whose new state the caller shows (the other consoles hear
 * of it through `thread.updated`).
 */
@Injectable({ providedIn: 'root' })
export class TagsStore {
  private readonly api = inject(ApiClient);
  private readonly list = signal<readonly Tag[]>([]);
  private loading: Promise<void> | null = null;

  readonly tags = this.list.asReadonly();

  /** Loads the list unless it is loaded or loading; `fresh` loads it again. */
  load(fresh = false): Promise<void> {
    if (!this.loading || fresh) {
      this.loading = this.api
        .call('get /tags')
        .then((tags) => this.list.set(tags))
        .catch((err: unknown) => {
          this.loading = null;
          throw err;
        });
    }
    return this.loading;
  }

  /** Puts the tag on the thread (on) or takes it off; the thread as it is now. */
  apply(threadId: string, tagId: string, on: boolean): Promise<Thread> {
    return on
      ? this.api.call('put /threads/{id}/tags/{tagId}', { params: { id: threadId, tagId } })
      : this.api.call('delete /threads/{id}/tags/{tagId}', { params: { id: threadId, tagId } });
  }

  async create(name: string, color: string | null): Promise<Tag> {
    const tag = await this.api.call('post /tags', { body: { name, color } });
    await this.load(true);
    return tag;
  }

  async rename(id: string, name: string, color: string | null): Promise<Tag> {
    const tag = await this.api.call('patch /tags/{id}', { params: { id }, body: { name, color } });
    await this.load(true);
    return tag;
  }

  async remove(id: string): Promise<void> {
    await this.api.call('delete /tags/{id}', { params: { id } });
    await this.load(true);
  }
}
