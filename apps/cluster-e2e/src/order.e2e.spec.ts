import { Cluster } from './support/cluster';
import { TestClient } from './support/test-client';

const SENDERS = 20;
const PER_SENDER = 100;

let cluster: Cluster;
let clients: TestClient[] = [];

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 2 });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await cluster?.stop();
});

describe('order and uniqueness under concurrency', () => {
  it(`${SENDERS} senders through 2 nodes put ${SENDERS * PER_SENDER} messages in one thread: seqs 1..N, and every view equals the database`, async () => {
    const { visitor, agent, thread } = await cluster.conversation();
    // The visitor in ten tabs and the agent in ten windows, alternating between the nodes.
    clients = await Promise.all(
      Array.from({ length: SENDERS }, (_, i) => {
        const who = i % 2 === 0 ? { name: `visitor-${i}`, token: visitor.token } : { name: `agent-${i}`, token: agent.token };
        return TestClient.create({ ...who, urls: [cluster.urls[Math.floor(i / 2) % 2]] });
      }),
    );
    await Promise.all(clients.map((c) => c.connect()));
    await Promise.all(clients.map((c) => c.track(thread.id)));

    const started = Date.now();
    const acked = await Promise.all(
      clients.map(async (c, i) => {
        const mine = [];
        for (let k = 0; k < PER_SENDER; k += 1) mine.push(await c.send(thread.id, `sender ${i} message ${k}`));
        return mine;
      }),
    );
    const sendMs = Date.now() - started;
    await Promise.all(clients.map((c) => c.syncAll()));
    const syncedMs = Date.now() - started;

    const stored = await cluster.db.messages(thread.id);
    const total = SENDERS * PER_SENDER + 1; // and the system message of the claim, seq 1
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.id)).size).toBe(total);

    // Each sender's acks are in the database with the seq they announced, and in the order sent.
    const bySeq = new Map(stored.map((m) => [m.seq, m]));
    for (const mine of acked) {
      expect(mine.every((m) => bySeq.get(m.seq)?.id === m.id)).toBe(true);
      expect(mine.map((m) => m.seq)).toEqual([...mine.map((m) => m.seq)].sort((x, y) => x - y));
    }
    // Every ack each client's outbox got (resends' acks included) names the stored message.
    for (const c of clients) expect(c.acked.filter((m) => bySeq.get(m.seq)?.id !== m.id)).toEqual([]);
    const record = stored.map((m) => [m.seq, m.id]);
    for (const c of clients) {
      expect(c.messages(thread.id).map((m) => [m.seq, m.id])).toEqual(record);
      expect(c.stats.conflicts).toBe(0);
    }

    const live = clients.map((c) => c.received.created.length);
    console.log(
      `[order] ${total - 1} messages from ${SENDERS} senders: acked in ${sendMs} ms (${Math.round(((total - 1) * 1000) / sendMs)}/s), ` +
        `all views complete after ${syncedMs} ms; live deliveries per client ${Math.min(...live)}..${Math.max(...live)}, ` +
        `gap syncs ${clients.reduce((n, c) => n + c.stats.gapSyncs, 0)}, duplicates dropped ${clients.reduce((n, c) => n + c.stats.duplicates, 0)}`,
    );
  });
});
