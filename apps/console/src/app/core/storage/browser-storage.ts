import { InjectionToken } from '@angular/core';

/**
 * Where the console keeps state in the browser. Only the agent token is a secret, and it lives in
 * sessionStorage (see `AuthToken`); drafts and the outbox of unsent messages live there too, so an
 * expired session does not lose them; preferences and read markers, which are not secret and should
 * follow the agent across tabs, live in localStorage.
 */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => globalThis.sessionStorage,
});

export const LOCAL_STORAGE = new InjectionToken<Storage>('LOCAL_STORAGE', {
  providedIn: 'root',
  factory: () => globalThis.localStorage,
});

export const StorageKeys = {
  token: 'parley.console.token',
  preferences: 'parley.console.preferences',
  draft: (agentId: string, threadId: string) => `parley.console.draft.${agentId}.${threadId}`,
  outbox: (agentId: string) => `parley.console.outbox.${agentId}`,
  readMarkers: (agentId: string) => `parley.console.read.${agentId}`,
} as const;

/** JSON read that never throws: a value another version wrote, or a full quota, must not break the app. */
export function readJson<T>(storage: Storage, key: string, fallback: T): T {
  try {
    const raw = storage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function writeJson(storage: Storage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the console keeps working, it only forgets across reloads.
  }
}
