import type { Message } from '@parley/contracts';
import { MessageWriter } from './message.writer';
import type { AppendResult, NewMessage, ThreadsRepository } from './threads.repository';

const THREAD = '00000000-0000-4000-8000-000000000001';

/** A repository whose statement fails as a whole when any message in it is poisoned, as PostgreSQL does. */
function fakeRepo(poisoned: (m: NewMessage) => boolean) {
  const statements: number[] = [];
  let seq = 0;
  const repo = {
    appendMany: async (messages: NewMessage[]): Promise<AppendResult[]> => {
      statements.push(messages.length);
      if (messages.some(poisoned)) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
      return messages.map((m) => ({
        thread: null,
        inserted: true,
        message: { id: `id-${m.clientMsgId}`, threadId: m.threadId, seq: ++seq, body: m.body, clientMsgId: m.clientMsgId } as unknown as Message,
      }));
    },
  };
  return { repo: repo as unknown as ThreadsRepository, statements };
}

const message = (i: number, body = `message ${i}`): NewMessage => ({
  threadId: THREAD,
  authorType: 'visitor',
  authorId: '00000000-0000-4000-8000-000000000002',
  authorName: 'V',
  body,
  clientMsgId: `c${i}`,
});

describe('MessageWriter', () => {
  it('isolates the one message that fails a batch by halving it, and stores the others in arrival order', async () => {
    const { repo, statements } = fakeRepo((m) => m.body.includes('\u0000'));
    const writer = new MessageWriter(repo);
    // 64 messages in one I/O turn make one batch; the 41st cannot be stored.
    const sent = Array.from({ length: 64 }, (_, i) => writer.write(message(i, i === 40 ? 'bad\u0000' : `message ${i}`)));
    const results = await Promise.allSettled(sent);

    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[40].status).toBe('rejected');
    const seqs = results.flatMap((r) => (r.status === 'fulfilled' && r.value.message ? [r.value.message.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
    // One failed statement of 64, then halves down to the culprit: 1 + 2·log2(64) statements, not 1 + 64.
    expect(statements[0]).toBe(64);
    expect(statements.length).toBeLessThanOrEqual(1 + 2 * Math.log2(64));
  });

  it('answers every copy of a message in the batch with what its first copy got', async () => {
    const { repo, statements } = fakeRepo(() => false);
    const writer = new MessageWriter(repo);
    const [a, b] = await Promise.all([writer.write(message(1)), writer.write(message(1))]);
    expect(statements).toEqual([1]);
    expect(a.inserted).toBe(true);
    expect(b).toEqual({ ...a, inserted: false });
  });
});
