import { Injectable, Logger } from '@nestjs/common';
import type { Agent, Mention, Message, Note, QueuePosition, Thread, ThreadReadEvent, TypingEvent, VisitorContext, Webhook } from '@parley/contracts';

/**
 * What happened, emitted by services only after the change is committed. Typing has nothing to
 * commit: it is emitted once the author's write access is checked, with the connection it came
 * from, which does not hear its own typing.
 */
export type DomainEvent =
  /** `committedAt`: when a person's message committed (`performance.now()`), for the fan-out metric. */
  | { type: 'message.created'; message: Message; committedAt?: number }
  | { type: 'thread.created'; thread: Thread }
  /** `joinAgentId`: an agent who now works the thread and whose sockets should join its room. */
  | { type: 'thread.updated'; thread: Thread; joinAgentId?: string }
  | { type: 'agent.updated'; agent: Agent }
  /** The server turned a webhook endpoint off; admins are told. */
  | { type: 'webhook.disabled'; webhook: Webhook }
  | { type: 'typing.updated'; typing: TypingEvent; fromConnection: string }
  /** Read receipts: a side raised its read mark; `visitorId` is the thread's, `agentId` the reader's when an agent read. */
  | { type: 'thread.read'; read: ThreadReadEvent; visitorId: string; agentId?: string }
  /** A visitor's context changed (a page, its socket came or went); agents are told. */
  | { type: 'visitor.context'; context: VisitorContext }
  /** A private note was stored: agents only, never the visitor, the raw WebSocket or webhooks. */
  | { type: 'note.created'; note: Note }
  /** A note mentions an agent: that agent only. */
  | { type: 'mention.created'; agentId: string; mention: Mention }
  /** A waiting visitor's place in the queue changed: to its thread's room. */
  | { type: 'queue.position'; position: QueuePosition }
  /**
   * An agent's sessions ended: one (`sessionId`: sign-out), all but one (`exceptSessionId`: a
   * password change), or all (sign-out everywhere, deactivation, a role change, a password reset).
   */
  | { type: 'sessions.ended'; agentId: string; sessionId?: string; exceptSessionId?: string }
  /** A visitor was erased (a privacy request): its connections end now, on every node. */
  | { type: 'visitor.erased'; visitorId: string };

export type DomainEventListener = (event: DomainEvent) => void | Promise<void>;

/**
 * In-process fan-out from services to their listeners (the notifier, other services). A listener's
 * failure is its own: the service that emitted has already committed and must still answer its
 * caller, and the other listeners must still hear the event, so a throw or a rejection is logged here.
 */
@Injectable()
export class DomainEvents {
  private readonly log = new Logger('DomainEvents');
  /** Replaced, never mutated: a listener that subscribes or unsubscribes during an emit does not disturb it. */
  private listeners: readonly DomainEventListener[] = [];

  /** Returns the unsubscribe. */
  subscribe(listener: DomainEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        const result = listener(event);
        if (result) result.catch((err: unknown) => this.failed(event, err));
      } catch (err) {
        this.failed(event, err);
      }
    }
  }

  private failed(event: DomainEvent, err: unknown): void {
    this.log.error(`a listener of ${event.type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}

/** Whether the session `session` is one of those a `sessions.ended` event names. */
export function sessionEnded(session: string | undefined, only: string | undefined, except: string | undefined): boolean {
  return (only === undefined || session === only) && session !== except;
}
