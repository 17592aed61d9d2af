import { ClientEvent, ErrorCode, ServerEvent, ThreadSchema } from '@parley/contracts';
import {
  activeConversation,
  getThread,
  listMessages,
  newAgent,
  newVisitor,
  startThread,
  unique,
} from './support/actors';
import { api, expectProblem, expectServerAlive, expectStatus } from './support/http';
import {
  closeAllSockets,
  connect,
  emitAck,
  emitRaw,
  expectAckError,
  expectAckOk,
  waitFor,
} from './support/sockets';

afterEach(closeAllSockets);

describe('closing a thread', () => {
  it('a visitor closes over the socket: closedBy is the visitor, agents hear ThreadUpdated', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const watcherSocket = await connect((await newAgent()).token);
    const visitorSocket = await connect(visitor.token);
    const announced = waitFor(
      watcherSocket,
      ServerEvent.ThreadUpdated,
      (t) => t.id === thread.id && t.status === 'closed',
    );
    const ack = expectAckOk(await emitAck(visitorSocket, ClientEvent.ThreadClose, { threadId: thread.id }));
    expect(ack.thread).toMatchObject({
      id: thread.id,
      status: 'closed',
      closedBy: { type: 'visitor', id: visitor.visitor.id },
    });
    expect(ack.thread.closedAt).not.toBeNull();
    expect((await announced).closedBy).toEqual({ type: 'visitor', id: visitor.visitor.id });
    expect((await getThread(agent.token, thread.id)).closedBy).toEqual({
      type: 'visitor',
      id: visitor.visitor.id,
    });
  });

  it('an agent closes over REST: closedBy is the agent', async () => {
    const { agent, thread } = await activeConversation();
    const res = await api('post', `/threads/${thread.id}/close`, { token: agent.token });
    expectStatus(res, 200);
    expect(ThreadSchema.parse(res.body)).toMatchObject({
      status: 'closed',
      closedBy: { type: 'agent', id: agent.agent.id },
    });
  });

  it('a visitor closes over REST: closedBy is the visitor', async () => {
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const res = await api('post', `/threads/${thread.id}/close`, { token: visitor.token });
    expectStatus(res, 200);
    expect(ThreadSchema.parse(res.body).closedBy).toEqual({ type: 'visitor', id: visitor.visitor.id });
  });

  it('refuses a closedBy in the body (VALIDATION_FAILED): who closed comes from the token', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const forged = await api('post', `/threads/${thread.id}/close`, {
      token: visitor.token,
      body: { closedBy: { type: 'agent', id: agent.agent.id } },
    });
    expectProblem(forged, ErrorCode.ValidationFailed);
    const legacy = await api('post', `/threads/${thread.id}/close`, {
      token: visitor.token,
      body: { support_agent_id: agent.agent.id },
    });
    expectProblem(legacy, ErrorCode.ValidationFailed);
    expect((await getThread(agent.token, thread.id)).status).toBe('active');

    const closed = await api('post', `/threads/${thread.id}/close`, { token: visitor.token });
    expectStatus(closed, 200);
    expect(ThreadSchema.parse(closed.body).closedBy).toEqual({ type: 'visitor', id: visitor.visitor.id });
  });

  it('refuses extra fields in the socket ThreadClose payload', async () => {
    const { agent, visitor, thread } = await activeConversation();
    const visitorSocket = await connect(visitor.token);
    const payload = { threadId: thread.id, closedBy: { type: 'agent', id: agent.agent.id } };
    const ack = await emitRaw(visitorSocket, ClientEvent.ThreadClose, payload);
    expectAckError(ack, ErrorCode.ValidationFailed);
    expect((await getThread(agent.token, thread.id)).status).toBe('active');
  });
});

describe('after close', () => {
  it('message.send answers THREAD_CLOSED over the socket and 409 over REST, storing nothing', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const closed = await api('post', `/threads/${thread.id}/close`, { token: agent.token });
    expectStatus(closed, 200);
    const before = await listMessages(agent.token, thread.id);

    const visitorSocket = await connect(visitor.token);
    const ack = await emitAck(visitorSocket, ClientEvent.MessageSend, {
      threadId: thread.id,
      clientMsgId: unique('late'),
      body: 'too late',
    });
    expectAckError(ack, ErrorCode.ThreadClosed);
    const agentSocket = await connect(agent.token);
    const agentAck = await emitAck(agentSocket, ClientEvent.MessageSend, {
      threadId: thread.id,
      clientMsgId: unique('late'),
      body: 'too late',
    });
    expectAckError(agentAck, ErrorCode.ThreadClosed);
    const rest = await api('post', `/threads/${thread.id}/messages`, {
      token: visitor.token,
      body: { clientMsgId: unique('late'), body: 'too late' },
    });
    expectProblem(rest, ErrorCode.ThreadClosed);

    const after = await listMessages(agent.token, thread.id);
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(after.items).toEqual(before.items);
    await expectServerAlive();
  });

  it('the visitor can start a new thread', async () => {
    const visitor = await newVisitor();
    const first = await startThread(visitor.token);
    expectStatus(await api('post', `/threads/${first.id}/close`, { token: visitor.token }), 200);
    const res = await api('post', '/threads', { token: visitor.token });
    expectStatus(res, 201);
    const second = ThreadSchema.parse(res.body);
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('queued');

    const visitorSocket = await connect(visitor.token);
    const ack = expectAckOk(
      await emitAck(visitorSocket, ClientEvent.MessageSend, {
        threadId: second.id,
        clientMsgId: unique('v'),
        body: 'again',
      }),
    );
    expect(ack.message.threadId).toBe(second.id);
  });
});
