import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Rooms, ServerEvent } from '@parley/contracts';
import { type DomainEvent, DomainEvents, sessionEnded } from '../common/domain-events';
import { fanoutSeconds, since } from '../metrics/instruments';
import { forVisitor } from '../threads/thread.policy';
import { ChatGateway } from './chat.gateway';
import { AvailabilityService } from '../availability/availability.service';

/**
 * The one place that decides who hears a domain event. Rooms span nodes through the adapter, so
 * `socketsJoin` and `emit` here reach sockets connected to any node.
 */
@Injectable()
export class Notifier implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Notifier');
  private unsubscribe?: () => void;
  private unsubscribeAvailability?: () => void;

  constructor(
    private readonly events: DomainEvents,
    private readonly gateway: ChatGateway,
    private readonly availability?: AvailabilityService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((e) => this.deliver(e));
    // Every node sees the change itself (its own recheck), so each tells only its own widget sockets: once each.
    this.unsubscribeAvailability = this.availability?.onChange((a) => this.gateway.server?.local.to(Rooms.visitors).emit(ServerEvent.AvailabilityUpdated, a));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribeAvailability?.();
  }

  /** The sockets of ended sessions, on any node, are closed; their clients cannot reconnect with that token. */
  private async closeSessions(agentId: string, sessionId: string | undefined, exceptSessionId: string | undefined): Promise<void> {
    const room = this.gateway.server.in(Rooms.agent(agentId));
    if (!sessionId && !exceptSessionId) return void room.disconnectSockets(true);
    for (const socket of await room.fetchSockets()) {
      const principal = socket.data.principal;
      if (principal?.kind === 'agent' && sessionEnded(principal.sessionId, sessionId, exceptSessionId)) socket.disconnect(true);
    }
  }

  private deliver(e: DomainEvent): void {
    const io = this.gateway.server;
    if (!io) return;
    switch (e.type) {
      case 'message.created':
        io.to(Rooms.thread(e.message.threadId)).emit(ServerEvent.MessageCreated, e.message);
        if (e.committedAt !== undefined) fanoutSeconds.observe(since(e.committedAt));
        return;
      case 'thread.created':
        io.in(Rooms.visitor(e.thread.visitor.id)).socketsJoin(Rooms.thread(e.thread.id));
        io.to(Rooms.agents).to(Rooms.visitor(e.thread.visitor.id)).emit(ServerEvent.ThreadCreated, e.thread);
        return;
      case 'thread.updated':
        if (e.joinAgentId) io.in(Rooms.agent(e.joinAgentId)).socketsJoin([Rooms.thread(e.thread.id), Rooms.threadNotes(e.thread.id)]);
        // Every agent socket is in the agents' room; the visitor's sockets get the thread without its tags.
        io.to(Rooms.agents).emit(ServerEvent.ThreadUpdated, e.thread);
        io.to(Rooms.thread(e.thread.id)).to(Rooms.visitor(e.thread.visitor.id)).except(Rooms.agents).emit(ServerEvent.ThreadUpdated, forVisitor(e.thread));
        return;
      case 'agent.updated':
        io.to(Rooms.agents).emit(ServerEvent.AgentUpdated, e.agent);
        // A deactivated agent's open sockets end now; its token is refused from the next request on.
        if (!e.agent.active) io.in(Rooms.agent(e.agent.id)).disconnectSockets(true);
        return;
      case 'webhook.disabled':
        io.to(Rooms.admins).emit(ServerEvent.WebhookDisabled, e.webhook);
        return;
      case 'visitor.context':
        io.to(Rooms.agents).emit(ServerEvent.VisitorContext, e.context);
        return;
      case 'note.created':
        // The notes room has agent sockets only: the thread's room (with the visitor's sockets) never hears a note.
        io.to(Rooms.threadNotes(e.note.threadId)).emit(ServerEvent.NoteCreated, e.note);
        return;
      case 'mention.created':
        io.to(Rooms.agent(e.agentId)).emit(ServerEvent.MentionCreated, e.mention);
        return;
      case 'queue.position':
        io.to(Rooms.thread(e.position.threadId)).emit(ServerEvent.QueuePosition, e.position);
        return;
      case 'thread.read': {
        // The thread's room (both sides while they look at it) and the reader's other devices.
        let to = io.to(Rooms.thread(e.read.threadId)).to(Rooms.visitor(e.visitorId));
        if (e.agentId) to = to.to(Rooms.agent(e.agentId));
        to.emit(ServerEvent.ThreadRead, e.read);
        return;
      }
      case 'sessions.ended':
        this.closeSessions(e.agentId, e.sessionId, e.exceptSessionId).catch((err: unknown) => this.log.warn(`closing the sockets of ended sessions: ${String(err)}`));
        return;
      case 'visitor.erased':
        // Its token is refused from now on (the visitor row is marked); its open sockets end here.
        io.in(Rooms.visitor(e.visitorId)).disconnectSockets(true);
        return;
      case 'typing.updated':
        // Each socket is in the room named by its id: leaving that room out leaves the author's connection out.
        io.to(Rooms.thread(e.typing.threadId)).except(e.fromConnection).emit(ServerEvent.Typing, e.typing);
        return;
      default: {
        const unreachable: never = e;
        throw new Error(`Unhandled domain event ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
