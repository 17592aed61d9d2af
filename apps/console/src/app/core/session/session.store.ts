import { computed, DestroyRef, effect, inject, Injectable, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { Agent, AuthResponse, LoginRequest, SetupRequest } from '@parley/contracts';
import { ApiClient } from '../api/api-client';
import { AuthToken } from './auth-token';

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

/** How long before a token runs out the console treats it as gone (clock skew, a slow request). */
const EXPIRY_MARGIN_MS = 5_000;

/**
 * Who is signed in. The token comes from `AuthToken` (kept across reloads); the agent is read from
 * the server once per page load and kept current by the shell's `agent.updated` events. When the
 * server refuses the token, or it runs out, the agent goes back to the login page with the URL it
 * was on, and everything that is not the token (drafts, unsent messages) stays where it is.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly api = inject(ApiClient);
  private readonly token = inject(AuthToken);
  private readonly router = inject(Router);

  private readonly current = signal<Agent | null>(null);
  private readonly state = signal<SessionStatus>('unknown');
  private restoring: Promise<void> | null = null;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;

  readonly agent = this.current.asReadonly();
  readonly status = this.state.asReadonly();
  readonly isAdmin = computed(() => this.current()?.role === 'admin');
  /** Why the last session ended without a sign-out, for the login page. */
  readonly endedBecause = this.token.refused;

  constructor() {
    // The server refused the token (REST or socket): back to login, keeping the way back.
    effect(() => {
      if (this.token.refused() && this.state() === 'signed-in') this.endSession(true);
    });
    // A token that runs out while the tab sits open ends the session then, not at the next click.
    effect(() => {
      clearTimeout(this.expiryTimer);
      const at = this.token.expiresAt();
      if (at === null) return;
      const delay = Math.max(0, at - Date.now() - EXPIRY_MARGIN_MS);
      // setTimeout's delay is a 32-bit int; tokens of more than 24 days are checked at the next load.
      if (delay < 2 ** 31 - 1) this.expiryTimer = setTimeout(() => this.token.refuse('expired'), delay);
    });
    inject(DestroyRef).onDestroy(() => clearTimeout(this.expiryTimer));
  }

  /** Resolves once it is known whether someone is signed in (reads /agents/me once per load). */
  restore(): Promise<void> {
    if (this.state() !== 'unknown') return Promise.resolve();
    this.restoring ??= (async () => {
      const token = this.token.token();
      const at = this.token.expiresAt();
      if (!token || (at !== null && at - EXPIRY_MARGIN_MS <= Date.now())) {
        if (token) this.token.refuse('expired');
        this.state.set('signed-out');
        return;
      }
      try {
        this.current.set(await this.api.call('get /agents/me'));
        this.state.set('signed-in');
      } catch {
        // Refused (the token is already cleared) or unreachable: sign in again either way.
        this.token.clear();
        this.state.set('signed-out');
      }
    })().finally(() => (this.restoring = null));
    return this.restoring;
  }

  async login(body: LoginRequest): Promise<Agent> {
    return this.begin(await this.api.call('post /auth/login', { body }));
  }

  async setup(body: SetupRequest): Promise<Agent> {
    return this.begin(await this.api.call('post /setup', { body }));
  }

  /** Agent data from the server (presence, role, name changed). */
  update(agent: Agent): void {
    if (agent.id === this.current()?.id) this.current.set(agent);
  }

  signOut(): void {
    // The server ends this session (its sockets close, the token is dead even if copied); the
    // request takes the token as it starts, so the console can forget it at once.
    if (this.token.token()) this.api.call('post /auth/logout').catch(() => undefined);
    this.token.clear();
    this.current.set(null);
    this.endSession(false);
  }

  private begin(auth: AuthResponse): Agent {
    this.token.set(auth.token);
    this.current.set(auth.agent);
    this.state.set('signed-in');
    return auth.agent;
  }

  private endSession(keepPlace: boolean): void {
    this.state.set('signed-out');
    const url = this.router.url;
    const back = keepPlace && url && !url.startsWith('/login') ? { returnUrl: url } : undefined;
    void this.router.navigate(['/login'], { queryParams: back });
  }
}
