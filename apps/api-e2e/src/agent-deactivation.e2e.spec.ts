import { ErrorCode, ServerEvent } from '@parley/contracts';
import { activeConversation, adminToken, claimThread, getThread, listMessages, newAgent, unique } from './support/actors';
import { api, expectProblem, expectStatus } from './support/http';
import { closeAllSockets, connect, connectRefused, waitFor, waitForDisconnect } from './support/sockets';

afterEach(closeAllSockets);

describe('deactivating an agent who is working conversations', () => {
  it('puts them back in the queue, tells the visitor, and lets another agent take them', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const other = await newAgent('agent', 'Olive Other');
    const [visitorSocket, otherSocket, leavingSocket] = await Promise.all([
      connect(visitor.token),
      connect(other.token),
      connect(agent.token),
    ]);
    const visitorSees = waitFor(visitorSocket, ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.status === 'queued');
    const queueSees = waitFor(otherSocket, ServerEvent.ThreadUpdated, (t) => t.id === thread.id && t.status === 'queued');
    const note = waitFor(visitorSocket, ServerEvent.MessageCreated, (m) => m.threadId === thread.id && m.authorType === 'system');
    const cut = waitForDisconnect(leavingSocket);

    const res = await api('patch', `/agents/${agent.agent.id}`, { token: adminToken(), body: { active: false } });
    expectStatus(res, 200);

    expect(await visitorSees).toMatchObject({ status: 'queued', assignedAgent: null });
    expect(await queueSees).toMatchObject({ status: 'queued', assignedAgent: null });
    expect((await note).body).toBe(`${agent.agent.name} is no longer available; waiting for another agent`);
    await cut;

    const stored = await getThread(other.token, thread.id);
    expect(stored).toMatchObject({ status: 'queued', assignedAgent: null });
    // The old token writes nothing any more, and its holder is told why (on REST and in the socket
    // handshake); the new agent claims and writes.
    const denied = await api('post', `/threads/${thread.id}/messages`, { token: agent.token, body: { clientMsgId: unique('x'), body: 'still here?' } });
    expectProblem(denied, ErrorCode.AccountDeactivated);
    expect((await connectRefused(agent.token)).message).toBe(ErrorCode.AccountDeactivated);
    expect(await claimThread(other.token, thread.id)).toMatchObject({ status: 'active', assignedAgent: { id: other.agent.id } });
    const transcript = await listMessages(other.token, thread.id);
    expect(transcript.items.map((m) => m.body)).toEqual([
      `${agent.agent.name} joined the conversation`,
      `${agent.agent.name} is no longer available; waiting for another agent`,
      `${other.agent.name} joined the conversation`,
    ]);
    expect(transcript.items.map((m) => m.seq)).toEqual(transcript.items.map((_, i) => i + 1));
  });

  it('tells only the holder of their own token: the login and other tokens say nothing new', async () => {
    const leaving = await newAgent('agent', 'Lou Leaving');
    const res = await api('patch', `/agents/${leaving.agent.id}`, { token: adminToken(), body: { active: false } });
    expectStatus(res, 200);
    expectProblem(await api('get', '/agents/me', { token: leaving.token }), ErrorCode.AccountDeactivated);
    // A token with a forged signature naming the same agent and session is just invalid.
    const [head, payload] = leaving.token.split('.');
    expectProblem(await api('get', '/agents/me', { token: `${head}.${payload}.${'A'.repeat(43)}` }), ErrorCode.Unauthenticated);
    for (const password of [leaving.password, 'wrong-password-1']) {
      expectProblem(await api('post', '/auth/login', { body: { email: leaving.agent.email, password } }), ErrorCode.InvalidCredentials);
    }
  });
});
