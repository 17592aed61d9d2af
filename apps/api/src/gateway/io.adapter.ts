import { type INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { ErrorCode, LIMITS } from '@parley/contracts';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { OriginPolicy } from '../common/origin-policy';
import { within } from '../common/within';
import type { RedisBus } from './redis.bus';
import type { SocketDrain } from './socket.drain';

/**
 * A connection whose network died (no close ever arrives) is noticed by both ends within
 * interval + timeout: 15 s, where socket.io's defaults (25 s + 20 s) left an agent unaware for
 * about 45 s. A ping every 10 s is a few bytes per socket; proxies in front (docker/nginx.conf,
 * tools/cluster) keep idle sockets for longer than 15 s (proxy_read_timeout 75s).
 */
export const PING_INTERVAL_MS = 10_000;
export const PING_TIMEOUT_MS = 5_000;

/** A socket.io close stuck on Redis must not hold the shutdown up; the clients are closed after it anyway. */
const SERVER_CLOSE_MS = 3000;

/** Where a socket keeps the message handlers Nest bound for it, by event slot. */
const HANDLERS = Symbol('parley.handlers');
type SocketWithHandlers = Socket & { [HANDLERS]?: Array<MessageMappingProperties['callback'] | undefined> };
interface SharedEvent {
  index: number;
  listener: (this: Socket, ...args: unknown[]) => void;
}

/**
 * socket.io servers as Parley runs them: small frames, the Origin check, the Redis bus's adapter
 * when there is one, acks counted for the drain, and Nest's handlers bound without per-socket rxjs.
 */
export class ParleyIoAdapter extends IoAdapter {
  private readonly log = new Logger('SocketIo');
  /** Per event name: its slot in each socket's callbacks and its one listener (see bindMessageHandlers). */
  private readonly events = new Map<string, SharedEvent>();

  constructor(
    app: INestApplicationContext,
    private readonly origins: OriginPolicy,
    private readonly bus: RedisBus,
    private readonly drain: SocketDrain,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      path: options?.path ?? '/socket.io',
      serveClient: false,
      pingInterval: PING_INTERVAL_MS,
      pingTimeout: PING_TIMEOUT_MS,
      maxHttpBufferSize: LIMITS.socketFrameMaxBytes,
      // Browsers always send Origin cross-origin; a request without one is same-origin or not a browser.
      allowRequest: (req, done) => {
        const origin = req.headers.origin;
        if (!origin || this.origins.isAllowed(origin)) return done(null, true);
        done(ErrorCode.OriginNotAllowed, false);
      },
    } as ServerOptions);
    const adapter = this.bus.adapter;
    if (adapter) server.adapter(adapter);
    server.on('connection', (socket: Socket) => {
      // The upgrade request is only needed for the handshake, which is built by now; letting it go
      // saves its memory for as long as the connection lasts (socket.io's memory-usage advice).
      socket.conn.request = null as never;
    });
    this.drain.track(server);
    return server;
  }

  /**
   * Nest's IoAdapter gives every socket one rxjs pipeline per handler (fromEvent, mergeMap, takeUntil)
   * and every event a few more operators. Here each event name has one listener shared by all sockets
   * (EventEmitter calls it with the socket as `this`), and a socket keeps only the callbacks Nest bound
   * for it, in one array: no closure or object per socket and handler. A handler runs as Nest built
   * it (guards, pipes, interceptors) and its ack is answered with what it returns. This leans on how
   * Nest calls adapters; io.adapter.spec.ts fails if that changes.
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

  override async close(server: Server): Promise<void> {
    this.bus.releaseIfUnreachable();
    await within(super.close(server), SERVER_CLOSE_MS, 'socket.io close').catch((err: Error) => this.log.warn(err.message));
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
}
