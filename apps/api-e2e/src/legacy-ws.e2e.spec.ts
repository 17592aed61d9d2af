import { sleep } from '@parley/test-support';
import { ClientEvent, ErrorCode, LegacyCloseCode, type LegacyErrorFrame, LIMITS, ServerEvent } from '@parley/contracts';
import {
  activeConversation,
  claimThread,
  listMessages,
  newApiKey,
  newVisitor,
  postMessage,
  startThread,
  unique,
} from './support/actors';
import { call, expectProblem, expectStatus, http } from './support/http';
import { closeAllRaw, openRaw, rawRefused } from './support/raw';
import { closeAllSockets, connect, emitAck, expectAckOk, QUIET_MS, waitFor } from './support/sockets';
import { e2e } from './support/state';

afterEach(async () => {
  await closeAllRaw();
  await closeAllSockets();
});

/**
 * The old system's raw WebSocket protocol (docs/legacy-protocol.md), on the same port as socket.io:
 * `/ws/support/<thread id>/`, `{"message"}` in, `{"type":"chat"}` out to the whole room.
 */
describe('legacy raw WebSocket: the seeds\' flow', () => {
  it('a raw visitor and a socket.io agent see each other live; the sender gets its own frame, as the old server sent it', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, visitor.token);
    const welcome = await raw.next('connection_established');
    expect(welcome).toEqual({ type: 'connection_established', message: expect.any(String), threadId: thread.id, status: 'active', lastSeq: thread.lastSeq });

    const agentSocket = await connect(agent.token);
    const atAgent = waitFor(agentSocket, ServerEvent.MessageCreated, (m) => m.body === 'hello from the old page');
    raw.send({ message: 'hello from the old page' });
    const own = await raw.next('chat', (f) => f.message === 'hello from the old page');
    expect(own).toEqual({
      type: 'chat',
      message: 'hello from the old page',
      id: expect.any(String),
      threadId: thread.id,
      seq: thread.lastSeq + 1,
      author: { type: 'visitor', name: visitor.visitor.name },
      createdAt: expect.any(String),
      clientMsgId: expect.any(String),
      attachments: [],
    });
    const seen = await atAgent;
    expect(seen.id).toBe(own.id);
    expect(seen.seq).toBe(own.seq);

    const reply = expectAckOk(
      await emitAck(agentSocket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: unique('reply'), body: 'hi, how can I help?' }),
    );
    const atRaw = await raw.next('chat', (f) => f.id === reply.message.id);
    expect(atRaw).toMatchObject({ message: 'hi, how can I help?', seq: reply.message.seq, author: { type: 'agent', name: agent.agent.name } });
  });

  it('an agent on a raw socket (token as a subprotocol entry) and a raw visitor chat; the server picks parley.v1', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const [v, a] = await Promise.all([openRaw(thread.id, visitor.token), openRaw(thread.id, agent.token, { via: 'protocol' })]);
    expect(a.ws.protocol).toBe('parley.v1');
    await Promise.all([v.next('connection_established'), a.next('connection_established')]);
    a.send({ message: 'agent here' });
    const atVisitor = await v.next('chat', (f) => f.message === 'agent here');
    expect(atVisitor.author).toEqual({ type: 'agent', name: agent.agent.name });
    v.send({ message: 'visitor here' });
    expect((await a.next('chat', (f) => f.message === 'visitor here')).seq).toBe(atVisitor.seq + 1);
    const page = await listMessages(agent.token, thread.id);
    expect(page.items.map((m) => m.body).slice(-2)).toEqual(['agent here', 'visitor here']);
  });

  it('typing and thread changes reach raw clients as typed frames; a raw client\'s typing reaches socket.io', async () => {
    const visitor = await newVisitor();
    const queued = await startThread(visitor.token);
    const raw = await openRaw(queued.id, visitor.token);
    expect((await raw.next('connection_established')).status).toBe('queued');
    const { agent } = await activeConversation();
    const claimed = await claimThread(agent.token, queued.id);
    expect(await raw.next('thread', (f) => f.status === 'active')).toEqual({
      type: 'thread',
      status: 'active',
      assignedAgent: { id: agent.agent.id, name: agent.agent.name },
      closedBy: null,
    });
    const agentSocket = await connect(agent.token);
    const typingSeen = waitFor(agentSocket, ServerEvent.Typing, (t) => t.threadId === claimed.id && t.isTyping);
    raw.send({ type: 'typing', isTyping: true });
    expect(await typingSeen).toEqual({ threadId: claimed.id, authorType: 'visitor', authorName: visitor.visitor.name, isTyping: true });
    expectAckOk(await emitAck(agentSocket, ClientEvent.Typing, { threadId: claimed.id, isTyping: true }));
    expect(await raw.next('typing')).toEqual({ type: 'typing', author: { type: 'agent', name: agent.agent.name }, isTyping: true });
    expectAckOk(await emitAck(agentSocket, ClientEvent.ThreadClose, { threadId: claimed.id }));
    expect(await raw.next('thread', (f) => f.status === 'closed')).toMatchObject({ closedBy: { type: 'agent', id: agent.agent.id } });
  });
});

