import { ClientEvent, MessagePageSchema, MessageSchema, ServerEvent } from '@parley/contracts';
import { sleep } from '@parley/test-support';
import { activeConversation, listMessages, postMessage, unique } from './support/actors';
import { api, expectStatus } from './support/http';
import {
  closeAllSockets,
  connect,
  emitAck,
  expectAckOk,
  QUIET_MS,
  reconnect,
  record,
  waitFor,
  waitForDisconnect,
} from './support/sockets';

afterEach(closeAllSockets);

describe('idempotent message.send', () => {
  it('a resent clientMsgId returns the stored message (duplicate:true), stored and delivered once', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const [visitorSocket, agentSocket] = await Promise.all([connect(visitor.token), connect(agent.token)]);
    const atAgent = record(agentSocket, ServerEvent.MessageCreated);
    const payload = { threadId: thread.id, clientMsgId: unique('retry'), body: 'only once' };
    const delivered = waitFor(
      agentSocket,
      ServerEvent.MessageCreated,
      (m) => m.clientMsgId === payload.clientMsgId,
    );

    const first = expectAckOk(await emitAck(visitorSocket, ClientEvent.MessageSend, payload));
    const second = expectAckOk(await emitAck(visitorSocket, ClientEvent.MessageSend, payload));
    const changed = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessageSend, { ...payload, body: 'a different body' }),
    );
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ok: true, message: first.message, duplicate: true });
    expect(changed).toEqual({ ok: true, message: first.message, duplicate: true });

    expect(await delivered).toEqual(first.message);
    await sleep(QUIET_MS);
    atAgent.stop();
    expect(atAgent.events.filter((m) => m.clientMsgId === payload.clientMsgId)).toHaveLength(1);

    const page = await listMessages(agent.token, thread.id);
    expect(page.items.filter((m) => m.clientMsgId === payload.clientMsgId)).toEqual([first.message]);
    expect(page.lastSeq).toBe(first.message.seq);
  });

  it('concurrent resends of one clientMsgId store one message', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const visitorSocket = await connect(visitor.token);
    const payload = { threadId: thread.id, clientMsgId: unique('burst'), body: 'burst' };
    const acks = await Promise.all(
      Array.from({ length: 5 }, () => emitAck(visitorSocket, ClientEvent.MessageSend, payload)),
    );
    const oks = acks.map((ack) => expectAckOk(ack));
    expect(new Set(oks.map((a) => a.message.id)).size).toBe(1);
    expect(oks.filter((a) => !a.duplicate)).toHaveLength(1);
    const page = await listMessages(agent.token, thread.id);
    expect(page.items.filter((m) => m.clientMsgId === payload.clientMsgId)).toHaveLength(1);
  });

  it('the same clientMsgId from the other party is a different message', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const [visitorSocket, agentSocket] = await Promise.all([connect(visitor.token), connect(agent.token)]);
    const clientMsgId = unique('shared');
    const fromVisitor = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId, body: 'v' }),
    );
    const fromAgent = expectAckOk(
      await emitAck(agentSocket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId, body: 'a' }),
    );
    expect(fromAgent.duplicate).toBe(false);
    expect(fromAgent.message.id).not.toBe(fromVisitor.message.id);
    expect(fromAgent.message.seq).toBe(fromVisitor.message.seq + 1);
  });

  it('over REST: 201 for the first post, 200 with the same message for a repeat', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const body = { clientMsgId: unique('rest'), body: 'via rest' };
    const first = await api('post', `/threads/${thread.id}/messages`, { token: visitor.token, body });
    expectStatus(first, 201);
    const again = await api('post', `/threads/${thread.id}/messages`, { token: visitor.token, body });
    expectStatus(again, 200);
    expect(MessageSchema.parse(again.body)).toEqual(MessageSchema.parse(first.body));
    const page = await listMessages(agent.token, thread.id);
    expect(page.items.filter((m) => m.clientMsgId === body.clientMsgId)).toHaveLength(1);
  });

  it('concurrent sends get consecutive, unique seqs', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const [visitorSocket, agentSocket] = await Promise.all([connect(visitor.token), connect(agent.token)]);
    const before = await listMessages(agent.token, thread.id);
    const acks = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        emitAck(i % 2 === 0 ? visitorSocket : agentSocket, ClientEvent.MessageSend, {
          threadId: thread.id,
          clientMsgId: unique('c'),
          body: `n${i}`,
        }),
      ),
    );
    const seqs = acks.map((ack) => expectAckOk(ack).message.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => before.lastSeq + 1 + i));
  });
});

