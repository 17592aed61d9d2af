import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientEvent, type ClientToServerEvents, type Message, Rooms, ServerEvent, type ServerToClientEvents } from '@parley/contracts';
import { Server } from 'socket.io';

type Author = Pick<Message, 'authorType' | 'authorId' | 'authorName'>;

export const FAKE_VISITOR: Author = { authorType: 'visitor', authorId: '00000000-0000-4000-8000-0000000000a1', authorName: 'V' };
export const FAKE_AGENT: Author = { authorType: 'agent', authorId: '00000000-0000-4000-8000-0000000000a2', authorName: 'A' };

/**
 * A stand-in for the API's socket endpoint with the same contract: seq per thread, idempotent
 * message.send keyed as the server keys it, (thread, author, clientMsgId), where the author comes
 * from the token and never from the payload; sync after a seq. It lets the client's reconnect and
 * retry logic be driven deterministically (drop an ack, cut a connection) in a unit test.
 */
export class FakeServer {
  readonly messages: Message[] = [];
  /** How many upcoming message.send acks to swallow (the message is still stored). */
  dropAcks = 0;
  /** How many upcoming message.send to refuse with RATE_LIMITED (not stored), and the delay they name. */
  rateLimitSends = 0;
  retryAfterMs = 150;
  /** Every message.send received, refused ones included, by clientMsgId. */
  readonly sendAttempts: string[] = [];
  /** The attachment ids of each message.send received, by clientMsgId. */
  readonly sentAttachments = new Map<string, string[] | undefined>();
  /** The tokens the server accepts, and whom each one speaks for. */
  readonly tokens = new Map<string, Author>([
    ['good', FAKE_VISITOR],
    ['agent', FAKE_AGENT],
  ]);
  /** Tokens the server refuses with a code of their own (ACCOUNT_DEACTIVATED, say) rather than UNAUTHENTICATED. */
  readonly refusals = new Map<string, string>();
  private http!: HttpServer;
  io!: Server<ClientToServerEvents, ServerToClientEvents>;
  url = '';

  async start(): Promise<void> {
    this.http = createServer();
    this.io = new Server(this.http);
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: string }).token ?? '';
      const author = this.tokens.get(token);
      if (!author) return next(new Error(this.refusals.get(token) ?? 'UNAUTHENTICATED'));
      socket.data = { author };
      next();
    });
    this.io.on('connection', (socket) => {
      const { author } = socket.data as { author: Author };
      socket.on(ClientEvent.ThreadJoin, async ({ threadId }, ack) => {
        await socket.join(Rooms.thread(threadId));
        ack({ ok: true, thread: { id: threadId } as never });
      });
      socket.on(ClientEvent.ThreadLeave, (_p, ack) => ack({ ok: true }));
      socket.on(ClientEvent.MessagesSync, ({ threadId, afterSeq }, ack) => {
        const items = this.messages.filter((m) => m.threadId === threadId && m.seq > afterSeq);
        ack({ ok: true, items, lastSeq: this.lastSeq(threadId), hasMore: false });
      });
      socket.on(ClientEvent.MessageSend, ({ threadId, clientMsgId, body, attachments }, ack) => {
        this.sendAttempts.push(clientMsgId);
        this.sentAttachments.set(clientMsgId, attachments);
        if (this.rateLimitSends > 0) {
          this.rateLimitSends--;
          return ack({ ok: false, error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: this.retryAfterMs } });
        }
        if (body === 'forbidden') return ack({ ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
        const existing = this.messages.find(
          (m) => m.threadId === threadId && m.authorType === author.authorType && m.authorId === author.authorId && m.clientMsgId === clientMsgId,
        );
        const message = existing ?? this.store(threadId, body ?? '', clientMsgId, true, author);
        if (this.dropAcks > 0) {
          this.dropAcks--;
          return;
        }
        ack({ ok: true, message, duplicate: Boolean(existing) });
      });
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Stores a message (by default as the other participant, the agent would), and broadcasts it. */
  store(threadId: string, body: string, clientMsgId: string | null = null, broadcast = true, author: Author = FAKE_AGENT): Message {
    const seq = this.lastSeq(threadId) + 1;
    const message: Message = {
      id: `00000000-0000-4000-8000-${String(this.messages.length + 1).padStart(12, '0')}`,
      threadId,
      seq,
      ...author,
      body,
      clientMsgId,
      attachments: [],
      createdAt: new Date().toISOString(),
    };
    this.messages.push(message);
    if (broadcast) this.io.to(Rooms.thread(threadId)).emit(ServerEvent.MessageCreated, message);
    return message;
  }

  lastSeq(threadId: string): number {
    return this.messages.filter((m) => m.threadId === threadId).length;
  }

  disconnectAll(): void {
    this.io.disconnectSockets(true);
  }

  async stop(): Promise<void> {
    await this.io.close();
  }
}
