import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LegacyCloseCode, type LegacyFrameOut, type Message, type Thread, type TypingEvent } from '@parley/contracts';
import type { WebSocket } from 'ws';
import type { Principal } from '../../auth/principal';
import { type DomainEvent, DomainEvents, sessionEnded } from '../../common/domain-events';
import { ChatGateway } from '../chat.gateway';
import { RedisBus } from '../redis.bus';
import { chatFrame, threadFrame, typingFrame } from './legacy.frames';

/** One authorized raw connection: a principal in one thread. */
export interface LegacyClient {
  readonly id: string;
  readonly ws: WebSocket;
  readonly principal: Principal;
  readonly threadId: string;
}

/** What crosses to the other nodes: only what raw clients hear, in plain JSON. */
type Relayed =
  | { kind: 'message'; message: Message }
  | { kind: 'thread'; thread: Thread }
  | { kind: 'typing'; typing: TypingEvent; fromConnection: string }
  | { kind: 'agentGone'; agentId: string; sessionId?: string; exceptSessionId?: string; reason: string }
  | { kind: 'visitorGone'; visitorId: string; reason: string };

/** The socket.io server-side event that carries Relayed between nodes (never sent to a client). */
const RELAY_EVENT = 'parley:legacy';

export function send(ws: WebSocket, frame: LegacyFrameOut): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

/**
 * The rooms of the raw endpoint. socket.io's rooms span nodes through its adapter; raw clients are
 * not socket.io sockets, so this node keeps its own thread→clients map and hears the other nodes'
 * events through socket.io's `serverSideEmit` over the same Redis bus (only with REDIS_URL: a single
 * node has no one to tell). Each event is delivered here from the domain event of the node that
 * committed it, so a raw client hears what a socket.io client hears, after the commit, once.
 */
@Injectable()
export class LegacyHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('LegacyWs');
  private readonly byThread = new Map<string, Set<LegacyClient>>();
  private unsubscribe?: () => void;

  constructor(
    private readonly events: DomainEvents,
    private readonly gateway: ChatGateway,
    private readonly bus: RedisBus,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events.subscribe((e) => this.onDomainEvent(e));
    // Events the other nodes relay; the server-side emit never reaches a client.
    (this.gateway.server as unknown as { on(ev: string, fn: (r: Relayed) => void): void }).on(RELAY_EVENT, (r) => this.deliver(r));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Raw clients connected to this node. */
  get size(): number {
    let n = 0;
    for (const set of this.byThread.values()) n += set.size;
    return n;
  }

  /** The kind of principal of each raw client connected to this node. */
  *kinds(): Generator<Principal['kind']> {
    for (const set of this.byThread.values()) for (const c of set) yield c.principal.kind;
  }

  join(client: LegacyClient): void {
    let set = this.byThread.get(client.threadId);
    if (!set) this.byThread.set(client.threadId, (set = new Set()));
    set.add(client);
  }

  leave(client: LegacyClient): void {
    const set = this.byThread.get(client.threadId);
    if (!set) return;
    set.delete(client);
    if (set.size === 0) this.byThread.delete(client.threadId);
  }

  private onDomainEvent(e: DomainEvent): void {
    const r = relayedOf(e);
    if (!r) return;
    this.deliver(r);
    if (this.bus.adapter) this.gateway.server.serverSideEmit(RELAY_EVENT as never, r as never);
  }

  private deliver(r: Relayed): void {
    switch (r.kind) {
      case 'message':
        return this.toThread(r.message.threadId, () => chatFrame(r.message));
      case 'thread':
        return this.toThread(r.thread.id, () => threadFrame(r.thread));
      case 'typing':
        return this.toThread(r.typing.threadId, () => typingFrame(r.typing), r.fromConnection);
      case 'agentGone':
        for (const set of this.byThread.values()) {
          for (const c of set) {
            const p = c.principal;
            if (p.kind === 'agent' && p.id === r.agentId && sessionEnded(p.sessionId, r.sessionId, r.exceptSessionId)) {
              c.ws.close(LegacyCloseCode.Unauthenticated, r.reason);
            }
          }
        }
        return;
      case 'visitorGone':
        for (const set of this.byThread.values()) {
          for (const c of set) if (c.principal.kind === 'visitor' && c.principal.id === r.visitorId) c.ws.close(LegacyCloseCode.Unauthenticated, r.reason);
        }
        return;
      default: {
        const unreachable: never = r;
        this.log.warn(`unknown relayed event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The frame is serialised once for the whole room. */
  private toThread(threadId: string, frame: () => LegacyFrameOut, exceptConnection?: string): void {
    const set = this.byThread.get(threadId);
    if (!set) return;
    const text = JSON.stringify(frame());
    for (const c of set) {
      if (c.id !== exceptConnection && c.ws.readyState === c.ws.OPEN) c.ws.send(text);
    }
  }
}

function relayedOf(e: DomainEvent): Relayed | undefined {
  switch (e.type) {
    case 'message.created':
      return { kind: 'message', message: e.message };
    case 'thread.updated':
      return { kind: 'thread', thread: e.thread };
    case 'typing.updated':
      return { kind: 'typing', typing: e.typing, fromConnection: e.fromConnection };
    case 'sessions.ended':
      return { kind: 'agentGone', agentId: e.agentId, sessionId: e.sessionId, exceptSessionId: e.exceptSessionId, reason: 'This session has ended; sign in again' };
    case 'agent.updated':
      return e.agent.active ? undefined : { kind: 'agentGone', agentId: e.agent.id, reason: 'This agent was deactivated' };
    case 'visitor.erased':
      return { kind: 'visitorGone', visitorId: e.visitorId, reason: 'This visitor was erased' };
    default:
      return undefined;
  }
}
