import type { Attachment, Message } from '@parley/contracts';

export type OutgoingState = 'pending' | 'failed';

/** A message the user wrote that the server has not acknowledged yet. */
export interface OutgoingMessage {
  threadId: string;
  clientMsgId: string;
  /** Empty when the message is only files. */
  body: string;
  /** The uploads it carries (ids from `POST /threads/{id}/uploads`), shown while it is on its way. */
  attachments?: Attachment[];
  state: OutgoingState;
  /** Why it failed for good (state `failed`): an error code from the contracts. */
  error?: { code: string; message: string };
  createdAt: string;
}

export interface FeedSnapshot {
  threadId: string;
  /** Stored messages, in seq order, each once. */
  messages: readonly Message[];
  /** Written here, not yet stored, in the order they were written. */
  outgoing: readonly OutgoingMessage[];
  lastSeq: number;
}

/**
 * One thread's transcript on a client: messages kept in seq order and each seq once, whatever
 * order and however often they arrive (live events, acks, syncs). It tells its owner when a seq
 * skipped ahead, so the owner can fetch the gap.
 */
export class ThreadFeed {
  private readonly bySeq = new Map<number, Message>();
  private ordered: Message[] = [];
  /** The clientMsgIds of the messages held, to drop their outgoing copies. */
  private readonly storedIds = new Set<string>();
  private outgoingList: OutgoingMessage[] = [];
  private readonly listeners = new Set<(s: FeedSnapshot) => void>();
  /** Highest seq up to which every message is held: what to sync after. */
  private contiguous = 0;

  constructor(readonly threadId: string) {}

  get lastSeq(): number {
    return this.contiguous;
  }

  /** True while a message beyond a missing seq is held. */
  get gapped(): boolean {
    return (this.ordered.at(-1)?.seq ?? 0) > this.contiguous;
  }

  /** Adds messages; returns true when one arrived beyond a gap (a seq is missing before it). */
  add(messages: readonly Message[]): boolean {
    const fresh: Message[] = [];
    for (const m of messages) {
      if (m.threadId !== this.threadId || this.bySeq.has(m.seq)) continue;
      this.bySeq.set(m.seq, m);
      if (m.clientMsgId) this.storedIds.add(m.clientMsgId);
      fresh.push(m);
    }
    if (fresh.length === 0) return false;
    if (this.outgoingList.some((o) => this.storedIds.has(o.clientMsgId))) {
      this.outgoingList = this.outgoingList.filter((o) => !this.storedIds.has(o.clientMsgId));
    }
    while (this.bySeq.has(this.contiguous + 1)) this.contiguous++;
    // Mostly what comes is newer than all held: appended, so a long transcript is not sorted per message.
    fresh.sort((a, b) => a.seq - b.seq);
    const newest = this.ordered.at(-1)?.seq ?? 0;
    this.ordered = fresh[0].seq > newest ? [...this.ordered, ...fresh] : [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    this.emit();
    return this.gapped;
  }

  setOutgoing(outgoing: readonly OutgoingMessage[]): void {
    this.outgoingList = outgoing.filter((o) => o.threadId === this.threadId && !this.storedIds.has(o.clientMsgId));
    this.emit();
  }

  snapshot(): FeedSnapshot {
    return { threadId: this.threadId, messages: this.ordered, outgoing: this.outgoingList, lastSeq: this.contiguous };
  }

  subscribe(listener: (s: FeedSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot());
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const s = this.snapshot();
    for (const l of this.listeners) l(s);
  }
}
