import { Injectable } from '@nestjs/common';
import { ErrorCode, type RateThreadRequest, type Thread } from '@parley/contracts';
import type { VisitorPrincipal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { DomainEvents } from '../common/domain-events';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ThreadsRepository } from './threads.repository';

/**
 * Ratings (CSAT): the visitor of a closed thread rates it 1-5, with an optional comment, and may
 * change it for 24 h after the first rating. The rating stays credited to the agent assigned when
 * the thread closed. Agents hear it as a `thread.updated` (the thread carries its rating); webhook
 * endpoints get `rating.created`, in the transaction of the change.
 */
@Injectable()
export class RatingsService {
  constructor(
    private readonly repo: ThreadsRepository,
    private readonly events: DomainEvents,
    private readonly outbox: WebhookOutbox,
  ) {}

  async rate(visitor: VisitorPrincipal, threadId: string, input: RateThreadRequest): Promise<{ thread: Thread; created: boolean }> {
    const { thread, created } = await this.repo.transaction(async (sql) => {
      const found = await this.repo.lockedForRating(sql, threadId);
      // Someone else's thread reads as no thread at all.
      if (!found || found.visitorId !== visitor.id) throw new AppError(ErrorCode.ThreadNotFound, 'No such thread');
      if (found.status !== 'closed') throw new AppError(ErrorCode.ThreadNotClosed, 'A conversation is rated once it is closed');
      if (!found.changeable) throw new AppError(ErrorCode.RatingLocked, 'A rating can be changed for 24 hours after it was given');
      await this.repo.rate(sql, threadId, input.score, input.comment ?? null);
      const row = await this.repo.findById(threadId, sql);
      if (!row) throw new AppError(ErrorCode.ThreadNotFound, 'No such thread');
      const { cursor: _cursor, ...rated } = row;
      if (this.outbox.wants('rating.created')) {
        await this.outbox.record(sql, [{ type: 'rating.created', threadId, data: { rating: rated.rating, thread: rated, updated: found.rated } }]);
      }
      return { thread: rated, created: !found.rated };
    });
    if (this.outbox.wants('rating.created')) this.outbox.committed();
    this.events.emit({ type: 'thread.updated', thread });
    return { thread, created };
  }
}
