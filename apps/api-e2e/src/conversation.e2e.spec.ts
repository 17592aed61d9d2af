import { ClientEvent, ServerEvent, ThreadSchema } from '@parley/contracts';
import { sleep } from '@parley/test-support';
import {
  activeConversation,
  claimThread,
  listMessages,
  newAgent,
  newVisitor,
  startThread,
  unique,
} from './support/actors';
import { api, expectStatus } from './support/http';
import {
  closeAllSockets,
  connect,
  emitAck,
  expectAckOk,
  expectNoEvent,
  QUIET_MS,
  record,
  waitFor,
} from './support/sockets';

afterEach(closeAllSockets);

describe('starting a thread', () => {
  it('POST /threads creates a queued thread (201), then returns the same open thread (200)', async () => {
    const { token, visitor } = await newVisitor();
    const first = await api('post', '/threads', { token });
    expectStatus(first, 201);
    const thread = ThreadSchema.parse(first.body);
    expect(thread).toMatchObject({ status: 'queued', assignedAgent: null, closedBy: null, closedAt: null });
    expect(thread.visitor).toEqual({ id: visitor.id, name: visitor.name, email: visitor.email });
    const again = await api('post', '/threads', { token });
    expectStatus(again, 200);
    expect(ThreadSchema.parse(again.body).id).toBe(thread.id);
  });

  it('ThreadStart over the socket acks the thread; the visitor then hears the agent', async () => {
    const { token } = await newVisitor();
    const agent = await newAgent();
    const visitorSocket = await connect(token);
    const ack = expectAckOk(await emitAck(visitorSocket, ClientEvent.ThreadStart, {}));
    expect(ack.thread.status).toBe('queued');
    const again = expectAckOk(await emitAck(visitorSocket, ClientEvent.ThreadStart, {}));
    expect(again.thread.id).toBe(ack.thread.id);

    await claimThread(agent.token, ack.thread.id);
    const heard = waitFor(
      visitorSocket,
      ServerEvent.MessageCreated,
      (m) => m.body === 'hello from the agent',
    );
    const agentSocket = await connect(agent.token);
    const sent = await emitAck(agentSocket, ClientEvent.MessageSend, {
      threadId: ack.thread.id,
      clientMsgId: unique('a'),
      body: 'hello from the agent',
    });
    expectAckOk(sent);
    const message = await heard;
    expect(message).toMatchObject({ threadId: ack.thread.id, authorType: 'agent', authorId: agent.agent.id });
  });

  it('a visitor socket connected before a REST-started thread is joined to it', async () => {
    const visitor = await newVisitor();
    const agent = await newAgent();
    const visitorSocket = await connect(visitor.token);
    const thread = await startThread(visitor.token);
    await claimThread(agent.token, thread.id);
    const heard = waitFor(
      visitorSocket,
      ServerEvent.MessageCreated,
      (m) => m.threadId === thread.id && m.authorType === 'agent',
    );
    const res = await api('post', `/threads/${thread.id}/messages`, {
      token: agent.token,
      body: { clientMsgId: unique('a'), body: 'are you there?' },
    });
    expectStatus(res, 201);
    expect((await heard).body).toBe('are you there?');
  });
});

describe('the agents room', () => {
  it('announces a new thread (ThreadCreated) and its claim (ThreadUpdated) to every agent', async () => {
    const watcher = await newAgent();
    const claimer = await newAgent();
    const watcherSocket = await connect(watcher.token);
    const visitor = await newVisitor();
    const created = waitFor(
      watcherSocket,
      ServerEvent.ThreadCreated,
      (t) => t.visitor.id === visitor.visitor.id,
    );
    const thread = await startThread(visitor.token);
    expect(ThreadSchema.parse(await created)).toMatchObject({ id: thread.id, status: 'queued' });

    const updated = waitFor(
      watcherSocket,
      ServerEvent.ThreadUpdated,
      (t) => t.id === thread.id && t.status === 'active',
    );
    await claimThread(claimer.token, thread.id);
    expect((await updated).assignedAgent).toEqual({ id: claimer.agent.id, name: claimer.agent.name });
  });
});

describe('claiming', () => {
  it('over REST: active, assigned to the caller, a system message, and the agent socket joins the room', async () => {
    const visitor = await newVisitor();
    const agent = await newAgent();
    const thread = await startThread(visitor.token);
    const agentSocket = await connect(agent.token);
    const claimed = await claimThread(agent.token, thread.id);
    expect(claimed).toMatchObject({
      id: thread.id,
      status: 'active',
      assignedAgent: { id: agent.agent.id, name: agent.agent.name },
    });

    const transcript = await listMessages(agent.token, thread.id);
    expect(transcript.items.filter((m) => m.authorType === 'system')).toHaveLength(1);

    const heard = waitFor(
      agentSocket,
      ServerEvent.MessageCreated,
      (m) => m.threadId === thread.id && m.authorType === 'visitor',
    );
    const visitorSocket = await connect(visitor.token);
    expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessageSend, {
        threadId: thread.id,
        clientMsgId: unique('v'),
        body: 'hi',
      }),
    );
    expect((await heard).body).toBe('hi');
  });

  it('over the socket: ThreadClaim acks the active thread', async () => {
    const visitor = await newVisitor();
    const agent = await newAgent();
    const thread = await startThread(visitor.token);
    const agentSocket = await connect(agent.token);
    const ack = expectAckOk(await emitAck(agentSocket, ClientEvent.ThreadClaim, { threadId: thread.id }));
    expect(ack.thread).toMatchObject({
      id: thread.id,
      status: 'active',
      assignedAgent: { id: agent.agent.id },
    });
    const transcript = await listMessages(agent.token, thread.id);
    expect(transcript.items.map((m) => m.authorType)).toEqual(['system']);
  });
});

