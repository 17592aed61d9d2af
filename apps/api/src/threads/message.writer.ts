import { Injectable, Logger } from '@nestjs/common';
import { isUniqueViolation } from '../common/mappers';
import { messagesStored, since, writeBatchSeconds, writeBatchSize, writeWaitSeconds } from '../metrics/instruments';
import { type AppendResult, type NewMessage, ThreadsRepository } from './threads.repository';

/** Most messages one statement writes; more wait for the next batch. */
const MAX_BATCH = 256;
/**
 * Batches being written at once. One keeps the arrival order across batches and makes the batches
 * as large as the load: at 5,000 messages/s a second concurrent batch cost the machine ~13% more CPU
 * (smaller batches, more commits, row-lock waits between them) for no better latency.
 */
const MAX_IN_FLIGHT = 1;

interface Pending {
  message: NewMessage;
  resolve: (r: AppendResult) => void;
  reject: (err: unknown) => void;
  /** When it arrived (`performance.now()`), for the batch wait metric. */
  at: number;
  /** Copies of this message (same thread, author and clientMsgId) that arrived in the same batch. */
  copies?: Pending[];
}

/**
 * Group commit for people's messages. A message waits at most until the batch being written
 * commits, then goes with all the others that arrived meanwhile in one statement (one transaction,
 * one commit, one round trip), and its caller hears back only after that commit. Per-message seqs,
 * idempotency by clientMsgId and the per-thread row lock work as for a single message
 * (ThreadsRepository.appendMany).
 */
@Injectable()
export class MessageWriter {
  private readonly log = new Logger('MessageWriter');
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly repo: ThreadsRepository) {}

  write(message: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ message, resolve, reject, at: performance.now() });
      if (!this.scheduled && this.inFlight < MAX_IN_FLIGHT) {
        // The rest of this I/O turn's messages join the batch.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
      const batch = distinct(this.queue.splice(0, MAX_BATCH));
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  /**
   * A batch that fails as a whole (a clientMsgId stored by a concurrent batch after this
   * statement's snapshot, a deadlock with some other transaction) is split in halves, written one
   * after the other to keep the arrival order, until the message at fault is alone: one bad message
   * costs its batch about 2·log2(n) statements, not one statement per message. What can be checked
   * before a message joins a batch (its text, its thread) is checked before, so this is rare.
   */
  private async writeBatch(batch: Pending[]): Promise<void> {
    let results: AppendResult[];
    const start = performance.now();
    for (const p of batch) writeWaitSeconds.observe((start - p.at) / 1000);
    try {
      results = await this.repo.appendMany(batch.map((p) => p.message));
      writeBatchSeconds.observe(since(start));
      writeBatchSize.observe(batch.length);
      const committedAt = performance.now();
      for (const r of results) r.committedAt = committedAt;
    } catch (err) {
      if (batch.length === 1) return this.retryAlone(batch[0], err);
      this.log.debug(`batch of ${batch.length} failed (${(err as Error).message}); splitting it`);
      const half = Math.ceil(batch.length / 2);
      await this.writeBatch(batch.slice(0, half));
      await this.writeBatch(batch.slice(half));
      return;
    }
    batch.forEach((p, i) => settle(p, results[i]));
  }

  /** A message that failed on its own: a copy committed meanwhile is answered as stored, anything else is its error. */
  private async retryAlone(p: Pending, err: unknown): Promise<void> {
    if (isUniqueViolation(err, 'messages_client_msg_uq')) {
      try {
        // The other copy's commit is visible to the next statement, which returns it as stored.
        const [result] = await this.repo.appendMany([p.message]);
        return settle(p, result);
      } catch (again) {
        err = again;
      }
    }
    for (const q of [p, ...(p.copies ?? [])]) q.reject(err);
  }
}

/** The first copy of each message is written; the later ones get what it got, as a repeat. */
function distinct(batch: Pending[]): Pending[] {
  const first = new Map<string, Pending>();
  const out: Pending[] = [];
  for (const p of batch) {
    const m = p.message;
    const key = `${m.threadId}|${m.authorType}|${m.authorId}|${m.clientMsgId}`;
    const original = first.get(key);
    if (original) (original.copies ??= []).push(p);
    else {
      first.set(key, p);
      out.push(p);
    }
  }
  return out;
}

function settle(p: Pending, result: AppendResult): void {
  if (result.inserted) messagesStored.inc({ author: p.message.authorType });
  p.resolve(result);
  for (const copy of p.copies ?? []) copy.resolve({ ...result, inserted: false });
}