describe('catching up by seq', () => {
  it('MessagesSync and GET messages?afterSeq return the same page, in seq order, with paging', async () => {
    const { visitor, agent, thread } = await activeConversation();
    for (let i = 1; i <= 5; i += 1) await postMessage(visitor.token, thread.id, `m${i}`);
    const all = await listMessages(agent.token, thread.id);
    const start = all.items[all.items.length - 5].seq - 1;

    const visitorSocket = await connect(visitor.token);
    const sync = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessagesSync, { threadId: thread.id, afterSeq: start }),
    );
    expect(sync.items.map((m) => m.body)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(sync.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5].map((n) => start + n));
    expect(sync).toMatchObject({ lastSeq: start + 5, hasMore: false });

    const rest = await api('get', `/threads/${thread.id}/messages`, {
      token: visitor.token,
      query: { afterSeq: start },
    });
    expectStatus(rest, 200);
    expect(MessagePageSchema.parse(rest.body)).toEqual({
      items: sync.items,
      lastSeq: sync.lastSeq,
      hasMore: false,
    });

    const firstPage = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessagesSync, {
        threadId: thread.id,
        afterSeq: start,
        limit: 2,
      }),
    );
    expect(firstPage.items.map((m) => m.body)).toEqual(['m1', 'm2']);
    expect(firstPage).toMatchObject({ lastSeq: start + 5, hasMore: true });
    const restPage = await listMessages(visitor.token, thread.id, start + 4, 2);
    expect(restPage.items.map((m) => m.body)).toEqual(['m5']);
    expect(restPage.hasMore).toBe(false);
  });

  it('after a simulated disconnect, a sync from the last seq returns exactly the missed messages', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const [visitorSocket, agentSocket] = await Promise.all([connect(visitor.token), connect(agent.token)]);
    const seen = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.body === 'before the drop');
    expectAckOk(
      await emitAck(agentSocket, ClientEvent.MessageSend, {
        threadId: thread.id,
        clientMsgId: unique('a'),
        body: 'before the drop',
      }),
    );
    const lastSeen = (await seen).seq;

    const gone = waitForDisconnect(visitorSocket);
    visitorSocket.disconnect();
    await gone;
    const missed: number[] = [];
    for (const body of ['missed 1', 'missed 2', 'missed 3']) {
      const ack = expectAckOk(
        await emitAck(agentSocket, ClientEvent.MessageSend, {
          threadId: thread.id,
          clientMsgId: unique('a'),
          body,
        }),
      );
      missed.push(ack.message.seq);
    }

    await reconnect(visitorSocket);
    const sync = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessagesSync, { threadId: thread.id, afterSeq: lastSeen }),
    );
    expect(sync.items.map((m) => [m.seq, m.body])).toEqual([
      [missed[0], 'missed 1'],
      [missed[1], 'missed 2'],
      [missed[2], 'missed 3'],
    ]);
    expect(missed).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3]);
    expect(sync).toMatchObject({ lastSeq: lastSeen + 3, hasMore: false });

    // Back in the room: live messages flow again.
    const live = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.body === 'after the drop');
    expectAckOk(
      await emitAck(agentSocket, ClientEvent.MessageSend, {
        threadId: thread.id,
        clientMsgId: unique('a'),
        body: 'after the drop',
      }),
    );
    expect((await live).seq).toBe(lastSeen + 4);
  });
});
