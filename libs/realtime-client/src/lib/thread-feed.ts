import type { Message } from '@parley/contracts';

export type OutgoingState = 'pending' | 'failed';

/** A message the user wrote that the server has not acknowledged yet. */
export interface OutgoingMessage {
  threadId: string;
  clientMsgId: string;
  body: string;
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
  private outgoingList: OutgoingMessage[] = [];
  private readonly listeners = new Set<(s: FeedSnapshot) => void>();
  /** Highest seq up to which every message is held: what to sync after. */
  private contiguous = 0;

  constructor(readonly threadId: string) {}

  get lastSeq(): number {
    return this.contiguous;
  }

  /** Adds messages; returns true when one arrived beyond a gap (a seq is missing before it). */
  add(messages: readonly Message[]): boolean {
    let changed = false;
    for (const m of messages) {
      if (m.threadId !== this.threadId || this.bySeq.has(m.seq)) continue;
      this.bySeq.set(m.seq, m);
      if (m.clientMsgId) this.outgoingList = this.outgoingList.filter((o) => o.clientMsgId !== m.clientMsgId);
      changed = true;
    }
    if (!changed) return false;
    while (this.bySeq.has(this.contiguous + 1)) this.contiguous++;
    this.ordered = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    this.emit();
    return this.ordered[this.ordered.length - 1].seq > this.contiguous;
  }

  setOutgoing(outgoing: readonly OutgoingMessage[]): void {
    const stored = new Set(this.ordered.map((m) => m.clientMsgId).filter(Boolean));
    this.outgoingList = outgoing.filter((o) => o.threadId === this.threadId && !stored.has(o.clientMsgId));
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
