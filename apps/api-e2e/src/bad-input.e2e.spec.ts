import { ClientEvent, ErrorCode, ErrorCodeSchema, LIMITS } from '@parley/contracts';
import {
  activeConversation,
  adminToken,
  type Conversation,
  getThread,
  listMessages,
  unique,
} from './support/actors';
import { api, expectProblem, expectServerAlive, expectStatus, http } from './support/http';
import {
  closeAllSockets,
  connect,
  emitAck,
  emitRaw,
  expectAckError,
  expectAckOk,
  waitForDisconnect,
} from './support/sockets';

afterEach(closeAllSockets);
// Whatever a test threw at it, the server must still answer.
afterEach(expectServerAlive);

// Deliberately not in the contract: the server must answer unknown events, not ignore them.
const UNKNOWN_EVENT = 'no.such.event';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let conv: Conversation;

beforeAll(async () => {
  conv = await activeConversation();
});

/** Bad input changed nothing: the thread's transcript is exactly what it was. */
async function expectTranscriptUnchanged(before: Awaited<ReturnType<typeof listMessages>>): Promise<void> {
  await expectServerAlive();
  expect(await listMessages(conv.agent.token, conv.thread.id)).toEqual(before);
}

describe('REST bad input', () => {
  it('answers 400 INVALID_JSON to a malformed JSON body', async () => {
    const res = await api('post', '/auth/login', {
      body: '{"email": "a@b.c", ',
      headers: { 'Content-Type': 'application/json' },
    });
    expectProblem(res, ErrorCode.InvalidJson);
    await expectServerAlive();
  });

  it('answers 400 VALIDATION_FAILED to an unknown field, with field errors', async () => {
    const { email, password } = { email: 'admin@e2e.test', password: 'x-password' };
    const res = await api('post', '/auth/login', { body: { email, password, isAdmin: true } });
    const problem = expectProblem(res, ErrorCode.ValidationFailed);
    expect(problem.errors?.length).toBeGreaterThan(0);
  });

  it('answers 400 VALIDATION_FAILED to wrong types', async () => {
    expectProblem(
      await api('post', '/auth/login', { body: { email: 42, password: ['x'] } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(
      await api('post', '/visitors/session', { body: { name: null, email: 'v@v.test' } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(await api('post', '/visitors/session', { body: [] }), ErrorCode.ValidationFailed);
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a body over 64 KiB and stores nothing', async () => {
    const before = await listMessages(conv.agent.token, conv.thread.id);
    const body = { clientMsgId: unique('big'), body: 'x'.repeat(LIMITS.httpBodyMaxBytes + 1024) };
    const res = await api('post', `/threads/${conv.thread.id}/messages`, { token: conv.visitor.token, body });
    expectProblem(res, ErrorCode.PayloadTooLarge);
    await expectTranscriptUnchanged(before);
  });

  it('answers 400 VALIDATION_FAILED to a non-uuid thread id and 404 THREAD_NOT_FOUND to an unknown one', async () => {
    expectProblem(
      await api('get', '/threads/not-a-uuid', { token: adminToken() }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(
      await api('get', "/threads/1'%20OR%20'1'='1", { token: adminToken() }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(
      await api('get', `/threads/${UNKNOWN_ID}`, { token: adminToken() }),
      ErrorCode.ThreadNotFound,
    );
    expectProblem(
      await api('get', `/threads/${UNKNOWN_ID}/messages`, { token: adminToken() }),
      ErrorCode.ThreadNotFound,
    );
  });

  it('rejects empty, blank and over-long message bodies; 4000 characters pass', async () => {
    const before = await listMessages(conv.agent.token, conv.thread.id);
    const post = (body: unknown) =>
      api('post', `/threads/${conv.thread.id}/messages`, {
        token: conv.visitor.token,
        body: { clientMsgId: unique('b'), body },
      });
    for (const body of ['', '   \n\t ', 'y'.repeat(LIMITS.messageBodyMax + 1), 17]) {
      expectProblem(await post(body), ErrorCode.ValidationFailed);
    }
    expectProblem(
      await api('post', `/threads/${conv.thread.id}/messages`, {
        token: conv.visitor.token,
        body: { clientMsgId: 'has spaces!', body: 'ok' },
      }),
      ErrorCode.ValidationFailed,
    );
    await expectTranscriptUnchanged(before);
    const ok = await post('z'.repeat(LIMITS.messageBodyMax));
    expectStatus(ok, 201);
  });

  it('rejects bad query parameters with VALIDATION_FAILED', async () => {
    const token = adminToken();
    expectProblem(
      await api('get', '/threads', { token, query: { status: 'open' } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(await api('get', '/threads', { token, query: { limit: 0 } }), ErrorCode.ValidationFailed);
    expectProblem(
      await api('get', '/threads', { token, query: { limit: LIMITS.pageSizeMax + 1 } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(
      await api('get', '/threads', { token, query: { assignee: 'someone' } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(await api('get', '/threads', { token, query: { bogus: 1 } }), ErrorCode.ValidationFailed);
    expectProblem(
      await api('get', `/threads/${conv.thread.id}/messages`, { token, query: { afterSeq: -1 } }),
      ErrorCode.ValidationFailed,
    );
  });

  it('answers an unknown route with a 404 NOT_FOUND problem', async () => {
    expectProblem(await api('get', '/no-such-route', { token: adminToken() }), ErrorCode.NotFound);
  });
});

describe('socket bad input', () => {
  it('acks VALIDATION_FAILED to invalid payloads and stores nothing', async () => {
    const before = await listMessages(conv.agent.token, conv.thread.id);
    const socket = await connect(conv.visitor.token);
    const threadId = conv.thread.id;
    const bad: [string, unknown][] = [
      [ClientEvent.MessageSend, { threadId, body: 'no clientMsgId' }],
      [ClientEvent.MessageSend, { threadId, clientMsgId: unique('x'), body: 'extra', authorType: 'agent' }],
      [ClientEvent.MessageSend, { threadId: 'nope', clientMsgId: unique('x'), body: 'bad id' }],
      [ClientEvent.MessageSend, { threadId, clientMsgId: unique('x'), body: '   ' }],
      [
        ClientEvent.MessageSend,
        { threadId, clientMsgId: unique('x'), body: 'y'.repeat(LIMITS.messageBodyMax + 1) },
      ],
      [ClientEvent.MessageSend, { threadId, clientMsgId: 42, body: 'number id' }],
      [ClientEvent.MessageSend, 'just a string'],
      [ClientEvent.MessageSend, null],
      [ClientEvent.MessagesSync, { threadId, afterSeq: -1 }],
      [ClientEvent.MessagesSync, { threadId, afterSeq: '0' }],
      [ClientEvent.Typing, { threadId, isTyping: 'yes' }],
      [ClientEvent.ThreadStart, { visitorId: conv.visitor.visitor.id }],
      [ClientEvent.ThreadClose, { threadId: 12 }],
    ];
    for (const [event, payload] of bad) {
      const ack = await emitRaw(socket, event, payload);
      expectAckError(ack, ErrorCode.ValidationFailed);
    }
    expect(socket.connected).toBe(true);
    await expectTranscriptUnchanged(before);
    expect((await getThread(conv.agent.token, threadId)).status).toBe('active');
  });

  it('acks {ok:false} to an unknown event name', async () => {
    const socket = await connect(conv.visitor.token);
    const ack = (await emitRaw(socket, UNKNOWN_EVENT, {})) as { ok: boolean; error?: { code: unknown } };
    expect(ack.ok).toBe(false);
    expect(ErrorCodeSchema.safeParse(ack.error?.code).success).toBe(true);
    expect(socket.connected).toBe(true);
  });

  it('drops a socket that sends a frame over 32 KiB, keeps running, and stores nothing', async () => {
    const before = await listMessages(conv.agent.token, conv.thread.id);
    const socket = await connect(conv.visitor.token);
    const bystander = await connect(conv.agent.token);
    const dropped = waitForDisconnect(socket);
    const clientMsgId = unique('huge');
    const sent = emitAck(socket, ClientEvent.MessageSend, {
      threadId: conv.thread.id,
      clientMsgId,
      body: 'h'.repeat(LIMITS.socketFrameMaxBytes + 1024),
    });
    await expect(sent).rejects.toThrow();
    await dropped;
    await expectTranscriptUnchanged(before);

    expect(bystander.connected).toBe(true);
    const again = await connect(conv.visitor.token);
    const ack = await emitAck(again, ClientEvent.MessageSend, {
      threadId: conv.thread.id,
      clientMsgId: unique('after'),
      body: 'still here',
    });
    expect(expectAckOk(ack).message.seq).toBe(before.lastSeq + 1);
  });

  it('keeps serving HTTP after all of the above', async () => {
    const res = await http('get', '/api/health/live');
    expectStatus(res, 200);
  });
});