describe('messages', () => {
  it('message.send acks with the next seq; the other party gets MessageCreated exactly once', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const visitorSocket = await connect(visitor.token);
    const agentSocket = await connect(agent.token);
    const before = await listMessages(agent.token, thread.id);

    // The room event may overtake the sender's ack: listen before sending.
    const atAgent = record(agentSocket, ServerEvent.MessageCreated);
    const clientMsgId = unique('v');
    const delivered = waitFor(agentSocket, ServerEvent.MessageCreated, (m) => m.clientMsgId === clientMsgId);
    const ack = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessageSend, {
        threadId: thread.id,
        clientMsgId,
        body: '  padded  ',
      }),
    );
    expect(ack.duplicate).toBe(false);
    expect(ack.message).toMatchObject({
      threadId: thread.id,
      seq: before.lastSeq + 1,
      authorType: 'visitor',
      body: 'padded',
    });
    expect((await delivered).id).toBe(ack.message.id);
    await sleep(QUIET_MS);
    atAgent.stop();
    expect(atAgent.events.filter((m) => m.id === ack.message.id)).toHaveLength(1);
    expect(atAgent.events.find((m) => m.id === ack.message.id)).toEqual(ack.message);

    const atVisitor = record(visitorSocket, ServerEvent.MessageCreated);
    const replyId = unique('a');
    const replied = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.clientMsgId === replyId);
    const reply = expectAckOk(
      await emitAck(agentSocket, ClientEvent.MessageSend, {
        threadId: thread.id,
        clientMsgId: replyId,
        body: 'reply',
      }),
    );
    expect(reply.message.seq).toBe(ack.message.seq + 1);
    expect(await replied).toEqual(reply.message);
    await sleep(QUIET_MS);
    atVisitor.stop();
    expect(atVisitor.events.filter((m) => m.id === reply.message.id)).toHaveLength(1);

    const after = await listMessages(agent.token, thread.id, before.lastSeq);
    expect(after.items.map((m) => [m.seq, m.body])).toEqual([
      [before.lastSeq + 1, 'padded'],
      [before.lastSeq + 2, 'reply'],
    ]);
  });

  it('thread.join lets another agent watch a thread', async () => {
    const { visitor, thread } = await activeConversation();
    const watcher = await newAgent();
    const watcherSocket = await connect(watcher.token);
    const joined = expectAckOk(await emitAck(watcherSocket, ClientEvent.ThreadJoin, { threadId: thread.id }));
    expect(joined.thread.id).toBe(thread.id);
    const heard = waitFor(
      watcherSocket,
      ServerEvent.MessageCreated,
      (m) => m.threadId === thread.id && m.body === 'watched',
    );
    const visitorSocket = await connect(visitor.token);
    expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessageSend, {
        threadId: thread.id,
        clientMsgId: unique('v'),
        body: 'watched',
      }),
    );
    await heard;
  });
});

describe('typing', () => {
  it('relays the visitor typing to the agent, not back to the visitor, and stores nothing', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const visitorSocket = await connect(visitor.token);
    const agentSocket = await connect(agent.token);
    const before = await listMessages(agent.token, thread.id);

    const atAgent = waitFor(agentSocket, ServerEvent.Typing, (t) => t.threadId === thread.id);
    const echo = expectNoEvent(visitorSocket, ServerEvent.Typing);
    expectAckOk(await emitAck(visitorSocket, ClientEvent.Typing, { threadId: thread.id, isTyping: true }));
    expect(await atAgent).toEqual({
      threadId: thread.id,
      authorType: 'visitor',
      authorName: visitor.visitor.name,
      isTyping: true,
    });
    await echo;
    expect((await listMessages(agent.token, thread.id)).lastSeq).toBe(before.lastSeq);
  });

  it('relays the agent typing to the visitor, not back to the agent', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const visitorSocket = await connect(visitor.token);
    const agentSocket = await connect(agent.token);
    const atVisitor = waitFor(
      visitorSocket,
      ServerEvent.Typing,
      (t) => t.threadId === thread.id && !t.isTyping,
    );
    const echo = expectNoEvent(agentSocket, ServerEvent.Typing);
    expectAckOk(await emitAck(agentSocket, ClientEvent.Typing, { threadId: thread.id, isTyping: false }));
    expect(await atVisitor).toEqual({
      threadId: thread.id,
      authorType: 'agent',
      authorName: agent.agent.name,
      isTyping: false,
    });
    await echo;
  });
});
