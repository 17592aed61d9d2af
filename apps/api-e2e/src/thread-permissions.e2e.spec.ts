import { ClientEvent, ErrorCode, type Thread } from '@parley/contracts';
import {
  activeConversation,
  adminToken,
  claimThread,
  getThread,
  listMessages,
  newAgent,
  newApiKey,
  newVisitor,
  startThread,
} from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, emitAck, expectAckError } from './support/sockets';

afterEach(closeAllSockets);

/** Who may do what to a thread (docs/permissions.md): the same rules over REST and sockets. */
describe('transfer and close', () => {
  it('an agent cannot take a colleague\'s conversation: assign to itself after the claim is 403, and nothing changes', async () => {
    const { agent: owner, thread } = await activeConversation();
    const intruder = await newAgent();
    // The claim race is explained (409); assigning to oneself afterwards was the way around it.
    expectProblem(await api('post', `/threads/${thread.id}/claim`, { token: intruder.token }), ErrorCode.ThreadAlreadyClaimed);
    const before = await listMessages(owner.token, thread.id);
    const res = await api('post', `/threads/${thread.id}/assign`, { token: intruder.token, body: { agentId: intruder.agent.id } });
    expectProblem(res, ErrorCode.Forbidden);
    expect((await getThread(owner.token, thread.id)).assignedAgent?.id).toBe(owner.agent.id);
    expect(await listMessages(owner.token, thread.id)).toEqual(before);
  });

  it('an agent cannot assign a queued thread (it claims it), nor move a colleague\'s thread to a third agent', async () => {
    const queued = await startThread((await newVisitor()).token);
    const { thread } = await activeConversation();
    const [a, b] = await Promise.all([newAgent(), newAgent()]);
    expectProblem(await api('post', `/threads/${queued.id}/assign`, { token: a.token, body: { agentId: a.agent.id } }), ErrorCode.Forbidden);
    expectProblem(await api('post', `/threads/${thread.id}/assign`, { token: a.token, body: { agentId: b.agent.id } }), ErrorCode.Forbidden);
  });

  it('the assignee transfers its own conversation; admins and integrations transfer any', async () => {
    const { agent: owner, thread } = await activeConversation();
    const [b, c] = await Promise.all([newAgent('agent', 'Bea'), newAgent('agent', 'Cy')]);
    const toB = await api('post', `/threads/${thread.id}/assign`, { token: owner.token, body: { agentId: b.agent.id } });
    expectStatus(toB, 200);
    expect((toB.body as Thread).assignedAgent?.id).toBe(b.agent.id);
    // The previous assignee no longer owns it.
    expectProblem(await api('post', `/threads/${thread.id}/assign`, { token: owner.token, body: { agentId: owner.agent.id } }), ErrorCode.Forbidden);
    const toC = await api('post', `/threads/${thread.id}/assign`, { token: adminToken(), body: { agentId: c.agent.id } });
    expect((toC.body as Thread).assignedAgent?.id).toBe(c.agent.id);
    const key = await newApiKey();
    const back = await api('post', `/threads/${thread.id}/assign`, { token: key, body: { agentId: owner.agent.id } });
    expect((back.body as Thread).assignedAgent?.id).toBe(owner.agent.id);
  });

  it('an agent who is not the assignee cannot close over REST or the socket; the thread stays open', async () => {
    const { agent: owner, thread } = await activeConversation();
    const queued = await startThread((await newVisitor()).token);
    const other = await newAgent();
    for (const id of [thread.id, queued.id]) {
      expectProblem(await api('post', `/threads/${id}/close`, { token: other.token }), ErrorCode.Forbidden);
      const socket = await connect(other.token);
      expectAckError(await emitAck(socket, ClientEvent.ThreadClose, { threadId: id }), ErrorCode.Forbidden);
      expect((await getThread(owner.token, id)).status).not.toBe('closed');
    }
  });

  it('the assignee, an admin, the visitor and an integration may close', async () => {
    const closers = [
      async (c: Awaited<ReturnType<typeof activeConversation>>) => c.agent.token,
      async () => adminToken(),
      async (c: Awaited<ReturnType<typeof activeConversation>>) => c.visitor.token,
      async () => newApiKey(),
    ];
    for (const closer of closers) {
      const c = await activeConversation();
      const res = await api('post', `/threads/${c.thread.id}/close`, { token: await closer(c) });
      expectStatus(res, 200);
      expect((res.body as Thread).status).toBe('closed');
    }
    // Admins also close what nobody has claimed yet.
    const queued = await startThread((await newVisitor()).token);
    expectStatus(await api('post', `/threads/${queued.id}/close`, { token: adminToken() }), 200);
    const claimed = await claimThread((await newAgent()).token, (await startThread((await newVisitor()).token)).id);
    expect(claimed.status).toBe('active');
  });
});
