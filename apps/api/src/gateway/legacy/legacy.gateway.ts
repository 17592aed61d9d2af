import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import {
  ClientEvent,
  ErrorCode,
  IdSchema,
  LEGACY_TOKEN_PROTOCOL_PREFIX,
  LEGACY_WS_PATH,
  LegacyCloseCode,
  type LegacyFrameIn,
  LIMITS,
} from '@parley/contracts';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { AuthService } from '../../auth/auth.service';
import type { Principal } from '../../auth/principal';
import { AppError } from '../../common/app-error';
import { ThreadsService } from '../../threads/threads.service';
import { toAckFailure } from '../ack.interceptor';
import { clientAddress } from '../client-address';
import { PING_INTERVAL_MS } from '../io.adapter';
import { SocketDrain } from '../socket.drain';
import { SocketLimits } from '../socket.limits';
import { chatFrame, echoedClientMsgId, parseFrame, readFrame } from './legacy.frames';
import { type LegacyClient, LegacyHub, send } from './legacy.hub';

/** The close code a refused handshake ends with, by the refusal's error code. */
const CLOSE_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthenticated]: LegacyCloseCode.Unauthenticated,
  [ErrorCode.TokenExpired]: LegacyCloseCode.Unauthenticated,
  [ErrorCode.AccountDeactivated]: LegacyCloseCode.Unauthenticated,
  [ErrorCode.Forbidden]: LegacyCloseCode.Forbidden,
  [ErrorCode.NotFound]: LegacyCloseCode.NotFound,
  [ErrorCode.ThreadNotFound]: LegacyCloseCode.NotFound,
  [ErrorCode.RateLimited]: LegacyCloseCode.RateLimited,
  [ErrorCode.Unavailable]: LegacyCloseCode.GoingAway,
};
/** A close reason is at most 123 bytes. */
const reason = (text: string) => Buffer.from(text).subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '');

const EVENT_OF = { chat: ClientEvent.MessageSend, sync: ClientEvent.MessagesSync, typing: ClientEvent.Typing } as const;

/** The thread id and the token of an upgrade request; the token never reaches a log line. */
export function readHandshake(req: IncomingMessage): { threadId: string | undefined; token: string | undefined } {
  const url = new URL(req.url ?? '/', 'http://parley.invalid');
  const segment = url.pathname.slice(LEGACY_WS_PATH.length + 1).replace(/\/$/, '');
  const threadId = IdSchema.safeParse(segment).success ? segment : undefined;
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const fromProtocol = offered.find((p) => p.startsWith(LEGACY_TOKEN_PROTOCOL_PREFIX))?.slice(LEGACY_TOKEN_PROTOCOL_PREFIX.length);
  return { threadId, token: fromProtocol || url.searchParams.get('token') || undefined };
}

/**
 * The old system's raw WebSocket endpoint, `/ws/support/<threadId>/`, on `@nestjs/platform-ws`
 * (see GatewayAdapter). Each connection is one principal in one thread: authorized once, as the
 * handshake completes (token from `?token=` or a `bearer.<token>` subprotocol entry), then every
 * frame goes through the same limits, validation and services as socket.io's events. Messages are
 * stored by the same writer and reach everyone through the domain events (LegacyHub), after commit.
 */
