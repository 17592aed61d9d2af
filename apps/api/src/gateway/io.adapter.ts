import { type INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { ErrorCode, LIMITS } from '@parley/contracts';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { OriginPolicy } from '../common/origin-policy';
import type { AppConfig } from '../config/app-config';

type RedisClient = ReturnType<typeof createClient>;
type AdapterFactory = ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter>;

/** A returning Redis is picked up within a second; loopback and LAN reconnects are cheap. */
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);
/** How long `REDIS_SHARDED=auto` waits at start for Redis to tell its version. */
const DETECT_TIMEOUT_MS = 15_000;
const PING_TIMEOUT_MS = 1000;
const REDIS_CLOSE_MS = 1000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Where a socket keeps the message handlers Nest bound for it, by event slot. */
const HANDLERS = Symbol('parley.handlers');
type SocketWithHandlers = Socket & { [HANDLERS]?: Array<MessageMappingProperties['callback'] | undefined> };
interface SharedEvent {
  index: number;
  listener: (this: Socket, ...args: unknown[]) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `redis_version:7.0.15` in INFO server → sharded pub/sub (SPUBLISH) exists from 7.0. */
export function supportsShardedPubSub(info: string): boolean {
  const major = Number(/^redis_version:(\d+)\./m.exec(info)?.[1] ?? 0);
  return major >= 7;
}

/**
 * socket.io server options from the validated config (small frames, the Origin check), the Redis
 * adapter when REDIS_URL is set (otherwise the in-memory adapter of a single node), and the socket
 * half of a graceful shutdown: stop taking events, wait for the acks in flight, close connections.
 */
export class ParleyIoAdapter extends IoAdapter {
  private readonly log = new Logger('SocketIo');
  private adapterFactory: AdapterFactory | undefined;
  private redis: { pub: RedisClient; sub: RedisClient } | undefined;
  private readonly servers: Server[] = [];
  private accepting = true;
  /** Acks not yet answered, per socket id; a socket that goes away takes its count with it. */
  private readonly pendingAcks = new Map<string, number>();
  /** Per event name: its slot in each socket's callbacks and its one listener (see bindMessageHandlers). */
  private readonly events = new Map<string, SharedEvent>();

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly origins: OriginPolicy,
  ) {
    super(app);
  }

