import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { within } from '../common/within';
import { AppConfig } from '../config/app-config';

type RedisClient = ReturnType<typeof createClient>;
export type RedisAdapterFactory = ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter>;

/** A returning Redis is picked up within a second; loopback and LAN reconnects are cheap. */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);
/** How long `REDIS_SHARDED=auto` waits at start for Redis to tell its version. */
const DETECT_TIMEOUT_MS = 15_000;
const PING_TIMEOUT_MS = 1000;
const REDIS_CLOSE_MS = 1000;

/** `redis_version:7.0.15` in INFO server → sharded pub/sub (SPUBLISH) exists from 7.0. */
export function supportsShardedPubSub(info: string): boolean {
  const major = Number(/^redis_version:(\d+)\./m.exec(info)?.[1] ?? 0);
  return major >= 7;
}

/**
 * The Redis pub/sub pair that lets the nodes' socket.io servers hear each other, when REDIS_URL is
 * set (without it a node is alone and uses socket.io's in-memory adapter). It picks classic or
 * sharded pub/sub, reports whether Redis can be reached, and closes the clients last, once the
 * socket servers no longer need them.
 */
@Injectable()
export class RedisBus implements OnApplicationShutdown {
  private readonly log = new Logger('SocketIo');
  private clients: { pub: RedisClient; sub: RedisClient } | undefined;
  private factory: RedisAdapterFactory | undefined;

  constructor(private readonly config: AppConfig) {}

  /** The socket.io adapter over these clients; undefined without REDIS_URL (or before `connect`). */
  get adapter(): RedisAdapterFactory | undefined {
    return this.factory;
  }

  /** Must run before the socket servers are created: they take `adapter` as they are made. */
  async connect(): Promise<void> {
    const url = this.config.redisUrl;
    if (!url) return;
    // The publisher fails fast while Redis is away: broadcasts then reach this node's sockets only,
    // instead of queueing without bound. The subscriber keeps its queue so that subscriptions made
    // during an outage are sent when it comes back (node-redis also resubscribes by itself).
    const pub: RedisClient = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 2000 } });
    const sub: RedisClient = createClient({ url, socket: { reconnectStrategy, connectTimeout: 2000 } });
    for (const [name, client] of [['pub', pub], ['sub', sub]] as const) this.watch(name, client);
    this.clients = { pub, sub };
    // connect() retries until Redis answers; the node starts either way and reports not-ready meanwhile.
    const connected = Promise.all([pub.connect(), sub.connect()]);
    connected.catch(() => undefined);

    let sharded = this.config.redisSharded;
    if (sharded === 'auto') {
      try {
        await within(connected, DETECT_TIMEOUT_MS, 'Redis');
        sharded = supportsShardedPubSub(await pub.info('server'));
      } catch (err) {
        destroy({ pub, sub });
        this.clients = undefined;
        // Guessing would be worse: nodes on different pub/sub flavours never hear each other.
        throw new Error(
          `REDIS_SHARDED=auto needs Redis at start to read its version (${(err as Error).message}); ` +
            'set REDIS_SHARDED=true (Redis 7+) or false to start without it',
          { cause: err },
        );
      }
    }
    const safePub = publishNeverThrows(pub, (err) => this.log.debug(`redis publish dropped: ${err.message}`));
    this.factory = sharded ? createShardedAdapter(safePub, sub) : createAdapter(safePub, sub);
    this.log.log(`Redis adapter: ${sharded ? 'sharded pub/sub (SPUBLISH)' : 'classic pub/sub'}`);
  }

  /** PING through the publisher and a live subscriber: both are needed to reach the other nodes. Undefined without Redis. */
  /** Whether both adapter connections are ready; undefined without REDIS_URL. */
  get connected(): boolean | undefined {
    if (!this.clients) return undefined;
    return this.clients.pub.isReady && this.clients.sub.isReady;
  }

  async health(): Promise<'up' | 'down' | undefined> {
    if (!this.clients) return undefined;
    const { pub, sub } = this.clients;
    if (!sub.isReady) return 'down';
    return within(pub.ping(), PING_TIMEOUT_MS, 'PING').then(
      () => 'up' as const,
      () => 'down' as const,
    );
  }

  /**
   * Called before the socket servers close: with Redis away, the adapter's unsubscribes would wait
   * for it forever, so the clients are dropped first and the unsubscribes fail at once.
   */
  releaseIfUnreachable(): void {
    if (this.clients && !this.clients.sub.isReady) destroy(this.clients);
  }

  /** Runs after the socket servers closed (Nest closes them before the shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    const clients = this.clients;
    if (!clients) return;
    this.clients = undefined;
    await Promise.allSettled(
      [clients.pub, clients.sub].map((c) => (c.isOpen ? within(c.close(), REDIS_CLOSE_MS, 'Redis close').catch(() => c.destroy()) : undefined)),
    );
  }

  /** One warning when a connection is lost and one line when it is back, not one per retry. */
  private watch(name: string, client: RedisClient): void {
    let healthy = true;
    client.on('error', (err: Error) => {
      if (healthy) this.log.warn(`redis ${name}: ${err.message || err.name}; reconnecting`);
      healthy = false;
    });
    client.on('ready', () => {
      if (!healthy) this.log.log(`redis ${name}: connected again`);
      healthy = true;
    });
  }
}

function destroy(clients: { pub: RedisClient; sub: RedisClient }): void {
  for (const c of [clients.pub, clients.sub]) if (c.isOpen) c.destroy();
}

/**
 * The adapters publish without awaiting (classic) or await and then deliver locally (sharded). A
 * publish rejected while Redis is away must neither crash the process as an unhandled rejection nor
 * stop local delivery, so it resolves instead. Everything else goes to the real client.
 */
function publishNeverThrows(client: RedisClient, onDrop: (err: Error) => void): RedisClient {
  const wrapped = new Map<PropertyKey, unknown>();
  for (const name of ['publish', 'PUBLISH', 'sPublish', 'SPUBLISH'] as const) {
    const original = client[name].bind(client) as (...args: unknown[]) => Promise<number>;
    wrapped.set(name, (...args: unknown[]) => original(...args).catch((err: Error) => (onDrop(err), 0)));
  }
  return new Proxy(client, {
    get(target, prop) {
      if (wrapped.has(prop)) return wrapped.get(prop);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
