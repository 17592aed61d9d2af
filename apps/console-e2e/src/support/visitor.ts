import {
  ClientEvent,
  type ClientToServerEvents,
  type Message,
  ServerEvent,
  type ServerToClientEvents,
  type Thread,
  type VisitorSessionResponse,
} from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { until } from '@parley/test-support';
import { io, type Socket } from 'socket.io-client';
import { ok } from './api';
import { e2e } from './state';

const ACK_MS = 5000;

/**
 * A visitor, driven the way the widget will: the pre-chat form over REST, then a socket that
 * starts the thread, sends messages (awaiting each ack) and records every event it receives.
 */
export class Visitor {
  readonly received: Message[] = [];
  readonly threadUpdates: Thread[] = [];

  private constructor(
    readonly session: VisitorSessionResponse,
    private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>,
    public thread: Thread,
  ) {
    socket.on(ServerEvent.MessageCreated, (m) => this.received.push(m));
    socket.on(ServerEvent.ThreadUpdated, (t) => {
      this.threadUpdates.push(t);
      if (t.id === this.thread.id) this.thread = t;
    });
  }

  /** `team`: what the host page's `ParleySettings.team` says (a team's name or id). */
  static async start(name: string, email: string, team?: string): Promise<Visitor> {
    const session = await ok('post /visitors/session', { body: { name, email } });
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(e2e().baseUrl, {
      auth: { token: session.token },
      transports: ['websocket'],
      extraHeaders: { Origin: e2e().baseUrl },
      reconnection: false,
      forceNew: true,
      timeout: 5000,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('visitor socket did not connect in 5 s')), 5000);
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
    });
    const ack = await socket.timeout(ACK_MS).emitWithAck(ClientEvent.ThreadStart, team === undefined ? {} : { team });
    if (!ack.ok) throw new Error(`thread.start refused: ${ack.error.code}`);
    return new Visitor(session, socket, ack.thread);
  }

  get name(): string {
    return this.session.visitor.name;
  }

  /** Sends a message and resolves with the stored copy (its seq) once the server acknowledged it. */
  async send(body: string): Promise<Message> {
    const ack = await this.socket.timeout(ACK_MS).emitWithAck(ClientEvent.MessageSend, { threadId: this.thread.id, clientMsgId: randomUUID(), body });
    if (!ack.ok) throw new Error(`message.send refused: ${ack.error.code} ${ack.error.message}`);
    return ack.message;
  }

  /** Read receipts: the visitor has seen the thread up to `seq` (as the widget says while it shows). */
  async read(seq: number): Promise<void> {
    const ack = await this.socket.timeout(ACK_MS).emitWithAck(ClientEvent.ThreadRead, { threadId: this.thread.id, seq });
    if (!ack.ok) throw new Error(`thread.read refused: ${JSON.stringify(ack)}`);
  }

  async typing(isTyping: boolean): Promise<void> {
    const ack = await this.socket.timeout(ACK_MS).emitWithAck(ClientEvent.Typing, { threadId: this.thread.id, isTyping });
    if (!ack.ok) throw new Error(`typing.set refused: ${ack.error.code}`);
  }

  /** Waits (bounded) until a message matching `match` has arrived over the socket. */
  async waitForMessage(match: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    return until(`the message to reach visitor ${this.name}`, () => this.received.find(match), timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}; got ${JSON.stringify(this.received.map((m) => m.body))}`);
    });
  }

  async waitForStatus(status: Thread['status'], timeoutMs = 10_000): Promise<Thread> {
    return until(`the thread of ${this.name} to become ${status}`, () => this.thread.status === status && this.thread, timeoutMs);
  }

  close(): void {
    this.socket.disconnect();
  }
}
