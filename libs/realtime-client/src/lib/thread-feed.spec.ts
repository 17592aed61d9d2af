import type { Message } from '@parley/contracts';
import { ThreadFeed } from './thread-feed';

const T = '11111111-1111-4111-8111-111111111111';
const msg = (seq: number, clientMsgId: string | null = null): Message => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  threadId: T,
  seq,
  authorType: 'visitor',
  authorId: null,
  authorName: 'V',
  body: `m${seq}`,
  clientMsgId,
  attachments: [],
  createdAt: new Date(0).toISOString(),
});

describe('ThreadFeed', () => {
  it('keeps messages in seq order and each seq once', () => {
    const feed = new ThreadFeed(T);
    feed.add([msg(2), msg(1)]);
    feed.add([msg(1), msg(3), msg(2)]);
    expect(feed.snapshot().messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(feed.lastSeq).toBe(3);
  });

  it('reports a gap, and its last seq stays before it until the gap is filled', () => {
    const feed = new ThreadFeed(T);
    expect(feed.add([msg(1)])).toBe(false);
    expect(feed.add([msg(4)])).toBe(true);
    expect(feed.lastSeq).toBe(1);
    expect(feed.gapped).toBe(true);
    expect(feed.add([msg(2)])).toBe(true);
    expect(feed.add([msg(3)])).toBe(false);
    expect(feed.lastSeq).toBe(4);
    expect(feed.gapped).toBe(false);
    expect(feed.snapshot().messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('ignores messages of other threads', () => {
    const feed = new ThreadFeed(T);
    feed.add([{ ...msg(1), threadId: '22222222-2222-4222-8222-222222222222' }]);
    expect(feed.snapshot().messages).toEqual([]);
  });

  it('drops an outgoing message once its stored copy arrives', () => {
    const feed = new ThreadFeed(T);
    feed.setOutgoing([{ threadId: T, clientMsgId: 'c1', body: 'hi', state: 'pending', createdAt: '' }]);
    expect(feed.snapshot().outgoing).toHaveLength(1);
    const seen: number[] = [];
    feed.subscribe((s) => seen.push(s.outgoing.length));
    feed.add([msg(1, 'c1')]);
    expect(feed.snapshot().outgoing).toHaveLength(0);
    expect(seen).toEqual([1, 0]);
  });
});
