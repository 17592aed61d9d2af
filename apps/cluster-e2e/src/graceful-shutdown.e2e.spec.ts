import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { API_PREFIX, ClientEvent, type Message } from '@parley/contracts';
import { RealtimeError } from '@parley/realtime-client';
import { sleep, TcpProxy, until } from '@parley/test-support';
import { Cluster } from './support/cluster';
import { postgresAddress, throughProxy } from './support/database';
import { request } from './support/http';
import { LIVENESS_MS } from './support/processes';

import { closeAll, type Conversation, expectNothingLost, openConversations, sendersOf, steadyTraffic, total } from './support/traffic';

let cluster: Cluster;
let conversations: Conversation[] = [];
let slowDb: TcpProxy;

beforeAll(async () => {
  // Node A reaches PostgreSQL through a proxy the test can slow down, so that work is surely in
  // flight when SIGTERM arrives (on loopback every request would otherwise be over in a millisecond).
  slowDb = await TcpProxy.start(postgresAddress());
  // A drain long enough that a busy machine never cuts what node A took (the test checks nothing is cut).
  cluster = await Cluster.start({
    nodes: 2,
    envOf: (i, db): Record<string, string> => (i === 0 ? { DATABASE_URL: throughProxy(db.url, slowDb.port), SHUTDOWN_TIMEOUT_MS: '30000' } : {}),
  });
}, 120_000);

afterAll(async () => {
  await closeAll(conversations);
  await cluster?.stop();
  await slowDb?.cut();
});

/**
 * REST posts in a loop, as an integration would send them: on a connection error the same
 * clientMsgId goes to the next node; a 5xx is counted (there should be none) and retried.
 */
