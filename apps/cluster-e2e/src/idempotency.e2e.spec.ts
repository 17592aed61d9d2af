import { API_PREFIX, ClientEvent, type Message } from '@parley/contracts';
import { RealtimeClient } from '@parley/realtime-client';
import fc from 'fast-check';
import { sleep, until } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { expectStatus, request } from './support/http';
import { LIVENESS_MS } from './support/processes';

type Author = 'visitor' | 'agent';
/**
 * When the connection goes: a few ms after the emit (the server may or may not have stored it),
 * once the row is surely stored ('afterStored'), or before the packet left ('beforeSent').
 */
type Drop = number | 'afterStored' | 'beforeSent';
/** Keys index a small pool of clientMsgIds per run, so resends and clashes between authors are common. */
type Action =
  | { kind: 'send'; author: Author; key: number }
  | { kind: 'duplicate'; author: Author; key: number }
  | { kind: 'sendAndDrop'; author: Author; key: number; drop: Drop }
  | { kind: 'reconnect'; author: Author; node: number };

const author = fc.constantFrom<Author>('visitor', 'agent');
const key = fc.integer({ min: 0, max: 5 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), author, key }),
  fc.record({ kind: fc.constant('duplicate' as const), author, key }),
  fc.record({
    kind: fc.constant('sendAndDrop' as const),
    author,
    key,
    drop: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom<Drop>('afterStored', 'beforeSent')),
  }),
  fc.record({ kind: fc.constant('reconnect' as const), author, node: fc.integer({ min: 0, max: 1 }) }),
);

let cluster: Cluster;
let agentToken: string;
/** The threads the agent claimed and has not closed yet. */
const claimed: string[] = [];
/** How the dropped acks turned out, to show that both cases happen. */
const dropped = { storedAnyway: 0, neverArrived: 0, runs: 0 };
const open = new Set<RealtimeClient>();

beforeAll(async () => {
  cluster = await Cluster.start({ nodes: 2 });
  agentToken = (await cluster.actors(0).agent(cluster.adminToken)).token;
}, 120_000);

afterAll(async () => {
  for (const c of open) c.disconnect();
  await cluster?.stop();
});

/** The shipped client on one node, connected (a refused token fails at once). */
async function connectTo(url: string, token: string): Promise<RealtimeClient> {
  let refused: string | undefined;
  const client = new RealtimeClient({ url, getToken: () => token, ackTimeoutMs: 3000, onUnauthorized: (code) => (refused = code) });
  open.add(client);
  client.connect();
  await until(
    `a connection to ${url}`,
    () => {
      if (refused) throw new Error(`token refused: ${refused}`);
      return client.state === 'connected';
    },
    LIVENESS_MS,
    10,
  );
  return client;
}

/**
 * One property run: a fresh thread, two authors each with a client on either node, then the
 * actions. The sends are the client's plain requests with the ids the run picks (its outbox picks
 * its own): what is under test is the server's answer to each resend.
 */
