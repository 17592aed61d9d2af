import { Logger, UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import {
  ClientEvent,
  ErrorCode,
  type MessageAck,
  type MessagePage,
  MessageSendPayloadSchema,
  type MessageSendPayload,
  MessagesSyncPayloadSchema,
  type MessagesSyncPayload,
  LIMITS,
  type Note,
  type NotePage,
  NoteSendPayloadSchema,
  type NoteSendPayload,
  NotesSyncPayloadSchema,
  type NotesSyncPayload,
  Rooms,
  SocketAuthSchema,
  type Thread,
  ThreadRefPayloadSchema,
  type ThreadRefPayload,
  ThreadStartPayloadSchema,
  ThreadReadPayloadSchema,
  type ThreadReadPayload,
  TypingPayloadSchema,
  type TypingPayload,
  VisitorPagePayloadSchema,
  type VisitorPagePayload,
} from '@parley/contracts';
import { PresenceService } from '../agents/presence.service';
import { AuthService } from '../auth/auth.service';
import type { AgentPrincipal, VisitorPrincipal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { parseWith, ZodPipe } from '../common/zod.pipe';
import { NotesService } from '../notes/notes.service';
import { ThreadsService } from '../threads/threads.service';
import { UsersService } from '../users/users.service';
import { VisitorContextService } from '../visitor-context/visitor-context.service';
import { since, socketEventSeconds } from '../metrics/instruments';
import { AckInterceptor, toAckFailure } from './ack.interceptor';
import { clientAddress } from './client-address';
import { SocketLimits } from './socket.limits';
import type { ParleyServer, ParleySocket } from './socket-types';

const KNOWN_EVENTS = new Set<string>(Object.values(ClientEvent));

function requireKind<K extends 'agent' | 'visitor'>(socket: ParleySocket, kind: K) {
  const p = socket.data.principal;
  if (p.kind !== kind) throw new AppError(ErrorCode.Forbidden, `Only ${kind}s may do this`);
  return p as K extends 'agent' ? AgentPrincipal : VisitorPrincipal;
}

/**
 * The socket.io endpoint. Thin: authenticate the handshake, validate each payload with its contract
 * schema, authorize through the services, answer the ack. Broadcasts happen in the notifier.
 */
@WebSocketGateway()
@UseInterceptors(AckInterceptor)
export class ChatGateway
  implements OnGatewayInit<ParleyServer>, OnGatewayConnection<ParleySocket>, OnGatewayDisconnect<ParleySocket>
{
  private readonly logger = new Logger('Gateway');
  @WebSocketServer() server!: ParleyServer;

  constructor(
    private readonly auth: AuthService,
    private readonly threads: ThreadsService,
    private readonly presence: PresenceService,
    private readonly users: UsersService,
    private readonly limits: SocketLimits,
    private readonly context: VisitorContextService,
    private readonly notes: NotesService,
  ) {}

  afterInit(server: ParleyServer): void {
    server.use((socket, next) => {
      const address = clientAddress(socket, this.limits.trust);
      this.limits
        .admitHandshake(address)
        .then(() => {
          const parsed = SocketAuthSchema.safeParse(socket.handshake.auth);
          return this.auth.authenticate(parsed.success ? parsed.data.token : undefined);
        })
        .then(async (principal) => {
          socket.data.principal = principal;
          // The token has done its work: not kept for the connection's life, nor sent along by fetchSockets.
          socket.handshake.auth = {};
          if (principal.kind === 'apiKey') throw new AppError(ErrorCode.Forbidden, 'API keys use the REST API');
          // Rooms are joined before the client hears `connect`, so nothing emitted after that is missed.
          const rooms =
            principal.kind === 'agent'
              ? [Rooms.agents, Rooms.agent(principal.id), ...(principal.role === 'admin' ? [Rooms.admins] : [])]
              : [Rooms.visitor(principal.id), Rooms.visitors];
          const threadIds = await this.threads.openThreadIds(principal);
          // An agent's socket follows the private notes of the threads it follows; a visitor's never.
          const notes = principal.kind === 'agent' ? threadIds.map(Rooms.threadNotes) : [];
          await socket.join([...rooms, ...threadIds.map(Rooms.thread), ...notes]);
          next();
        })
        .catch(async (err: unknown) => {
          const failure = toAckFailure(err, this.logger);
          await this.limits.handshakeRefused(address, failure.error.code);
          next(Object.assign(new Error(failure.error.code), { data: failure.error }));
        });
    });
  }

  async handleConnection(socket: ParleySocket): Promise<void> {
    const principal = socket.data.principal;
    // Before anything else: every event then passes the limits before its handler sees it.
    this.limits.attach(socket);
    this.bindSend(socket);
    // Sockets are logged once each, when they close, with what they did: never per event or message.
    const since = Date.now();
    let events = 0;
    socket.once('disconnect', (reason: string) => {
      const transport = socket.conn?.transport?.name ?? 'unknown';
      this.logger.log(`socket closed: ${principal.kind}:${principal.id} ${transport} ${Date.now() - since}ms, ${events} event(s), ${reason}`);
    });
    // An event nobody handles would leave the client waiting for its ack: answer it with an error.
    socket.onAny((event: string, ...args: unknown[]) => {
      events += 1;
      const ack = args[args.length - 1];
      if (!KNOWN_EVENTS.has(event) && typeof ack === 'function') {
        ack({ ok: false, error: { code: ErrorCode.ValidationFailed, message: `Unknown event "${event}"` } });
      }
    });
    if (principal.kind === 'agent') await this.presence.connected(principal.id);
    // A visitor's last-seen time moves as its sockets come and go: one write each, none per message.
    // The socket's user agent and address are its context for the agents (the address shown only if an admin allows it).
    else if (principal.kind === 'visitor') void this.context.connected(principal.id, socket.handshake.headers['user-agent'], clientAddress(socket, this.limits.trust));
  }

  handleDisconnect(socket: ParleySocket): void {
    const principal = socket.data.principal;
    // A socket refused at the handshake has no principal.
    if (principal?.kind === 'visitor') {
      void this.users.touch(principal.id).catch((err: unknown) => this.logger.warn(String(err)));
      // The visitor's room spans nodes: it has left the site when no socket of it is left anywhere.
      const visitorRoom = Rooms.visitor(principal.id);
      this.context.disconnected(principal.id, async () => (await this.server.in(visitorRoom).fetchSockets()).length > 0);
      return;
    }
    if (principal?.kind !== 'agent') return;
    // The agent's room spans nodes: its sockets anywhere count.
    const room = Rooms.agent(principal.id);
    this.presence.disconnected(principal.id, async () => (await this.server.in(room).fetchSockets()).length > 0);
  }

  @SubscribeMessage(ClientEvent.ThreadStart)
  async start(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(ThreadStartPayloadSchema)) payload: { team?: string },
  ): Promise<{ thread: Thread }> {
    const { thread } = await this.threads.start(requireKind(socket, 'visitor'), payload.team);
    await socket.join(Rooms.thread(thread.id));
    return { thread };
  }

  @SubscribeMessage(ClientEvent.ThreadJoin)
  async join(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(ThreadRefPayloadSchema)) p: ThreadRefPayload,
  ): Promise<{ thread: Thread }> {
    const principal = socket.data.principal;
    const thread = await this.threads.get(principal, p.threadId);
    await socket.join(principal.kind === 'agent' ? [Rooms.thread(thread.id), Rooms.threadNotes(thread.id)] : Rooms.thread(thread.id));
    return { thread };
  }

  @SubscribeMessage(ClientEvent.ThreadLeave)
  async leave(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(ThreadRefPayloadSchema)) p: ThreadRefPayload,
  ): Promise<object> {
    await socket.leave(Rooms.thread(p.threadId));
    await socket.leave(Rooms.threadNotes(p.threadId));
    return {};
  }

  @SubscribeMessage(ClientEvent.ThreadClaim)
  async claim(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(ThreadRefPayloadSchema)) p: ThreadRefPayload,
  ): Promise<{ thread: Thread }> {
    return { thread: await this.threads.claim(requireKind(socket, 'agent'), p.threadId) };
  }

  @SubscribeMessage(ClientEvent.ThreadClose)
  async close(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(ThreadRefPayloadSchema)) p: ThreadRefPayload,
  ): Promise<{ thread: Thread }> {
    return { thread: await this.threads.close(socket.data.principal, p.threadId) };
  }

  /**
   * message.send, the event sent thousands of times a second, is bound without Nest's per-event
   * pipeline (global guard, parameter pipes, the rxjs ack interceptor): the same contract validation,
   * service call and ack envelope, with about 40% fewer bytes allocated per message (tools/bench
   * `profile`). Bound as the socket connects, before it can send anything.
   */
  private bindSend(socket: ParleySocket): void {
    socket.on(ClientEvent.MessageSend, (...args: unknown[]) => {
      // `emitWithAck('message.send')` with no payload puts the ack first: it is still answered.
      const last = args.at(-1);
      const answer = typeof last === 'function' ? (last as (res: MessageAck) => void) : () => undefined;
      const payload = (typeof last === 'function' ? args.slice(0, -1) : args)[0] as MessageSendPayload | undefined;
      const start = performance.now();
      Promise.resolve()
        .then(() => {
          const p = parseWith(MessageSendPayloadSchema, payload);
          return this.threads.postMessage(socket.data.principal, p.threadId, p);
        })
        .then(
          (result) => ({ ok: true as const, ...result }),
          (err: unknown) => toAckFailure(err, this.logger),
        )
        .then((ack) => {
          socketEventSeconds.observe({ event: ClientEvent.MessageSend, outcome: ack.ok ? 'ok' : ack.error.code }, since(start));
          answer(ack);
        });
    });
  }

  @SubscribeMessage(ClientEvent.MessagesSync)
  sync(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(MessagesSyncPayloadSchema)) p: MessagesSyncPayload,
  ): Promise<MessagePage> {
    return this.threads.messages(socket.data.principal, p.threadId, p.afterSeq, p.limit ?? LIMITS.pageSizeMax);
  }

  /** A private note: agents only (a visitor is told there is no such thread); acked after the commit. */
  @SubscribeMessage(ClientEvent.NoteSend)
  noteSend(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(NoteSendPayloadSchema)) p: NoteSendPayload,
  ): Promise<{ note: Note; duplicate: boolean }> {
    return this.notes.post(socket.data.principal, p.threadId, p);
  }

  @SubscribeMessage(ClientEvent.NotesSync)
  notesSync(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(NotesSyncPayloadSchema)) p: NotesSyncPayload,
  ): Promise<NotePage> {
    return this.notes.list(socket.data.principal, p.threadId, p.afterNoteSeq, p.limit ?? LIMITS.pageSizeMax);
  }

  /** The visitor's widget says which page of the site the visitor is on; agents hear it as `visitor.context`. */
  @SubscribeMessage(ClientEvent.VisitorPage)
  async page(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(VisitorPagePayloadSchema)) p: VisitorPagePayload,
  ): Promise<object> {
    await this.context.page(requireKind(socket, 'visitor').id, p);
    return {};
  }

  @SubscribeMessage(ClientEvent.Typing)
  async typing(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(TypingPayloadSchema)) p: TypingPayload,
  ): Promise<object> {
    await this.threads.typing(socket.data.principal, p.threadId, p.isTyping, socket.id);
    return {};
  }

  /** Read receipts: the sender's side has read the thread up to `seq`; the other side and the sender's other devices hear `thread.read`. */
  @SubscribeMessage(ClientEvent.ThreadRead)
  read(
    @ConnectedSocket() socket: ParleySocket,
    @MessageBody(new ZodPipe(ThreadReadPayloadSchema)) p: ThreadReadPayload,
  ): Promise<{ visitorReadSeq: number; agentReadSeq: number }> {
    return this.threads.markRead(socket.data.principal, p.threadId, p.seq);
  }
}