function restTraffic(urls: string[], token: string, threadId: string) {
  let running = true;
  const acked: Message[] = [];
  const seen = { networkErrors: 0, serverErrors: 0 };
  let at = 0;
  const loop = (async () => {
    while (running) {
      const body = { clientMsgId: randomUUID(), body: 'over REST' };
      for (let attempt = 0; ; attempt += 1) {
        if (attempt > 50) throw new Error('a REST post was never accepted');
        const reply = await request(`${urls[at % urls.length]}${API_PREFIX}/threads/${threadId}/messages`, { token, body }).catch(() => undefined);
        if (reply && reply.status < 300) {
          acked.push(reply.body as Message);
          break;
        }
        if (reply) seen.serverErrors += 1;
        else seen.networkErrors += 1;
        at += 1;
        await sleep(50);
      }
      await sleep(30);
    }
  })();
  return {
    acked,
    seen,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('graceful shutdown', () => {
  it('SIGTERM under traffic: the node answers what it took and exits 0; its clients reconnect to the other node and resync', async () => {
    const [a, b] = cluster.nodes;
    conversations = await openConversations(cluster, 4, (i) =>
      i % 2 === 0 ? { visitor: [a.url, b.url], agent: [b.url, a.url] } : { visitor: [b.url, a.url], agent: [a.url, b.url] },
    );
    const clients = conversations.flatMap((c) => [c.visitor, c.agent]);
    const traffic = steadyTraffic(sendersOf(conversations), 40);
    const visitorToken = (await cluster.actors(0).visitor()).token;
    const restThread = await cluster.actors(0).startThread(visitorToken);
    const posts = restTraffic([a.url, b.url], visitorToken, restThread.id);
    await sleep(1500);

    const onA = clients.filter((c) => c.url === a.url);
    // Each database round trip of node A now takes 300 ms more: a send or a post takes several
    // (the access check, then the batch's statement and commit).
    slowDb.delayMs = 300;
    await sleep(500);
    // Work that node A has surely taken, but not finished, when the signal comes. The signal waits
    // until the first statement carrying a burst message leaves node A: the burst went out at once,
    // and that statement came at least one slowed access check after the first of it arrived, so by
    // then node A holds the whole burst, and none of it can be committed for several round trips.
    const restBodies = Array.from({ length: 5 }, (_, i) => `in flight over REST ${i}`);
    const socketBodies = onA.map((_, i) => `in flight over a socket ${i}`);
    const firstWritten = Promise.any([...restBodies, ...socketBodies].map((body) => slowDb.sent(body)));
    const restBurst = restBodies.map((body) =>
      request(`${a.url}${API_PREFIX}/threads/${restThread.id}/messages`, { token: visitorToken, body: { clientMsgId: randomUUID(), body } }),
    );
    const threadOf = new Map(conversations.flatMap((c) => [[c.visitor, c.threadId] as const, [c.agent, c.threadId] as const]));
    // Straight requests, not the outbox: an ack the draining node cut must show here, not be resent to B.
    const socketBurst = onA.map((c, i) =>
      c.request(ClientEvent.MessageSend, { threadId: threadOf.get(c) ?? '', clientMsgId: randomUUID(), body: socketBodies[i] }).then(
        () => 'ok',
        (err: unknown) => (err instanceof RealtimeError ? err.code : String(err)),
      ),
    );
    await until('node A to write the first message of the burst', () => firstWritten.then(() => true), LIVENESS_MS);
    const termAt = Date.now();
    a.process.child.kill('SIGTERM');
    const exit = await a.process.waitExit(45_000);
    const exitMs = Date.now() - termAt;
    // What was in flight was finished, not cut: every burst request and ack came back ok.
    const restReplies = await Promise.all(restBurst);
    const socketAcks = await Promise.all(socketBurst);
    await until('every client to be connected to node B', () => clients.every((c) => c.connected && c.url === b.url), LIVENESS_MS);
    const reconnectMs = onA.map((c) => (c.outages.find((o) => o.lostAt >= termAt)?.backAt ?? Infinity) - termAt);
    await sleep(1000);
    const sent = await traffic.stop();
    await posts.stop();
    await Promise.all(clients.map((c) => c.syncAll()));

    expect(restReplies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(socketAcks).toEqual(onA.map(() => 'ok'));
    expect(exit).toEqual({ code: 0, signal: null });
    // How fast is a figure (logged below, and in the README), not a verdict: a busy machine is slower.
    expect(reconnectMs.every(Number.isFinite)).toBe(true);
    // Every event the draining node took was answered before it closed the connection.
    expect(total(clients, 'ackTimeouts')).toBe(0);
    const drained = /drained in (\d+) ms: waited for (\d+) acks and (\d+) requests, closed (\d+) sockets, cut (\d+) acks and (\d+) requests/.exec(
      readFileSync(a.process.logFile, 'utf8'),
    );
    const [drainMs, waitedAcks, waitedRequests, closedSockets, cutAcks, cutRequests] = (drained ?? []).slice(1).map(Number);
    expect(waitedAcks).toBeGreaterThanOrEqual(onA.length);
    expect(waitedRequests).toBeGreaterThanOrEqual(restBurst.length);
    expect([cutAcks, cutRequests]).toEqual([0, 0]);
    await expectNothingLost(cluster.db, conversations);
    const stored = new Map((await cluster.db.messages(restThread.id)).map((m) => [m.id, m.seq]));
    const restAcked = [...posts.acked, ...restReplies.map((r) => r.body as Message)];
    expect(restAcked.filter((m) => stored.get(m.id) !== m.seq)).toEqual([]);
    expect(posts.seen.serverErrors).toBe(0);
    console.log(
      `[graceful] SIGTERM → exit 0 in ${exitMs} ms (drain ${drainMs} ms: waited for ${waitedAcks} acks and ${waitedRequests} requests, ` +
        `closed ${closedSockets} sockets); ${onA.length} clients reconnected to B after ` +
        `${Math.min(...reconnectMs)}..${Math.max(...reconnectMs)} ms; ${sent} socket messages and ${posts.acked.length} REST posts acked, ` +
        `${posts.seen.networkErrors} REST connection errors retried on B`,
    );
  });
});
