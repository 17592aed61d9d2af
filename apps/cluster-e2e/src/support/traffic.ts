import { sleep } from '@parley/test-support';
import type { Cluster } from './cluster';
import type { TestDatabase } from './database';
import { TestClient } from './test-client';

export interface Sender {
  client: TestClient;
  threadId: string;
}

/**
 * Every sender sends a message every `everyMs` until `stop()`, each send retried until acked (the
 * library's own rule). A send that is never stored rejects and fails the test through `stop()`.
 */
export function steadyTraffic(senders: Sender[], everyMs: number): { stop(): Promise<number> } {
  let running = true;
  let sent = 0;
  const loops = senders.map(async ({ client, threadId }, i) => {
    await sleep((everyMs * i) / senders.length); // spread the senders over the interval
    for (let n = 1; running; n += 1) {
      await client.send(threadId, `sender ${i} message ${n}`);
      sent += 1;
      await sleep(everyMs);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return sent;
    },
  };
}

export interface Conversation {
  threadId: string;
  visitor: TestClient;
  agent: TestClient;
}

/**
 * `count` claimed conversations, each with a connected visitor and agent client following the
 * thread; `urls(i)` says which nodes each side tries, in order.
 */
export async function openConversations(
  cluster: Cluster,
  count: number,
  urls: (i: number) => { visitor: string[]; agent: string[] },
): Promise<Conversation[]> {
  const conversations = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { visitor, agent, thread } = await cluster.conversation();
      const where = urls(i);
      return {
        threadId: thread.id,
        visitor: await TestClient.create({ name: `visitor-${i}`, token: visitor.token, urls: where.visitor }),
        agent: await TestClient.create({ name: `agent-${i}`, token: agent.token, urls: where.agent }),
      };
    }),
  );
  for (const conv of conversations) {
    for (const client of [conv.visitor, conv.agent]) {
      await client.connect();
      await client.track(conv.threadId);
    }
  }
  return conversations;
}

/** Closes both sides of every conversation. */
export async function closeAll(conversations: Conversation[]): Promise<void> {
  await Promise.all(conversations.flatMap((c) => [c.visitor.close(), c.agent.close()]));
}

/** Both sides of every conversation as senders. */
export function sendersOf(conversations: Conversation[]): Sender[] {
  return conversations.flatMap((c) => [
    { client: c.visitor, threadId: c.threadId },
    { client: c.agent, threadId: c.threadId },
  ]);
}

/**
 * What every fault test checks at the end, after each client's final sync: every acked message is
 * stored with the seq its ack announced, no clientMsgId is stored twice, and each client's view of
 * its thread is exactly the record (every message, once, in seq order).
 */
export async function expectNothingLost(db: TestDatabase, conversations: Conversation[]): Promise<void> {
  for (const conv of conversations) {
    const stored = await db.messages(conv.threadId);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    const seqOf = new Map(stored.map((m) => [m.id, m.seq]));
    const acked = [...conv.visitor.acked, ...conv.agent.acked];
    expect(acked.filter((m) => seqOf.get(m.id) !== m.seq)).toEqual([]);
    const ids = stored.filter((m) => m.clientMsgId).map((m) => `${m.authorType}:${m.clientMsgId}`);
    expect(new Set(ids).size).toBe(ids.length);
    const record = stored.map((m) => [m.seq, m.id]);
    for (const client of [conv.visitor, conv.agent]) {
      expect(client.messages(conv.threadId).map((m) => [m.seq, m.id])).toEqual(record);
      expect(client.stats.conflicts).toBe(0);
    }
  }
}

/** Sum of one stat over clients, for the measurement lines. */
export function total(clients: TestClient[], stat: keyof TestClient['stats']): number {
  return clients.reduce((n, c) => n + c.stats[stat], 0);
}