async function run(actions: Action[], runId: number): Promise<void> {
  const actors = cluster.actors(runId % 2);
  // The agent works one run's thread at a time: the last run's is closed first, so its slot frees
  // (agents have a capacity, `maxConcurrent`, 5 by default).
  for (const id of claimed.splice(0)) {
    expectStatus(await request(`${cluster.urls[0]}${API_PREFIX}/threads/${id}/close`, { method: 'POST', token: agentToken, body: {} }), 200, 'close the last run thread');
  }
  const visitor = await actors.visitor();
  const thread = await actors.claim(agentToken, (await actors.startThread(visitor.token)).id);
  claimed.push(thread.id);
  const tokens: Record<Author, string> = { visitor: visitor.token, agent: agentToken };
  const node: Record<Author, number> = { visitor: 0, agent: 1 };
  const clients: Partial<Record<Author, RealtimeClient>> = {};
  const acks = new Map<string, Message[]>(); // `${author}:${clientMsgId}` → every ack it got
  const clientMsgId = (k: number) => `run${runId}-key${k}`;
  const isStored = async (who: Author, k: number) =>
    (await cluster.db.query(`SELECT 1 FROM messages WHERE thread_id = $1 AND client_msg_id = $2 AND author_type = $3`, [thread.id, clientMsgId(k), who]))
      .length > 0;

  const clientOf = async (who: Author): Promise<RealtimeClient> => {
    const current = clients[who];
    if (current?.state === 'connected') return current;
    current?.disconnect();
    const c = await connectTo(cluster.urls[node[who]], tokens[who]);
    clients[who] = c;
    return c;
  };
  const send = async (who: Author, k: number): Promise<Message> => {
    const { message } = await (await clientOf(who)).request(ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: clientMsgId(k), body: `${who} ${k}` });
    const id = `${who}:${clientMsgId(k)}`;
    acks.set(id, [...(acks.get(id) ?? []), message]);
    return message;
  };

  for (const a of actions) {
    if (a.kind === 'send') await send(a.author, a.key);
    if (a.kind === 'duplicate') await Promise.all([send(a.author, a.key), send(a.author, a.key)]);
    if (a.kind === 'sendAndDrop') {
      // The ack is lost with the connection; the server may or may not have stored the message.
      const c = await clientOf(a.author);
      // Gone before the request: the client refuses to send it (DISCONNECTED), so it never leaves.
      if (a.drop === 'beforeSent') c.disconnect();
      // The request leaves at once (synchronously), and its answer is lost with the connection.
      const lost = c.request(ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: clientMsgId(a.key), body: 'dropped' }).catch(() => undefined);
      if (typeof a.drop === 'number' && a.drop > 0) await sleep(a.drop);
      if (a.drop === 'afterStored') await until('the dropped message to be stored', () => isStored(a.author, a.key), LIVENESS_MS, 10);
      c.disconnect();
      await lost;
    }
    if (a.kind === 'reconnect') {
      clients[a.author]?.disconnect();
      node[a.author] = a.node;
      await clientOf(a.author);
    }
  }
  // Every id ever tried is resent once more: the answer must be the message stored the first time.
  const tried = new Set(actions.filter((a) => a.kind !== 'reconnect').map((a) => `${a.author}|${a.key}`));
  for (const t of tried) {
    const [who, k] = t.split('|');
    const hadAck = acks.has(`${who}:${clientMsgId(Number(k))}`);
    const storedBefore = await isStored(who as Author, Number(k));
    await send(who as Author, Number(k));
    if (!hadAck) dropped[storedBefore ? 'storedAnyway' : 'neverArrived'] += 1;
  }
  for (const c of Object.values(clients)) c?.disconnect();

  const rows = await cluster.db.messages(thread.id);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  const stored = new Map<string, (typeof rows)[number][]>();
  for (const r of rows.filter((x) => x.clientMsgId !== null)) {
    const id = `${r.authorType}:${r.clientMsgId}`;
    stored.set(id, [...(stored.get(id) ?? []), r]);
  }
  // Exactly one row per (thread, author, clientMsgId), and one per id tried.
  expect([...stored.values()].filter((list) => list.length !== 1)).toEqual([]);
  expect(stored.size).toBe(tried.size);
  for (const [id, list] of acks) {
    const row = stored.get(id)?.[0];
    expect(list.map((m) => [m.id, m.seq])).toEqual(list.map(() => [row?.id, row?.seq]));
  }
}

describe('idempotent message.send (property)', () => {
  it('random sends, resends, duplicates, dropped acks and reconnects leave one row per clientMsgId, and resends get the original seq', async () => {
    let runId = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        runId += 1;
        dropped.runs += 1;
        await run(actions, runId);
      }),
      {
        numRuns: 60,
        // A busy machine gets through fewer runs in the time (logged below); it must not fail for that.
        interruptAfterTimeLimit: 120_000,
        markInterruptAsFailure: false,
        // Both outcomes of a lost ack, whatever the random runs draw: stored anyway, and never arrived.
        examples: [
          [
            [
              { kind: 'sendAndDrop', author: 'visitor', key: 0, drop: 'afterStored' },
              { kind: 'sendAndDrop', author: 'agent', key: 1, drop: 'beforeSent' },
            ],
          ],
        ],
      },
    );
    console.log(
      `[idempotency] ${dropped.runs} property runs in ${Date.now() - started} ms; ids whose only send lost its ack: ` +
        `${dropped.storedAnyway} were stored (the resend got the original seq), ${dropped.neverArrived} were not (the resend stored them)`,
    );
    // The property is about both cases: each must have happened, and passed.
    expect(dropped.storedAnyway).toBeGreaterThan(0);
    expect(dropped.neverArrived).toBeGreaterThan(0);
  }, 300_000);
});
