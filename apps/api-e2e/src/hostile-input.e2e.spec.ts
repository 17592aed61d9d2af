import { ClientEvent, ErrorCode, type Message, type ThreadPage } from '@parley/contracts';
import { activeConversation, adminToken, type Conversation, listMessages, newApiKey, newVisitor, startThread, unique } from './support/actors';
import { api, expectProblem, expectServerAlive, expectStatus, http } from './support/http';
import { closeAllSockets, connect, emitAck, expectAckError, expectAckOk } from './support/sockets';

afterEach(closeAllSockets);
afterEach(expectServerAlive);

const NUL = '\u0000';
const cursor = (raw: string) => Buffer.from(raw).toString('base64url');

let conv: Conversation;

beforeAll(async () => {
  conv = await activeConversation();
});

/**
 * The findings of the hostile-input review, each reproduced exactly as reported. Before, every one
 * of these answered 500 (PostgreSQL refuses U+0000, int4 overflows, casts of unchecked cursors).
 */
describe('a NUL character', () => {
  it('in a message body: 400 over REST and VALIDATION_FAILED over the socket, nothing stored', async () => {
    const before = await listMessages(conv.agent.token, conv.thread.id);
    const rest = await api('post', `/threads/${conv.thread.id}/messages`, {
      token: conv.visitor.token,
      body: { clientMsgId: unique('nul'), body: `a${NUL}b` },
    });
    const problem = expectProblem(rest, ErrorCode.ValidationFailed);
    expect(problem.errors?.map((e) => e.path)).toEqual(['body']);
    const socket = await connect(conv.visitor.token);
    expectAckError(
      await emitAck(socket, ClientEvent.MessageSend, { threadId: conv.thread.id, clientMsgId: unique('nul'), body: `x${NUL}` }),
      ErrorCode.ValidationFailed,
    );
    expect(await listMessages(conv.agent.token, conv.thread.id)).toEqual(before);
  });

  it('in every other text a person can type: visitor name, agent name, API key name, widget title, search', async () => {
    expectProblem(await api('post', '/visitors/session', { body: { name: `V${NUL}`, email: `${unique('v')}@x.test` } }), ErrorCode.ValidationFailed);
    expectProblem(
      await api('post', '/agents', { token: adminToken(), body: { email: `${unique('a')}@x.test`, name: `A${NUL}`, password: 'a-long-password-1' } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(await api('post', '/api-keys', { token: adminToken(), body: { name: `k${NUL}` } }), ErrorCode.ValidationFailed);
    const settings = await api('get', '/widget/settings');
    expectProblem(
      await api('put', '/widget/settings', { token: adminToken(), body: { ...settings.body, title: `T${NUL}` } }),
      ErrorCode.ValidationFailed,
    );
    expectProblem(await api('get', '/threads', { token: adminToken(), query: { q: `a${NUL}b` } }), ErrorCode.ValidationFailed);
  });

  it('mixed into concurrent sends costs the clean ones nothing: all stored, none refused', async () => {
    // A conversation of its own, and fewer sends than the per-visitor rate limit allows at once.
    const mixed = await activeConversation();
    const socket = await connect(mixed.visitor.token);
    const sends = Array.from({ length: 16 }, (_, i) =>
      emitAck(socket, ClientEvent.MessageSend, { threadId: mixed.thread.id, clientMsgId: unique(`mix${i}`), body: i % 4 === 0 ? `bad${NUL}` : `clean ${i}` }),
    );
    const acks = await Promise.all(sends);
    acks.forEach((ack, i) => (i % 4 === 0 ? expectAckError(ack, ErrorCode.ValidationFailed) : expectAckOk(ack)));
    const stored = (await listMessages(mixed.agent.token, mixed.thread.id)).items.filter((m: Message) => m.body.startsWith('clean '));
    expect(stored.map((m) => m.body).sort()).toEqual(acks.flatMap((_, i) => (i % 4 === 0 ? [] : [`clean ${i}`])).sort());
  });
});

describe('numbers and cursors that reach SQL', () => {
  it('afterSeq beyond what the column holds: 400 over REST, VALIDATION_FAILED over the socket', async () => {
    const rest = await api('get', `/threads/${conv.thread.id}/messages`, { token: conv.agent.token, query: { afterSeq: 2147483648 } });
    expectProblem(rest, ErrorCode.ValidationFailed);
    const socket = await connect(conv.agent.token);
    expectAckError(await emitAck(socket, ClientEvent.MessagesSync, { threadId: conv.thread.id, afterSeq: 2 ** 31 }), ErrorCode.ValidationFailed);
    // The largest seq the column holds is still a valid question (nothing after it).
    const top = await api('get', `/threads/${conv.thread.id}/messages`, { token: conv.agent.token, query: { afterSeq: 2147483647 } });
    expectStatus(top, 200);
  });

  it('cursors this API never wrote: a bare number for a time, dashes for an id', async () => {
    const key = await newApiKey();
    for (const raw of ['1|00000000-0000-0000-0000-000000000000', `2026-01-01T00:00:00.000000Z|${'-'.repeat(36)}`, 'a|b|c', '|', '2026-13-45T99:99:99.999999Z|00000000-0000-4000-8000-000000000000']) {
      const res = await api('get', '/threads', { token: key, query: { cursor: cursor(raw) } });
      const problem = expectProblem(res, ErrorCode.ValidationFailed);
      expect(problem.errors?.map((e) => e.path)).toEqual(['cursor']);
    }
    // A cursor the API did write still pages.
    for (let i = 0; i < 2; i++) await startThread((await newVisitor()).token);
    const first = await api('get', '/threads', { token: key, query: { limit: 1 } });
    const next = (first.body as ThreadPage).nextCursor;
    expect(next).not.toBeNull();
    expectStatus(await api('get', '/threads', { token: key, query: { cursor: next ?? '', limit: 1 } }), 200);
  });

  it('a body of zero-width characters only is refused as empty', async () => {
    expectProblem(
      await api('post', `/threads/${conv.thread.id}/messages`, { token: conv.visitor.token, body: { clientMsgId: unique('zw'), body: '\u200b\u200b' } }),
      ErrorCode.ValidationFailed,
    );
  });
});

describe('admin-supplied origins', () => {
  it('refuses an entry that would add a CSP directive or a wildcard, and keeps the CSP as it was', async () => {
    const before = await api('get', '/widget/settings');
    const { title, greetingLines, color } = before.body as { title: string; greetingLines: string[]; color: string };
    const cspBefore = (await http('get', '/widget/')).headers['content-security-policy'];
    for (const origin of ['https://a.com;sandbox', 'https://*.example.com', 'https://a.com/path', 'http://shop.example.com']) {
      const res = await api('put', '/widget/settings', { token: adminToken(), body: { title, greetingLines, color, allowedOrigins: [origin] } });
      const problem = expectProblem(res, ErrorCode.ValidationFailed);
      expect(problem.errors?.map((e) => e.path)).toEqual(['allowedOrigins.0']);
    }
    expect((await http('get', '/widget/')).headers['content-security-policy']).toBe(cspBefore);
    expect((await api('get', '/widget/settings')).body).toEqual(before.body);
  });
});

describe('the smaller findings', () => {
  it('POST /setup after setup is refused before anything else is looked at (even a weak password): 409', async () => {
    const res = await api('post', '/setup', { body: { email: `${unique('s')}@x.test`, name: 'Late', password: 'password1234' } });
    expectProblem(res, ErrorCode.SetupAlreadyDone);
  });

  it('a JSON body sent as text/plain is 415 UNSUPPORTED_MEDIA_TYPE, not a misleading "field undefined"', async () => {
    const res = await api('post', '/auth/login', {
      body: JSON.stringify({ email: 'admin@e2e.test', password: 'whatever-123' }),
      headers: { 'Content-Type': 'text/plain' },
    });
    const problem = expectProblem(res, ErrorCode.UnsupportedMediaType);
    expect(problem.status).toBe(415);
    // A POST without a body still needs no content type.
    const { thread, agent } = await activeConversation();
    expectStatus(await api('post', `/threads/${thread.id}/close`, { token: agent.token }), 200);
  });

  it('message.send with no payload at all is answered (VALIDATION_FAILED), not left hanging', async () => {
    const socket = await connect((await newVisitor()).token);
    const ack = await (socket as unknown as { timeout(ms: number): { emitWithAck(event: string): Promise<unknown> } }).timeout(10_000).emitWithAck(ClientEvent.MessageSend);
    expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.ValidationFailed } });
  });

  it('HEAD / answers like GET /', async () => {
    const get = await http('get', '/');
    const head = await http('head', '/');
    expect(head.status).toBe(get.status);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
  });

  it('a password must be 12+ characters and not guessable, with the reason', async () => {
    const create = (password: string, name = 'Pat Agent') =>
      api('post', '/agents', { token: adminToken(), body: { email: `${unique('p')}@x.test`, name, password } });
    expectProblem(await create('short-pw-1'), ErrorCode.ValidationFailed);
    for (const weak of ['password1234', 'qwertyuiop123', 'iloveyou12345']) {
      const problem = expectProblem(await create(weak), ErrorCode.ValidationFailed);
      expect(problem.errors?.[0]).toMatchObject({ path: 'password', message: expect.stringMatching(/common password|pattern|row of keys/) });
    }
    expectStatus(await create('violet-harbour-drift-42'), 201);
  });
});