describe('legacy raw WebSocket: Parley\'s guarantees', () => {
  it('a resent clientMsgId stores one message: acked twice (duplicate the second time), broadcast once', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    const clientMsgId = unique('raw-retry');
    raw.send({ message: 'only once', clientMsgId });
    const first = await raw.next('ack', (f) => f.clientMsgId === clientMsgId);
    raw.send({ message: 'only once', clientMsgId });
    const second = await raw.next('ack', (f) => f.clientMsgId === clientMsgId && f.duplicate);
    expect(first).toEqual({ type: 'ack', clientMsgId, id: expect.any(String), seq: thread.lastSeq + 1, duplicate: false });
    expect(second).toEqual({ ...first, duplicate: true });
    // A socket.io resend of the same id by the same visitor is the same message too.
    const socket = await connect(visitor.token);
    const viaIo = expectAckOk(await emitAck(socket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId, body: 'only once' }));
    expect(viaIo).toMatchObject({ duplicate: true, message: { id: first.id } });
    await sleep(QUIET_MS);
    expect(raw.frames.filter((f) => f.type === 'chat' && f.clientMsgId === clientMsgId)).toHaveLength(1);
    const page = await listMessages(agent.token, thread.id);
    expect(page.items.filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);
  });

  it('after a drop, {"type":"sync"} replays exactly what was missed, in seq order, then "synced"', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const first = await openRaw(thread.id, visitor.token);
    await first.next('connection_established');
    first.send({ message: 'before the drop', clientMsgId: unique('pre') });
    const seen = await first.next('chat', (f) => f.message === 'before the drop');
    await first.close();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await postMessage(agent.token, thread.id, `missed ${i}`));

    const again = await openRaw(thread.id, visitor.token);
    const welcome = await again.next('connection_established');
    expect(welcome.lastSeq).toBe(missed[2].seq);
    again.send({ type: 'sync', afterSeq: seen.seq });
    const synced = await again.next('synced');
    expect(synced).toEqual({ type: 'synced', lastSeq: missed[2].seq });
    const replayed = again.frames.filter((f) => f.type === 'chat');
    expect(replayed.map((f) => f.type === 'chat' && [f.seq, f.message])).toEqual(missed.map((m) => [m.seq, m.body]));
  });

  it('frames sent back to back by one raw visitor are stored once each, in the order sent', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    // Within the suite's per-principal allowance (the shared server raises it; rate-limits.e2e checks the default).
    const n = 15;
    for (let i = 0; i < n; i++) raw.send({ message: `burst ${i}`, clientMsgId: `burst-${thread.id.slice(0, 8)}-${i}` });
    await raw.next('chat', (f) => f.message === `burst ${n - 1}`);
    const page = await listMessages(agent.token, thread.id);
    const burst = page.items.filter((m) => m.body.startsWith('burst '));
    expect(burst.map((m) => m.body)).toEqual(Array.from({ length: n }, (_, i) => `burst ${i}`));
    expect(burst.map((m) => m.seq)).toEqual(Array.from({ length: n }, (_, i) => burst[0].seq + i));
  });
});