  async connectRedis(): Promise<void> {
    const url = this.config.redisUrl;
    if (!url) return;
    // The publisher fails fast while Redis is away: broadcasts then reach this node's sockets only,
    // instead of queueing without bound. The subscriber keeps its queue so that subscriptions made
    // during an outage are sent when it comes back (node-redis also resubscribes by itself).
    const pub: RedisClient = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 2000 } });
    const sub: RedisClient = createClient({ url, socket: { reconnectStrategy, connectTimeout: 2000 } });
    for (const [name, client] of [['pub', pub], ['sub', sub]] as const) this.watch(name, client);
    this.redis = { pub, sub };
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
        this.redis = undefined;
        // Guessing would be worse: nodes on different pub/sub flavours never hear each other.
        throw new Error(
          `REDIS_SHARDED=auto needs Redis at start to read its version (${(err as Error).message}); ` +
            'set REDIS_SHARDED=true (Redis 7+) or false to start without it',
          { cause: err },
        );
      }
    }
    const safePub = publishNeverThrows(pub, (err) => this.log.debug(`redis publish dropped: ${err.message}`));
    this.adapterFactory = sharded ? createShardedAdapter(safePub, sub) : createAdapter(safePub, sub);
    this.log.log(`Redis adapter: ${sharded ? 'sharded pub/sub (SPUBLISH)' : 'classic pub/sub'}`);
  }

  /** PING through the publisher and a live subscriber: both are needed to reach the other nodes. */
  async redisHealth(): Promise<'up' | 'down' | undefined> {
    if (!this.redis) return undefined;
    const { pub, sub } = this.redis;
    if (!sub.isReady) return 'down';
    return within(pub.ping(), PING_TIMEOUT_MS, 'PING').then(
      () => 'up' as const,
      () => 'down' as const,
    );
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      path: options?.path ?? '/socket.io',
      serveClient: false,
      maxHttpBufferSize: LIMITS.socketFrameMaxBytes,
      // Browsers always send Origin cross-origin; a request without one is same-origin or not a browser.
      allowRequest: (req, done) => {
        const origin = req.headers.origin;
        if (!origin || this.origins.isAllowed(origin)) return done(null, true);
        done(ErrorCode.OriginNotAllowed, false);
      },
    } as ServerOptions);
    if (this.adapterFactory) server.adapter(this.adapterFactory);
    server.on('connection', (socket: Socket) => {
      // The upgrade request is only needed for the handshake, which is built by now; letting it go
      // saves its memory for as long as the connection lasts (socket.io's memory-usage advice).
      socket.conn.request = null as never;
      this.trackAcks(socket);
    });
    this.servers.push(server);
    return server;
  }

  /**
   * Nest's IoAdapter gives every socket one rxjs pipeline per handler (fromEvent, mergeMap, takeUntil)
   * and every event a few more operators. Here each event name has one listener shared by all sockets
   * (EventEmitter calls it with the socket as `this`), and a socket keeps only the callbacks Nest bound
   * for it, in one array: no closure or object per socket and handler. A handler runs as Nest built
   * it (guards, pipes, interceptors) and its ack is answered with what it returns.
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    const callbacks = ((socket as SocketWithHandlers)[HANDLERS] ??= []);
    for (const { message, callback, isAckHandledManually } of handlers) {
      const event = this.eventFor(String(message), isAckHandledManually);
      callbacks[event.index] = callback;
      socket.on(String(message), event.listener);
    }
  }

  private eventFor(name: string, ackHandledManually: boolean): SharedEvent {
    let event = this.events.get(name);
    if (!event) {
      const index = this.events.size;
      const dispatch = (socket: SocketWithHandlers, args: unknown[]) => this.dispatch(socket, index, ackHandledManually, args);
      event = {
        index,
        listener: function (this: Socket, ...args: unknown[]) {
          dispatch(this, args);
        },
      };
      this.events.set(name, event);
    }
    return event;
  }

  private dispatch(socket: SocketWithHandlers, index: number, ackHandledManually: boolean, args: unknown[]): void {
    const callback = socket[HANDLERS]?.[index];
    if (!callback) return;
    const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
    const reply = (response: unknown) => {
      if (response === undefined || response === null) return;
      const r = response as { event?: string; data?: unknown };
      if (r.event) socket.emit(r.event as never, r.data as never);
      else if (!ackHandledManually && typeof ack === 'function') ack(response);
    };
    Promise.resolve()
      .then(() => callback(data, ack))
      .then((result: unknown) => {
        if (isObservable(result)) result.subscribe({ next: reply, error: (err: unknown) => this.log.error(err) });
        else reply(result);
      })
      .catch((err: unknown) => this.log.error(err));
  }

  /** Acks this node still owes its clients. */
  get acksInFlight(): number {
    let n = 0;
    for (const count of this.pendingAcks.values()) n += count;
    return n;
  }

  /**
   * The socket half of a graceful shutdown. New events are answered UNAVAILABLE (clients retry
   * elsewhere with the same clientMsgId), events already taken get their ack (until `deadline`),
   * then every connection is closed at the transport level: clients see "transport close", which
   * socket.io clients answer by reconnecting (through the load balancer, to another node) and resyncing.
   */
  async drain(deadline: number): Promise<{ waitedFor: number; unanswered: number; closed: number }> {
    this.accepting = false;
    const waitedFor = this.acksInFlight;
    while (this.acksInFlight > 0 && Date.now() < deadline) await sleep(25);
    const unanswered = this.acksInFlight;
    let closed = 0;
    for (const server of this.servers) {
      for (const socket of server.of('/').sockets.values()) {
        socket.conn.close();
        closed += 1;
      }
    }
    return { waitedFor, unanswered, closed };
  }

  override async close(server: Server): Promise<void> {
    const redis = this.redis;
    // With Redis away, the adapter's unsubscribes would wait for it forever: drop the clients first.
    if (redis && !redis.sub.isReady) destroy(redis);
    await within(super.close(server), REDIS_CLOSE_MS * 3, 'socket.io close').catch((err: Error) => this.log.warn(err.message));
    if (!redis) return;
    this.redis = undefined;
    await Promise.allSettled(
      [redis.pub, redis.sub].map((c) => (c.isOpen ? within(c.close(), REDIS_CLOSE_MS, 'Redis close').catch(() => c.destroy()) : undefined)),
    );
  }

  private trackAcks(socket: Socket): void {
    socket.on('disconnect', () => this.pendingAcks.delete(socket.id));
    socket.use((packet, next) => {
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      // Events nobody handles are answered by the gateway's catch-all; only handled ones are counted.
      if (typeof ack !== 'function' || socket.listenerCount(String(packet[0])) === 0) return next();
      if (!this.accepting) {
        ack({ ok: false, error: { code: ErrorCode.Unavailable, message: 'This server is shutting down; retry' } });
        return;
      }
      this.pendingAcks.set(socket.id, (this.pendingAcks.get(socket.id) ?? 0) + 1);
      let answered = false;
      packet[last] = (...args: unknown[]) => {
        if (!answered) {
          answered = true;
          const left = (this.pendingAcks.get(socket.id) ?? 1) - 1;
          if (left > 0) this.pendingAcks.set(socket.id, left);
          else this.pendingAcks.delete(socket.id);
        }
        (ack as (...a: unknown[]) => void)(...args);
      };
      next();
    });
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

function destroy(redis: { pub: RedisClient; sub: RedisClient }): void {
  for (const c of [redis.pub, redis.sub]) if (c.isOpen) c.destroy();
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
