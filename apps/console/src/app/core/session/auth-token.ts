import { computed, inject, Injectable, signal } from '@angular/core';
import { ErrorCode } from '@parley/contracts';
import { SESSION_STORAGE, StorageKeys } from '../storage/browser-storage';

/** Seconds since the epoch at which a JWT expires, or null when it cannot be read. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

export type ExpiryReason = 'expired' | 'revoked' | 'deactivated';

/** Why the server refused the token, by the error code it answered (REST or socket). */
export function refusalReason(code: string): ExpiryReason {
  if (code === ErrorCode.TokenExpired) return 'expired';
  return code === ErrorCode.AccountDeactivated ? 'deactivated' : 'revoked';
}

/**
 * The agent's token: the one secret the console keeps. It lives in sessionStorage, so it survives
 * a reload and follows links opened from this tab, but ends with the tab and is not left behind on a
 * shared machine when the browser closes. The REST client and the socket read it from here, and
 * both report here when the server refuses it.
 */
@Injectable({ providedIn: 'root' })
export class AuthToken {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly value = signal<string | null>(this.read());
  /** Set when the server refused the token (or it ran out): the session store sends the agent to login. */
  private readonly refusedBecause = signal<ExpiryReason | null>(null);

  readonly token = this.value.asReadonly();
  readonly refused = this.refusedBecause.asReadonly();
  /** When the token runs out, in milliseconds since the epoch. */
  readonly expiresAt = computed(() => {
    const token = this.value();
    const exp = token ? tokenExpiry(token) : null;
    return exp === null ? null : exp * 1000;
  });

  set(token: string): void {
    this.storage.setItem(StorageKeys.token, token);
    this.refusedBecause.set(null);
    this.value.set(token);
  }

  clear(): void {
    this.storage.removeItem(StorageKeys.token);
    this.value.set(null);
  }

  /** The server refused the token or it ran out: forget it and say why. */
  refuse(reason: ExpiryReason): void {
    if (this.value() === null) return;
    this.clear();
    this.refusedBecause.set(reason);
  }

  private read(): string | null {
    try {
      return this.storage.getItem(StorageKeys.token);
    } catch {
      return null;
    }
  }
}
