import { Injectable, Logger } from '@nestjs/common';
import { ClientEvent, ErrorCode } from '@parley/contracts';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import { RateLimiters, rateLimited } from '../common/rate-limiters';
import { AppConfig, type RateSetting } from '../config/app-config';
import type { RateLimitName } from '../metrics/instruments';
import { toAckFailure } from './ack.interceptor';
import { type Trust, trustOf } from './client-address';
import type { ParleySocket } from './socket-types';

export type EventClass = 'messageSend' | 'threadStart' | 'typing' | 'other';

const CLASS_OF: Readonly<Record<string, EventClass>> = {
  [ClientEvent.MessageSend]: 'messageSend',
  [ClientEvent.ThreadStart]: 'threadStart',
  [ClientEvent.Typing]: 'typing',
};
/** Handshakes refused for these count as failed: someone is trying tokens. */
const FAILED_HANDSHAKE_CODES: readonly string[] = [ErrorCode.Unauthenticated, ErrorCode.TokenExpired, ErrorCode.AccountDeactivated, ErrorCode.Forbidden];

const EVENT_LIMIT: Readonly<Record<EventClass, RateLimitName>> = {
  messageSend: 'socket_message_send',
  threadStart: 'socket_thread_start',
  typing: 'socket_typing',
  other: 'socket_other',
};

export function eventClass(event: string): EventClass {
  return CLASS_OF[event] ?? 'other';
}

/**
 * Rate limits of the socket endpoint: events per principal and event class, handshakes per client
 * address (all of them, and those refused for their token), and refusals per connection. With
 * REDIS_URL the counters live in Redis, so a principal or address gets one allowance across all
 * nodes; each Redis limiter falls back to a memory limiter on this node while Redis is away, since
 * refusing everyone then would turn a Redis outage into a chat outage. Without REDIS_URL they are
 * in memory (a single node needs nothing else).
 */
@Injectable()
export class SocketLimits {
  private readonly log = new Logger('RateLimits');
  private readonly events: Record<EventClass, RateLimiterAbstract>;
  private readonly handshakes: RateLimiterAbstract;
  private readonly failedHandshakes: RateLimiterAbstract;
  private readonly failedHandshakePoints: number;
  /** Per connection, so local: a socket lives on one node. */
  private readonly refusals: RateLimiterMemory;
  /** Whose X-Forwarded-For is believed for the handshake limits (TRUST_PROXY). */
  readonly trust: Trust;

  constructor(
    config: AppConfig,
    private readonly limiters: RateLimiters,
  ) {
    this.trust = trustOf(config.trustProxy);
    const limits = config.socketRateLimits;
    this.events = {
      messageSend: this.limiter('ev:send', limits.messageSend),
      threadStart: this.limiter('ev:start', limits.threadStart),
      typing: this.limiter('ev:typing', limits.typing),
      other: this.limiter('ev:other', limits.other),
    };
    this.handshakes = this.limiter('hs:all', limits.handshake);
    this.failedHandshakes = this.limiter('hs:failed', limits.handshakeFailed);
    this.failedHandshakePoints = limits.handshakeFailed.points;
    this.refusals = new RateLimiterMemory({ points: limits.refusals.points, duration: limits.refusals.durationSeconds });
  }

  /** Whether the counters are shared with the other nodes (Redis connected) rather than this node's own. */
  get shared(): boolean {
    return this.limiters.shared;
  }

  /**
   * Runs before the token is even read: an address that failed too many handshakes is refused
   * without the cost of verifying another token. Throws RATE_LIMITED with its retry delay.
   */
  async admitHandshake(address: string): Promise<void> {
    const failed = await this.failedHandshakes.get(address).catch(() => null);
    if (failed && failed.consumedPoints >= this.failedHandshakePoints) throw rateLimited('socket_handshake_failed', 'failed connection attempts', failed);
    await this.take(this.handshakes, address, 'socket_handshake', 'connection attempts');
  }

  /** Counts a refused handshake against its address when the refusal was about the token. */
  async handshakeRefused(address: string, code: string): Promise<void> {
    if (!FAILED_HANDSHAKE_CODES.includes(code)) return;
    await this.failedHandshakes.consume(address).catch(() => undefined);
  }

  /** Throws RATE_LIMITED when the principal has used up this event class's allowance. */
  async admitEvent(principal: Principal, event: string): Promise<void> {
    const cls = eventClass(event);
    await this.take(this.events[cls], `${principal.kind}:${principal.id}`, EVENT_LIMIT[cls], `${event} requests`);
  }

  /**
   * Puts every incoming event of the socket through admitEvent before any handler sees it: a refused
   * event is answered RATE_LIMITED and goes no further, so nothing of it is stored. The connection
   * stays up unless it keeps sending regardless (SOCKET_RATE_REFUSALS), then it is closed.
   */
  attach(socket: ParleySocket): void {
    const principal = socket.data.principal;
    socket.use(([event, ...args], next) => {
      this.admitEvent(principal, String(event)).then(
        () => next(),
        (err: unknown) => {
          const ack = args[args.length - 1];
          if (typeof ack === 'function') (ack as (res: unknown) => void)(toAckFailure(err, this.log));
          void this.refusalTolerated(socket.id).then((tolerated) => {
            if (tolerated) return;
            this.log.warn(`closing a socket of ${principal.kind} ${principal.id}: it kept sending while refused`);
            socket.disconnect(true);
          });
        },
      );
    });
  }

  /**
   * Counts a refused event against its connection; false once the connection has kept sending while
   * refused (SOCKET_RATE_REFUSALS) and should be closed. socket.io's `attach` and the raw endpoint share it.
   */
  async refusalTolerated(connectionId: string): Promise<boolean> {
    return this.refusals.consume(connectionId).then(
      () => true,
      () => false,
    );
  }

  /** Consumes a point; a limiter that fails (it should not: Redis falls back) lets the request through. */
  private async take(limiter: RateLimiterAbstract, key: string, limit: RateLimitName, what: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rej) {
      if (rej instanceof RateLimiterRes) throw rateLimited(limit, what, rej);
      this.log.warn(`rate limiter failed, request let through: ${(rej as Error).message}`);
    }
  }

  private limiter(prefix: string, s: RateSetting): RateLimiterAbstract {
    return this.limiters.create(prefix, s);
  }
}
