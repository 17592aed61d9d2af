import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClientEvent, ErrorCode } from '@parley/contracts';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { within } from '../common/within';
import { AppConfig, type RateSetting } from '../config/app-config';
import { toAckFailure } from './ack.interceptor';
import { type Trust, trustOf } from './client-address';
import type { ParleySocket } from './socket-types';

type RedisClient = ReturnType<typeof createClient>;
export type EventClass = 'messageSend' | 'threadStart' | 'typing' | 'other';

const CLASS_OF: Readonly<Record<string, EventClass>> = {
  [ClientEvent.MessageSend]: 'messageSend',
  [ClientEvent.ThreadStart]: 'threadStart',
  [ClientEvent.Typing]: 'typing',
};
/** Handshakes refused for these count as failed: someone is trying tokens. */
const FAILED_HANDSHAKE_CODES: readonly string[] = [ErrorCode.Unauthenticated, ErrorCode.TokenExpired, ErrorCode.Forbidden];
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);
const REDIS_CLOSE_MS = 1000;

export function eventClass(event: string): EventClass {
  return CLASS_OF[event] ?? 'other';
}

function rateLimited(what: string, res: RateLimiterRes): AppError {
  const retryAfterMs = Math.max(1, Math.ceil(res.msBeforeNext));
  return new AppError(ErrorCode.RateLimited, `Too many ${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, undefined, retryAfterMs);
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
export class SocketLimits implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('RateLimits');
  private client: RedisClient | undefined;
  private readonly events: Record<EventClass, RateLimiterAbstract>;
  private readonly handshakes: RateLimiterAbstract;
  private readonly failedHandshakes: RateLimiterAbstract;
  private readonly failedHandshakePoints: number;
  /** Per connection, so local: a socket lives on one node. */
  private readonly refusals: RateLimiterMemory;
  /** Whose X-Forwarded-For is believed for the handshake limits (TRUST_PROXY). */
  readonly trust: Trust;

  constructor(config: AppConfig) {
    this.trust = trustOf(config.trustProxy);
    const limits = config.socketRateLimits;
    if (config.redisUrl) this.client = this.redisClient(config.redisUrl);
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
    return this.client?.isReady ?? false;
  }

  onModuleInit(): void {
    // The node starts without Redis (the memory limiters answer meanwhile); node-redis keeps trying.
    this.client?.connect().catch(() => undefined);
  }

  /**
   * Runs before the token is even read: an address that failed too many handshakes is refused
   * without the cost of verifying another token. Throws RATE_LIMITED with its retry delay.
   */
  async admitHandshake(address: string): Promise<void> {
    const failed = await this.failedHandshakes.get(address).catch(() => null);
    if (failed && failed.consumedPoints >= this.failedHandshakePoints) throw rateLimited('failed connection attempts', failed);
    await this.take(this.handshakes, address, 'connection attempts');
  }

  /** Counts a refused handshake against its address when the refusal was about the token. */
  async handshakeRefused(address: string, code: string): Promise<void> {
    if (!FAILED_HANDSHAKE_CODES.includes(code)) return;
    await this.failedHandshakes.consume(address).catch(() => undefined);
  }

  /** Throws RATE_LIMITED when the principal has used up this event class's allowance. */
  async admitEvent(principal: Principal, event: string): Promise<void> {
    await this.take(this.events[eventClass(event)], `${principal.kind}:${principal.id}`, `${event} requests`);
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
          this.refusals.consume(socket.id).catch(() => {
            this.log.warn(`closing a socket of ${principal.kind} ${principal.id}: it kept sending while refused`);
            socket.disconnect(true);
          });
        },
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isOpen) await within(client.close(), REDIS_CLOSE_MS, 'Redis close').catch(() => client.destroy());
  }

  /** Consumes a point; a limiter that fails (it should not: Redis falls back) lets the request through. */
  private async take(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rej) {
      if (rej instanceof RateLimiterRes) throw rateLimited(what, rej);
      this.log.warn(`rate limiter failed, request let through: ${(rej as Error).message}`);
    }
  }

  private limiter(prefix: string, s: RateSetting): RateLimiterAbstract {
    const opts = { keyPrefix: `parley:rl:${prefix}`, points: s.points, duration: s.durationSeconds };
    const memory = new RateLimiterMemory(opts);
    if (!this.client) return memory;
    return new RateLimiterRedis({
      ...opts,
      storeClient: this.client,
      useRedisPackage: true,
      // While Redis is not connected, go straight to the memory limiter instead of waiting on it.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
      // A key over its limit is refused from memory until its window ends: a client hammering
      // a limit costs this node no Redis round trips.
      inMemoryBlockOnConsumed: s.points,
    });
  }

  private redisClient(url: string): RedisClient {
    // Commands fail at once while Redis is away (then the memory limiters answer), not queue.
    const client: RedisClient = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 2000 } });
    let healthy = true;
    client.on('error', (err: Error) => {
      if (healthy) this.log.warn(`redis: ${err.message || err.name}; limits are per node until it is back`);
      healthy = false;
    });
    client.on('ready', () => {
      if (!healthy) this.log.log('redis: connected again; limits are shared by the nodes again');
      healthy = true;
    });
    return client;
  }
}