describe('legacy raw WebSocket: refusals', () => {
  it('no token, a bad token, an API key, a foreign thread and a path that is not a thread end the handshake with their close codes', async () => {
    const { thread } = await activeConversation();
    const stranger = await newVisitor();
    const apiKey = await newApiKey();
    expect(await rawRefused(thread.id, undefined)).toMatchObject({ code: LegacyCloseCode.Unauthenticated, frames: [] });
    expect(await rawRefused(thread.id, 'not-a-token')).toMatchObject({ code: LegacyCloseCode.Unauthenticated, frames: [] });
    expect(await rawRefused(thread.id, 'not-a-token', 'protocol')).toMatchObject({ code: LegacyCloseCode.Unauthenticated });
    expect(await rawRefused(thread.id, apiKey)).toMatchObject({ code: LegacyCloseCode.Forbidden, reason: 'API keys use the REST API' });
    expect(await rawRefused(thread.id, stranger.token)).toMatchObject({ code: LegacyCloseCode.NotFound, frames: [] });
    expect(await rawRefused('support_42', stranger.token)).toMatchObject({ code: LegacyCloseCode.NotFound });
  });

  it('an origin that is not allowed is refused before the upgrade (HTTP 403), as on socket.io', async () => {
    const { visitor, thread } = await activeConversation();
    await expect(openRaw(thread.id, visitor.token, { origin: 'http://evil.test' })).rejects.toThrow('HTTP 403');
    const allowed = await openRaw(thread.id, visitor.token, { origin: e2e().allowedOrigin });
    await allowed.next('connection_established');
  });

  it('bad frames get an error frame with a code, store nothing, and the connection carries on', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    const before = await listMessages(agent.token, thread.id);
    raw.sendText('this is not json');
    expect(await raw.next('error', (f) => f.code === ErrorCode.InvalidJson)).toMatchObject({ message: expect.any(String) });
    raw.sendText('[1,2]');
    raw.send({ type: 'shout', message: 'x' });
    raw.send({ message: '   ' });
    raw.send({ message: 'x'.repeat(LIMITS.messageBodyMax + 1), clientMsgId: 'too-long-1' });
    raw.send({ message: 'fine', threadId: 'somebody-else', clientMsgId: 'extra-field-1' });
    raw.send({ type: 'sync', afterSeq: -1 });
    raw.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const errors: LegacyErrorFrame[] = [];
    for (let i = 0; i < 7; i++) errors.push(await raw.next('error', (f) => !errors.includes(f) && f.code === ErrorCode.ValidationFailed));
    expect(errors.find((f) => f.clientMsgId === 'too-long-1')).toBeDefined();
    expect(errors.find((f) => f.clientMsgId === 'extra-field-1')?.message).toContain('threadId');
    raw.send({ message: 'still here', clientMsgId: unique('after') });
    await raw.next('chat', (f) => f.message === 'still here');
    const after = await listMessages(agent.token, thread.id);
    expect(after.items.slice(before.items.length).map((m) => m.body)).toEqual(['still here']);
  });

  it('a closed thread: connect and read, but a chat frame is refused THREAD_CLOSED and nothing is stored', async () => {
    const { visitor, agent, thread } = await activeConversation();
    await postMessage(visitor.token, thread.id, 'before closing');
    expectStatus(await call('post /threads/{id}/close', { params: { id: thread.id }, token: agent.token }), 200);
    const raw = await openRaw(thread.id, visitor.token);
    expect((await raw.next('connection_established')).status).toBe('closed');
    const before = await listMessages(agent.token, thread.id);
    raw.send({ message: 'too late', clientMsgId: 'late-1' });
    expect(await raw.next('error')).toMatchObject({ code: ErrorCode.ThreadClosed, clientMsgId: 'late-1' });
    raw.send({ type: 'sync', afterSeq: 0 });
    expect((await raw.next('synced')).lastSeq).toBe(before.lastSeq);
    expect(await listMessages(agent.token, thread.id)).toEqual(before);
  });

  it('a frame above the size limit closes the connection with 1009 and stores nothing', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    const before = await listMessages(agent.token, thread.id);
    raw.send({ message: 'y'.repeat(LIMITS.socketFrameMaxBytes + 10) });
    expect((await raw.closed).code).toBe(LegacyCloseCode.TooBig);
    expect(await listMessages(agent.token, thread.id)).toEqual(before);
  });

  it('a connection that stops answering the server\'s pings (its network is gone) is cut; the room goes on for the others', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const silent = await openRaw(thread.id, visitor.token, { autoPong: false });
    await silent.next('connection_established');
    const pinged = new Promise<void>((resolve) => silent.ws.once('ping', () => resolve()));
    await pinged;
    // Cut at the next beat (10 s, PING_INTERVAL_MS): a liveness bound, not a measure of speed.
    expect((await silent.closed).code).toBe(1006);
    // The room goes on for the others.
    const other = await openRaw(thread.id, agent.token);
    await other.next('connection_established');
    other.send({ message: 'still here' });
    await other.next('chat', (f) => f.message === 'still here');
  }, 60_000);

  it('an agent who signs out loses its raw sockets (4401), and its token is refused from then on', async () => {
    const { agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, agent.token);
    await raw.next('connection_established');
    expectStatus(await call('post /auth/logout', { token: agent.token }), 204);
    expect((await raw.closed).code).toBe(LegacyCloseCode.Unauthenticated);
    expect((await rawRefused(thread.id, agent.token)).code).toBe(LegacyCloseCode.Unauthenticated);
  });
});

