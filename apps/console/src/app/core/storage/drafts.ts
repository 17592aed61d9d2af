import { inject, Injectable } from '@angular/core';
import { SessionStore } from '../session/session.store';
import { SESSION_STORAGE, StorageKeys } from './browser-storage';

/**
 * Unsent composer text per thread, in sessionStorage: it survives a reload and an expired session
 * (the agent signs in again and finds it), and it is keyed by agent so another agent signing in
 * on the same tab does not see it.
 */
@Injectable({ providedIn: 'root' })
export class DraftStore {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly session = inject(SessionStore);

  get(threadId: string): string {
    try {
      return this.storage.getItem(this.key(threadId)) ?? '';
    } catch {
      return '';
    }
  }

  set(threadId: string, text: string): void {
    try {
      if (text) this.storage.setItem(this.key(threadId), text);
      else this.storage.removeItem(this.key(threadId));
    } catch {
      // Storage full: the draft lives on in the composer until the page goes away.
    }
  }

  private key(threadId: string): string {
    return StorageKeys.draft(this.session.agent()?.id ?? 'anonymous', threadId);
  }
}
