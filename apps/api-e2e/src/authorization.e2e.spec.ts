import { ClientEvent, ErrorCode, REST_ROUTE_LIST, restRouteKey, ServerEvent, ThreadPageSchema } from '@parley/contracts';
import {
  activeConversation,
  type Conversation,
  listMessages,
  newAgent,
  newVisitor,
  startThread,
  unique,
  type VisitorActor,
} from './support/actors';
import { api, expectProblem, http } from './support/http';
import { CREDENTIALED_ROUTES, SAMPLE_BODIES, SOME_ID } from './support/routes';
import { closeAllSockets, connect, emitAck, expectAckError, expectNoEvent } from './support/sockets';
import { expiredToken, forgedToken, signToken } from './support/tokens';
import { e2e } from './support/state';

afterEach(closeAllSockets);

const ROUTES = CREDENTIALED_ROUTES.map(({ method, path, body }) => ({ method, path, body }));

describe('credentials on REST', () => {
  it('has a valid sample body for every such route that takes one', () => {
    const invalid = REST_ROUTE_LIST.filter((r) => !r.callers.includes('public') && r.body)
      .filter((r) => !r.body?.safeParse(SAMPLE_BODIES[restRouteKey(r)]).success)
      .map(restRouteKey);
    expect(invalid).toEqual([]);
  });

  // Objects, not arrays: jest.each would take a missing third array item for a `done` callback.
  it.each(ROUTES)(
    '$method $path without a token: 401 UNAUTHENTICATED',
    async ({ method, path, body }) => {
      expectProblem(await http(method, path, { body }), ErrorCode.Unauthenticated);
    },
  );

  it('refuses a garbage token, a forged token, a token for nobody and a non-Bearer header (401 UNAUTHENTICATED)', async () => {
    const { id } = e2e().admin;
    expectProblem(await api('get', '/agents/me', { token: 'garbage' }), ErrorCode.Unauthenticated);
    expectProblem(
      await api('get', '/agents/me', { token: forgedToken(id, 'agent') }),
      ErrorCode.Unauthenticated,
    );
    expectProblem(
      await api('get', '/agents/me', { token: signToken(SOME_ID, 'agent') }),
      ErrorCode.Unauthenticated,
    );
    expectProblem(
      await api('get', '/agents/me', {
        headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      }),
      ErrorCode.Unauthenticated,
    );
  });

  it('answers 401 TOKEN_EXPIRED to an expired agent or visitor token', async () => {
    const visitor = await newVisitor();
    expectProblem(
      await api('get', '/agents/me', { token: expiredToken(e2e().admin.id, 'agent') }),
      ErrorCode.TokenExpired,
    );
    expectProblem(
      await api('get', '/visitors/me', { token: expiredToken(visitor.visitor.id, 'visitor') }),
      ErrorCode.TokenExpired,
    );
  });

  it('a visitor token on agent routes: 403 FORBIDDEN', async () => {
    const { visitor, thread, agent } = await activeConversation();
    const token = visitor.token;
    expectProblem(await api('get', '/agents/me', { token }), ErrorCode.Forbidden);
    expectProblem(await api('get', '/agents', { token }), ErrorCode.Forbidden);
    expectProblem(await api('post', `/threads/${thread.id}/claim`, { token }), ErrorCode.Forbidden);
    expectProblem(
      await api('post', `/threads/${thread.id}/assign`, { token, body: { agentId: agent.agent.id } }),
      ErrorCode.Forbidden,
    );
    expectProblem(await api('get', '/api-keys', { token }), ErrorCode.Forbidden);
  });

  it('an agent token on visitor routes: 403 FORBIDDEN', async () => {
    const { token } = await newAgent();
    expectProblem(await api('post', '/threads', { token }), ErrorCode.Forbidden);
    expectProblem(await api('get', '/visitors/me', { token }), ErrorCode.Forbidden);
  });
});

