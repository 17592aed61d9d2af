import { Injectable } from '@nestjs/common';
import type { Agent, Message, Thread } from '@parley/contracts';
import { Subject } from 'rxjs';

/** What happened, emitted by services only after the change is committed. */
export type DomainEvent =
  | { type: 'message.created'; message: Message }
  | { type: 'thread.created'; thread: Thread }
  /** `joinAgentId`: an agent who now works the thread and whose sockets should join its room. */
  | { type: 'thread.updated'; thread: Thread; joinAgentId?: string }
  | { type: 'agent.updated'; agent: Agent };

@Injectable()
export class DomainEvents {
  private readonly subject = new Subject<DomainEvent>();
  readonly stream$ = this.subject.asObservable();

  emit(event: DomainEvent): void {
    this.subject.next(event);
  }
}
