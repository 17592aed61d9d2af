import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ErrorCode } from '@parley/contracts';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { AppConfig, type RateSetting } from '../config/app-config';
import { type RateLimitName, rateLimited as refusals } from '../metrics/instruments';
import { AppError } from './app-error';
import { within } from './within';

type RedisClient = ReturnType<typeof createClient>;
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);
const REDIS_CLOSE_MS = 1000;

/** RATE_LIMITED with when to retry, for an ack or a problem document; counted under `limit`. */
export function rateLimited(limit: RateLimitName, what: string, res: RateLimiterRes): AppError {
  refusals.inc({ limit });
  const retryAfterMs = Math.max(1, Math.ceil(res.msBeforeNext));
  return new AppError(ErrorCode.RateLimited, `Too many ${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, undefined, retryAfterMs);
}

/**
 * Builds the rate limiters of every feature (socket events, handshakes, logins) on one Redis
 * connection. With REDIS_URL the counters live in Redis, so a key gets one allowance across all
 * nodes; each Redis limiter falls back to a memory limiter on this node while Redis is away, since
 * refusing everyone then would turn a Redis outage into an outage. Without REDIS_URL they are in
 * memory (a single node needs nothing else).
 */
@Injectable()
export class RateLimiters implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('RateLimits');
  private client: RedisClient | undefined;

  constructor(config: AppConfig) {
    if (config.redisUrl) this.client = this.redisClient(config.redisUrl);
  }

  /** Whether the counters are shared with the other nodes (Redis connected) rather than this node's own. */
  get shared(): boolean {
    return this.client?.isReady ?? false;
  }

  onModuleInit(): void {
    // The node starts without Redis (the memory limiters answer meanwhile); node-redis keeps trying.
    this.client?.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isOpen) await within(client.close(), REDIS_CLOSE_MS, 'Redis close').catch(() => client.destroy());
  }

  /** A limiter of `points` per window under `parley:rl:<prefix>`; `blockSeconds` keeps a key refused that long once over. */
  create(prefix: string, s: RateSetting, blockSeconds = 0): RateLimiterAbstract {
    const opts = { keyPrefix: `parley:rl:${prefix}`, points: s.points, duration: s.durationSeconds, blockDuration: blockSeconds };
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