describe('legacy HTTP calls', () => {
  it('POST /close_chat_thread/<id>/ closes as the token\'s caller; support_agent_id naming someone else is refused', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, agent.token);
    await raw.next('connection_established');
    const impostor = await http('post', `/close_chat_thread/${thread.id}/`, { token: visitor.token, body: { support_agent_id: agent.agent.id } });
    const problem = expectProblem(impostor, ErrorCode.Forbidden);
    expect(impostor.body).toMatchObject({ success: false, error: problem.detail });
    expect((await listMessages(agent.token, thread.id)).items.some((m) => m.authorType === 'system' && m.body.includes('closed'))).toBe(false);

    const res = await http('post', `/close_chat_thread/${thread.id}/`, { token: visitor.token, body: { support_agent_id: null } });
    expectStatus(res, 200);
    expect(res.body).toEqual({ success: true, threadId: thread.id, status: 'closed' });
    expect(await raw.next('thread', (f) => f.status === 'closed')).toMatchObject({ closedBy: { type: 'visitor', id: visitor.visitor.id } });
  });

  it('an agent page closes with its own id; no token is 401 with success:false', async () => {
    const { agent, thread } = await activeConversation();
    const anonymous = await http('post', `/close_chat_thread/${thread.id}/`, { body: { support_agent_id: null } });
    expect(expectProblem(anonymous, ErrorCode.Unauthenticated)).toBeDefined();
    expect(anonymous.body).toMatchObject({ success: false });
    const res = await http('post', `/close_chat_thread/${thread.id}/`, { token: agent.token, body: { support_agent_id: agent.agent.id } });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ success: true, status: 'closed' });
  });

  it('POST /save_message/ answers success without storing the message a second time', async () => {
    const { visitor, agent, thread } = await activeConversation();
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    raw.send({ message: 'stored once' });
    const frame = await raw.next('chat', (f) => f.message === 'stored once');
    const res = await http('post', '/save_message/', { token: visitor.token, body: { thread_id: thread.id, message: frame.message, sender: 'user' } });
    expectStatus(res, 200);
    expect(res.body).toEqual({ success: true, stored: false, reason: expect.any(String) });
    const page = await listMessages(agent.token, thread.id);
    expect(page.items.filter((m) => m.body === 'stored once')).toHaveLength(1);
  });
});