describe("visitor B on visitor A's thread", () => {
  let a: Conversation;
  let b: VisitorActor;

  beforeAll(async () => {
    a = await activeConversation();
    b = await newVisitor('Mallory');
    await startThread(b.token);
  });

  it('REST read, messages, post and close all answer 404 THREAD_NOT_FOUND', async () => {
    const before = await listMessages(a.agent.token, a.thread.id);
    const id = a.thread.id;
    expectProblem(await api('get', `/threads/${id}`, { token: b.token }), ErrorCode.ThreadNotFound);
    expectProblem(await api('get', `/threads/${id}/messages`, { token: b.token }), ErrorCode.ThreadNotFound);
    expectProblem(
      await api('post', `/threads/${id}/messages`, {
        token: b.token,
        body: { clientMsgId: unique('b'), body: 'intrude' },
      }),
      ErrorCode.ThreadNotFound,
    );
    expectProblem(await api('post', `/threads/${id}/close`, { token: b.token }), ErrorCode.ThreadNotFound);
    expect(await listMessages(a.agent.token, id)).toEqual(before);
    expect((await api('get', `/threads/${id}`, { token: a.visitor.token })).body).toMatchObject({
      status: 'active',
    });
  });

  it("GET /threads lists only B's own threads", async () => {
    const res = await api('get', '/threads', { token: b.token, query: { limit: 200 } });
    const page = ThreadPageSchema.parse(res.body);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((t) => t.visitor.id === b.visitor.id)).toBe(true);
  });

  it('socket send, sync, join, close and typing all ack THREAD_NOT_FOUND; A hears nothing', async () => {
    const before = await listMessages(a.agent.token, a.thread.id);
    const threadId = a.thread.id;
    const [bSocket, agentSocket, aSocket] = await Promise.all([
      connect(b.token),
      connect(a.agent.token),
      connect(a.visitor.token),
    ]);
    const quietAgent = expectNoEvent(agentSocket, ServerEvent.Typing);
    const quietVisitor = expectNoEvent(aSocket, ServerEvent.MessageCreated);
    expectAckError(
      await emitAck(bSocket, ClientEvent.MessageSend, { threadId, clientMsgId: unique('b'), body: 'x' }),
      ErrorCode.ThreadNotFound,
    );
    expectAckError(
      await emitAck(bSocket, ClientEvent.MessagesSync, { threadId, afterSeq: 0 }),
      ErrorCode.ThreadNotFound,
    );
    expectAckError(await emitAck(bSocket, ClientEvent.ThreadJoin, { threadId }), ErrorCode.ThreadNotFound);
    expectAckError(
      await emitAck(bSocket, ClientEvent.Typing, { threadId, isTyping: true }),
      ErrorCode.ThreadNotFound,
    );
    expectAckError(await emitAck(bSocket, ClientEvent.ThreadClose, { threadId }), ErrorCode.ThreadNotFound);
    await Promise.all([quietAgent, quietVisitor]);
    expect(await listMessages(a.agent.token, threadId)).toEqual(before);
  });

  it('a nonexistent thread id answers the same THREAD_NOT_FOUND', async () => {
    const bSocket = await connect(b.token);
    const ack = await emitAck(bSocket, ClientEvent.MessageSend, {
      threadId: SOME_ID,
      clientMsgId: unique('b'),
      body: 'x',
    });
    expectAckError(ack, ErrorCode.ThreadNotFound);
    expectProblem(await api('get', `/threads/${SOME_ID}`, { token: b.token }), ErrorCode.ThreadNotFound);
  });
});

describe('agent-only socket events', () => {
  it('a visitor socket cannot claim (FORBIDDEN); an agent joining an unknown thread gets THREAD_NOT_FOUND', async () => {
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const agent = await newAgent();
    const [visitorSocket, agentSocket] = await Promise.all([connect(visitor.token), connect(agent.token)]);
    expectAckError(
      await emitAck(visitorSocket, ClientEvent.ThreadClaim, { threadId: thread.id }),
      ErrorCode.Forbidden,
    );
    expectAckError(
      await emitAck(agentSocket, ClientEvent.ThreadJoin, { threadId: SOME_ID }),
      ErrorCode.ThreadNotFound,
    );
    expect((await api('get', `/threads/${thread.id}`, { token: agent.token })).body).toMatchObject({
      status: 'queued',
      assignedAgent: null,
    });
  });
});

describe('agents write only to threads assigned to them', () => {
  it("a queued thread and a colleague's thread are FORBIDDEN over socket and REST; nothing is stored", async () => {
    const mine = await activeConversation();
    const queued = await startThread((await newVisitor()).token);
    const other = await newAgent();
    const socket = await connect(other.token);
    for (const threadId of [mine.thread.id, queued.id]) {
      const before = await listMessages(other.token, threadId);
      const ack = await emitAck(socket, ClientEvent.MessageSend, {
        threadId,
        clientMsgId: unique('o'),
        body: 'not mine',
      });
      expectAckError(ack, ErrorCode.Forbidden);
      const rest = await api('post', `/threads/${threadId}/messages`, {
        token: other.token,
        body: { clientMsgId: unique('o'), body: 'not mine' },
      });
      expectProblem(rest, ErrorCode.Forbidden);
      expect(await listMessages(other.token, threadId)).toEqual(before);
    }
  });
});
