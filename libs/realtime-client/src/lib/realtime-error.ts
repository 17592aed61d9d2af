import type { AckError } from '@parley/contracts';

/** A socket request the server answered with `{ok: false}`, or that got no answer in time. */
export class RealtimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly errors?: AckError['errors'],
    /** With RATE_LIMITED: how long the server asked to wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RealtimeError';
  }

  /** Codes for which sending the same thing again cannot succeed. */
  get permanent(): boolean {
    return !['TIMEOUT', 'DISCONNECTED', 'INTERNAL', 'UNAVAILABLE', 'RATE_LIMITED'].includes(this.code);
  }
}