@WebSocketGateway({ path: `${LEGACY_WS_PATH}/` })
export class LegacyGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnGatewayDisconnect<WebSocket>, OnModuleDestroy {
  private readonly log = new Logger('LegacyWs');
  private readonly clients = new WeakMap<WebSocket, LegacyClient>();
  /** Connections that answered the last ping (or connected since). */
  private readonly alive = new WeakSet<WebSocket>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly threads: ThreadsService,
    private readonly limits: SocketLimits,
    private readonly hub: LegacyHub,
    private readonly drain: SocketDrain,
  ) {}

  /**
   * A raw client whose network is gone sends no close: every PING_INTERVAL_MS each connection is
   * pinged, and one that did not answer the previous ping is cut (browsers and `ws` answer by
   * themselves), so dead connections leave the rooms within two intervals, as socket.io's do.
   */
  afterInit(server: WebSocketServer): void {
    this.heartbeat = setInterval(() => {
      for (const ws of server.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, PING_INTERVAL_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  handleConnection(ws: WebSocket, req: IncomingMessage): void {
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    // Frames that arrive while the handshake is checked wait for it, in order; none is read before.
    const ready = this.admit(ws, req);
    let chain: Promise<unknown> = ready;
    // One line per connection when it closes (as socket.io's), never one per frame.
    const since = Date.now();
    let frames = 0;
    ws.once('close', (code: number) => {
      const client = this.clients.get(ws);
      if (client) {
        const { kind, id } = client.principal;
        this.log.log(`raw socket closed: ${kind}:${id} thread ${client.threadId} ${Date.now() - since}ms, ${frames} frame(s), code ${code}`);
      }
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      frames += 1;
      chain = chain.then(() => {
        const client = this.clients.get(ws);
        if (client) return this.frame(client, data, isBinary);
      });
    });
  }

  handleDisconnect(ws: WebSocket): void {
    const client = this.clients.get(ws);
    if (client) this.hub.leave(client);
  }

  private async admit(ws: WebSocket, req: IncomingMessage): Promise<void> {
    const address = clientAddress({ handshake: { address: req.socket.remoteAddress ?? '', headers: req.headers } }, this.limits.trust);
    const { threadId, token } = readHandshake(req);
    try {
      await this.limits.admitHandshake(address);
      const principal = await this.auth.authenticate(token);
      if (principal.kind === 'apiKey') throw new AppError(ErrorCode.Forbidden, 'API keys use the REST API');
      if (!threadId) throw new AppError(ErrorCode.ThreadNotFound, 'No such thread: the path is /ws/support/<thread id>/');
      const access = await this.threads.readable(principal, threadId);
      if (ws.readyState !== ws.OPEN) return;
      const client: LegacyClient = { id: `raw:${randomUUID()}`, ws, principal, threadId };
      this.clients.set(ws, client);
      this.hub.join(client);
      send(ws, {
        type: 'connection_established',
        message: 'you are now connected',
        threadId,
        status: access.status,
        lastSeq: access.lastSeq,
      });
    } catch (err) {
      const failure = toAckFailure(err, this.log).error;
      await this.limits.handshakeRefused(address, failure.code);
      ws.close(CLOSE_OF[failure.code] ?? 1011, reason(failure.message));
    }
  }

  /**
   * Frames are admitted one after the other (limits, validation) and then handled without waiting:
   * the writer batches a connection's messages like socket.io's and keeps their arrival order.
   */
  private async frame(client: LegacyClient, data: RawData, isBinary: boolean): Promise<void> {
    let value: Record<string, unknown> | undefined;
    let frame: LegacyFrameIn;
    try {
      value = readFrame(data, isBinary);
      frame = parseFrame(value);
      await this.admitFrame(client, frame);
    } catch (err) {
      return this.refuse(client, err, echoedClientMsgId(value));
    }
    this.handle(client, frame).catch((err: unknown) => this.refuse(client, err, echoedClientMsgId(value)));
  }

  /** An error frame: nothing of the refused frame was stored. */
  private refuse(client: LegacyClient, err: unknown, clientMsgId: string | undefined): void {
    const error = toAckFailure(err, this.log).error;
    send(client.ws, {
      type: 'error',
      code: error.code,
      message: error.message,
      ...(clientMsgId ? { clientMsgId } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    });
  }

  private async admitFrame(client: LegacyClient, frame: LegacyFrameIn): Promise<void> {
    if (!this.drain.accepting) throw new AppError(ErrorCode.Unavailable, 'This server is shutting down; reconnect and resend');
    try {
      await this.limits.admitEvent(client.principal, EVENT_OF[frame.type ?? 'chat']);
    } catch (err) {
      if (!(await this.limits.refusalTolerated(client.id))) {
        this.log.warn(`closing a raw socket of ${client.principal.kind} ${client.principal.id}: it kept sending while refused`);
        client.ws.close(LegacyCloseCode.RateLimited, 'Too many frames while refused');
      }
      throw err;
    }
  }

  private async handle(client: LegacyClient, frame: LegacyFrameIn): Promise<void> {
    const { principal, threadId, ws } = client;
    switch (frame.type) {
      case undefined:
      case 'chat': {
        const done = this.drain.owe(client.id);
        try {
          const { message, duplicate } = await this.threads.postMessage(principal, threadId, {
            body: frame.message,
            attachments: frame.attachments,
            // The old pages send no id: each of their frames is a new message, as it always was.
            clientMsgId: frame.clientMsgId ?? `raw-${randomUUID()}`,
          });
          if (frame.clientMsgId) send(ws, { type: 'ack', clientMsgId: frame.clientMsgId, id: message.id, seq: message.seq, duplicate });
        } finally {
          done();
        }
        return;
      }
      case 'sync':
        return this.replay(principal, threadId, ws, frame.afterSeq);
      case 'typing':
        return this.threads.typing(principal, threadId, frame.isTyping, client.id);
    }
  }

  /** Every stored message after `afterSeq`, page by page, then `synced`; live frames may interleave (the seq tells). */
  private async replay(principal: Principal, threadId: string, ws: WebSocket, afterSeq: number): Promise<void> {
    let after = afterSeq;
    for (;;) {
      const page = await this.threads.messages(principal, threadId, after, LIMITS.pageSizeMax);
      for (const m of page.items) send(ws, chatFrame(m));
      if (page.items.length) after = page.items[page.items.length - 1].seq;
      if (!page.hasMore) return send(ws, { type: 'synced', lastSeq: Math.max(after, page.lastSeq) });
    }
  }
}
