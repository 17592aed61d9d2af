import {
  ClientEvent,
  type ClientToServerEvents,
  type Message,
  ServerEvent,
  type ServerToClientEvents,
  type Thread,
} from '@parley/contracts';
import { createRestClient, type RestCall } from '@parley/rest-client';
import { io, type Socket } from 'socket.io-client';

type Events = keyof ServerToClientEvents;
type Payload<E extends Events> = Parameters<ServerToClientEvents[E]>[0];

const WAIT_MS = 15_000;

/**
 * The agent's side, driven the way the console drives it: REST for claims and closes, a socket
 * for messages, typing and the live queue. Every event it hears is kept, so a test can wait for
 * one that already arrived.
 */
export class Agent {
  private readonly heard: { event: Events; payload: unknown }[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly rest: RestCall;

  private constructor(
    private readonly api: string,
    private readonly token: string,
    private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>,
  ) {
    this.rest = createRestClient({ origin: api, token: () => token, timeoutMs: WAIT_MS });
    for (const event of Object.values(ServerEvent)) {
      (socket as unknown as Socket).on(event, (payload: unknown) => {
        this.heard.push({ event, payload });
        for (const w of this.waiters) w();
      });
    }
  }

  static async connect(api: string, token: string): Promise<Agent> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(api, { auth: { token }, transports: ['websocket'], reconnection: false });
    const agent = new Agent(api, token, socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('agent socket did not connect')), WAIT_MS);
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
    });
    return agent;
  }

  /** Where the record of heard events ends now: `waitFor(..., { after })` ignores what came before. */
  mark(): number {
    return this.heard.length;
  }

  /** The first event of this kind that matches, whether it arrived before or arrives within the timeout. */
  waitFor<E extends Events>(
    event: E,
    match: (p: Payload<E>) => boolean = () => true,
    { after = 0, timeoutMs = WAIT_MS }: { after?: number; timeoutMs?: number } = {},
  ): Promise<Payload<E>> {
    const find = () => this.heard.slice(after).find((h) => h.event === event && match(h.payload as Payload<E>))?.payload as Payload<E> | undefined;
    const now = find();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (!found) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`agent: no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** A thread the visitor with this email started. */
  threadOf(email: string, after = 0): Promise<Thread> {
    return this.waitFor(ServerEvent.ThreadCreated, (t) => t.visitor.email === email, { after });
  }

  async join(threadId: string): Promise<void> {
    const res = await this.socket.timeout(WAIT_MS).emitWithAck(ClientEvent.ThreadJoin, { threadId });
    if (!res.ok) throw new Error(`join: ${res.error.code}`);
  }

  async send(threadId: string, body: string, clientMsgId = `agent-${Date.now()}-${Math.random().toString(36).slice(2)}`): Promise<Message> {
    const res = await this.socket.timeout(WAIT_MS).emitWithAck(ClientEvent.MessageSend, { threadId, clientMsgId, body });
    if (!res.ok) throw new Error(`send: ${res.error.code}`);
    return res.message;
  }

  async typing(threadId: string, isTyping: boolean): Promise<void> {
    const res = await this.socket.timeout(WAIT_MS).emitWithAck(ClientEvent.Typing, { threadId, isTyping });
    if (!res.ok) throw new Error(`typing: ${res.error.code}`);
  }

  claim(threadId: string): Promise<Thread> {
    return this.rest('post /threads/{id}/claim', { params: { id: threadId }, body: {} });
  }

  closeThread(threadId: string): Promise<Thread> {
    return this.rest('post /threads/{id}/close', { params: { id: threadId }, body: {} });
  }

  /** Posts as an agent over REST (works while the visitor is offline). */
  post(threadId: string, body: string, clientMsgId: string): Promise<Message> {
    return this.rest('post /threads/{id}/messages', { params: { id: threadId }, body: { clientMsgId, body } });
  }

  thread(threadId: string): Promise<Thread> {
    return this.rest('get /threads/{id}', { params: { id: threadId } });
  }

  async messages(threadId: string): Promise<Message[]> {
    return (await this.rest('get /threads/{id}/messages', { params: { id: threadId }, query: { afterSeq: 0 } })).items;
  }

  close(): void {
    this.socket.close();
  }
}
