import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimiters, rateLimited } from '../common/rate-limiters';
import { ANONYMOUS_ACTOR, AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';

/** Where a login attempt came from, for the audit entry of a lockout. */
export interface LoginOrigin {
  ip?: string | null;
  userAgent?: string | null;
}

const DAY_SECONDS = 24 * 3600;

/**
 * Failed logins per account (the email as typed, whether or not such an agent exists, so the
 * answer never tells which accounts exist). After LOGIN_FAILURES_PER_ACCOUNT the account is locked:
 * every login for it, right password or not, is RATE_LIMITED until the lockout ends. Each lockout
 * lasts the window, doubled for each earlier lockout that day (15 min, 30, 60 … at most a day), so a
 * guesser gets a few dozen tries a day, while the agent is back within minutes after a few typos.
 * The per-address limit on the route (AUTH_RATE_LIMIT_PER_MINUTE) still applies on top.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly lockouts: RateLimiterAbstract;
  private readonly windowSeconds: number;

  constructor(
    config: AppConfig,
    limiters: RateLimiters,
    private readonly audit: AuditService,
  ) {
    const s = config.loginFailuresPerAccount;
    this.windowSeconds = s.durationSeconds;
    this.failures = limiters.create('login:fail', s);
    this.lockouts = limiters.create('login:lockouts', { points: 1000, durationSeconds: DAY_SECONDS });
  }

  /** Throws RATE_LIMITED while the account is locked. */
  async admit(email: string): Promise<void> {
    const state = await this.failures.get(email).catch(() => null);
    if (state && state.remainingPoints <= 0 && state.msBeforeNext > 0) throw rateLimited('login_account', 'failed logins for this account', state);
  }

  /**
   * A wrong password (or no such account): counts, and the failure that uses up the allowance locks
   * the account. Each lockout is written to the audit log once (logins that failed repeatedly).
   */
  async failed(email: string, origin: LoginOrigin = {}): Promise<void> {
    const res = await this.failures.consume(email).catch((r: unknown) => (r instanceof RateLimiterRes ? r : null));
    if (!res || res.remainingPoints > 0) return;
    // This lockout lasts the window times 2^(earlier lockouts today).
    const earlier = await this.lockouts.consume(email).then(
      (r) => r.consumedPoints - 1,
      () => 0,
    );
    const lockSeconds = Math.min(DAY_SECONDS, this.windowSeconds * 2 ** earlier);
    await this.failures.block(email, lockSeconds).catch(() => undefined);
    await this.audit.record({
      actor: ANONYMOUS_ACTOR,
      action: 'login.locked',
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { email, failures: res.consumedPoints, lockedForSeconds: lockSeconds },
    });
  }

  /** A successful login starts the count again. */
  async succeeded(email: string): Promise<void> {
    await this.failures.delete(email).catch(() => undefined);
  }
}
