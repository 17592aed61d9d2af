import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientEvent, ErrorCode, LegacyCloseCode, ServerEvent, type Thread } from '@parley/contracts';
import {
  type ApiServer,
  createDatabase,
  dropDatabase,
  eventually,
  freePort,
  startApiServer,
  type TestDatabase,
  WORKSPACE_ROOT,
} from '@parley/test-support';
import { newVisitor, unique } from './support/actors';
import { DATABASE_PREFIX, PG } from './support/database';
import { api, expectProblem, expectStatus } from './support/http';
import { closeAllRaw, openRaw } from './support/raw';
import {
  closeAllSockets,
  connect,
  connectRefused,
  emitAck,
  expectAckError,
  expectAckOk,
  EVENT_MS,
  record,
  waitForDisconnect,
} from './support/sockets';
import { e2e, useServer } from './support/state';

/**
 * The abuse findings replayed against a server of its own, so that its per-address counters start
 * at zero (the suite's shared server raises those: every test connects from 127.0.0.1). Per-principal
 * and handshake limits are the defaults; only the per-connection refusal cut-off is stated, so the
 * flood below and the burst before it fall on either side of it.
 */
const REFUSALS_BEFORE_CLOSE = 2500;
const DEFAULTS = { messageSend: 20, threadStart: 5, handshakeFailed: 30 };
/** Requests per API key on this server, small enough to use up. */
const API_KEY_LIMIT = 5;

let server: ApiServer | undefined;
let database: TestDatabase | undefined;
let tempDir = '';
let adminToken = '';

beforeAll(async () => {
  const shared = e2e();
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-limits-'));
  if (shared.backend === 'postgres') database = await createDatabase(DATABASE_PREFIX, PG);
  const env: Record<string, string> = {
    PORT: String(await freePort()),
    PGLITE_DATA_DIR: path.join(tempDir, 'pglite'),
    JWT_SECRET: shared.jwtSecret,
    ALLOWED_ORIGINS: shared.allowedOrigin,
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    NODE_ENV: 'test',
    SOCKET_RATE_REFUSALS: `${REFUSALS_BEFORE_CLOSE}/1m`,
    API_KEY_RATE_LIMIT: `${API_KEY_LIMIT}/1m`,
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  server = await startApiServer({
    env,
    unset: ['DATABASE_URL', 'REDIS_URL'],
    logFile: path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-limits-${shared.backend}.log`),
    tailChars: 20_000,
  });
  const admin = { email: 'limits@e2e.test', name: 'Limits Admin', password: 'e2e-admin-password-1' };
  useServer(server.url, shared.admin);
  const setup = await api('post', '/setup', { body: admin });
  expectStatus(setup, 201);
  const body = setup.body as { token: string; agent: { id: string } };
  adminToken = body.token;
  useServer(server.url, { ...admin, id: body.agent.id, token: body.token });
});

afterAll(async () => {
  await closeAllSockets();
  await closeAllRaw();
  if (server) await server.proc.stop();
  if (database) await dropDatabase(database.name, PG).catch(() => undefined);
  rmSync(tempDir, { recursive: true, force: true });
});

async function startThread(token: string): Promise<Thread> {
  const socket = await connect(token);
  return expectAckOk(await emitAck(socket, ClientEvent.ThreadStart, {})).thread;
}

describe('socket rate limits', () => {
  it('2,000 sends back to back from one visitor: the first are stored, the rest refused with RATE_LIMITED and retryAfterMs, and the connection stays up', async () => {
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const socket = await connect(visitor.token);
    const ids = Array.from({ length: 2000 }, () => unique('flood'));
    const acks = await Promise.all(
      ids.map((clientMsgId, i) => emitAck(socket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId, body: `m${i}` })),
    );
    const accepted = ids.filter((_, i) => acks[i].ok);
    const refused = acks.filter((a) => !a.ok);
    expect(accepted).toHaveLength(DEFAULTS.messageSend);
    expect(refused).toHaveLength(2000 - DEFAULTS.messageSend);
    for (const ack of refused) {
      const failure = expectAckError(ack, ErrorCode.RateLimited);
      expect(failure.error.retryAfterMs).toBeGreaterThan(0);
      expect(failure.error.retryAfterMs).toBeLessThanOrEqual(10_000);
    }
    // Nothing of the refused ones is stored: the thread holds exactly the accepted messages.
    const page = expectAckOk(await emitAck(socket, ClientEvent.MessagesSync, { threadId: thread.id, afterSeq: 0 }));
    expect(page.items.map((m) => m.clientMsgId).sort()).toEqual([...accepted].sort());
    expect(page.lastSeq).toBe(DEFAULTS.messageSend);
    // Still connected, and other kinds of request still answered.
    expect(socket.connected).toBe(true);
    expectAckOk(await emitAck(socket, ClientEvent.Typing, { threadId: thread.id, isTyping: true }));
  });

  it('the raw WebSocket endpoint has the same allowance: 200 frames back to back store the first, refuse the rest RATE_LIMITED, and the connection stays up', async () => {
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    const ids = Array.from({ length: 200 }, (_, i) => `raw-flood-${i}`);
    for (const [i, clientMsgId] of ids.entries()) raw.send({ message: `r${i}`, clientMsgId });
    // Every frame is answered: an ack when stored, an error frame when refused.
    const answers = await Promise.all(
      ids.map((id) => Promise.race([raw.next('ack', (f) => f.clientMsgId === id), raw.next('error', (f) => f.clientMsgId === id)])),
    );
    const accepted = answers.filter((f) => f.type === 'ack');
    const refused = answers.filter((f) => f.type === 'error');
    expect(accepted).toHaveLength(DEFAULTS.messageSend);
    expect(refused).toHaveLength(200 - DEFAULTS.messageSend);
    for (const f of refused) expect(f).toMatchObject({ code: ErrorCode.RateLimited, retryAfterMs: expect.any(Number) });
    raw.send({ type: 'sync', afterSeq: 0 });
    expect((await raw.next('synced')).lastSeq).toBe(DEFAULTS.messageSend);
    const stored = raw.frames.filter((f) => f.type === 'chat').map((f) => (f.type === 'chat' ? f.clientMsgId : null));
    expect(new Set(stored)).toEqual(new Set(accepted.map((f) => (f.type === 'ack' ? f.clientMsgId : null))));
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
  });

  it('a connection that keeps sending while refused is closed', async () => {
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const socket = await connect(visitor.token);
    const closed = waitForDisconnect(socket, 60_000);
    const flood = Array.from({ length: DEFAULTS.messageSend + REFUSALS_BEFORE_CLOSE + 50 }, (_, i) =>
      emitAck(socket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: unique('hammer'), body: `h${i}` }).catch(() => null),
    );
    expect(await closed).toBe('io server disconnect');
    await Promise.all(flood);
  });

  it('a raw connection that keeps sending while refused is closed with 4429', async () => {
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    for (let i = 0; i < DEFAULTS.messageSend + REFUSALS_BEFORE_CLOSE + 50; i++) raw.send({ message: `h${i}` });
    expect((await raw.closed).code).toBe(LegacyCloseCode.RateLimited);
  });

  it('50 thread.start + thread.close cycles: only the allowance of starts goes through, and agents hear only those', async () => {
    const agent = await connect(adminToken);
    const visitor = await newVisitor();
    const created = record(agent, ServerEvent.ThreadCreated);
    const socket = await connect(visitor.token);
    let started = 0;
    let limited = 0;
    for (let i = 0; i < 50; i++) {
      const ack = await emitAck(socket, ClientEvent.ThreadStart, {});
      if (!ack.ok) {
        expect(expectAckError(ack, ErrorCode.RateLimited).error.retryAfterMs).toBeGreaterThan(0);
        limited++;
        continue;
      }
      started++;
      expectAckOk(await emitAck(socket, ClientEvent.ThreadClose, { threadId: ack.thread.id }));
    }
    expect({ started, limited }).toEqual({ started: DEFAULTS.threadStart, limited: 50 - DEFAULTS.threadStart });
    // Each accepted start is broadcast; the store is the record of how many there were.
    const ofVisitor = () => created.events.filter((t) => t.visitor.id === visitor.visitor.id);
    await eventually(() => expect(ofVisitor()).toHaveLength(DEFAULTS.threadStart), EVENT_MS, 20);
    const threads = await api('get', '/threads', { token: adminToken, query: { q: visitor.visitor.email, limit: 100 } });
    expectStatus(threads, 200);
    expect((threads.body as { items: Thread[] }).items).toHaveLength(DEFAULTS.threadStart);
    expect(socket.connected).toBe(true);
  });

  // Last: it blocks this address for every handshake until its window ends.
  it('bad-token handshakes from one address are refused with RATE_LIMITED after the allowance, and then so is a good one', async () => {
    const codes: string[] = [];
    let data: { code?: string; retryAfterMs?: number } | undefined;
    for (let i = 0; i < 100; i++) {
      const err = await connectRefused(`bad-token-${i}`);
      codes.push(err.message);
      if (err.message === ErrorCode.RateLimited) data = (err as Error & { data?: typeof data }).data;
    }
    expect(codes.slice(0, DEFAULTS.handshakeFailed)).toEqual(Array(DEFAULTS.handshakeFailed).fill(ErrorCode.Unauthenticated));
    expect(codes.slice(DEFAULTS.handshakeFailed)).toEqual(Array(100 - DEFAULTS.handshakeFailed).fill(ErrorCode.RateLimited));
    expect(data).toEqual({ code: ErrorCode.RateLimited, message: expect.any(String), retryAfterMs: expect.any(Number) });
    const visitor = await newVisitor();
    expect((await connectRefused(visitor.token)).message).toBe(ErrorCode.RateLimited);
  });
});

describe('API key rate limits', () => {
  async function key(): Promise<string> {
    const res = await api('post', '/api-keys', { token: adminToken, body: { name: unique('limited') } });
    expectStatus(res, 201);
    return (res.body as { key: string }).key;
  }
  const header = (res: { headers: Record<string, string | undefined> }, name: string) => Number(res.headers[name.toLowerCase()]);

  it('every answer carries RateLimit-Limit, -Remaining and -Reset; past the limit 429 RATE_LIMITED with Retry-After, and another key keeps its own allowance', async () => {
    const limited = await key();
    for (let i = 1; i <= API_KEY_LIMIT; i += 1) {
      const res = await api('get', '/threads', { token: limited });
      expectStatus(res, 200);
      expect(header(res, 'RateLimit-Limit')).toBe(API_KEY_LIMIT);
      expect(header(res, 'RateLimit-Remaining')).toBe(API_KEY_LIMIT - i);
      expect(header(res, 'RateLimit-Reset')).toBeGreaterThanOrEqual(0);
      expect(header(res, 'RateLimit-Reset')).toBeLessThanOrEqual(60);
    }
    const refused = await api('get', '/threads', { token: limited });
    expectProblem(refused, ErrorCode.RateLimited);
    expect(header(refused, 'Retry-After')).toBeGreaterThanOrEqual(1);
    expect(header(refused, 'Retry-After')).toBeLessThanOrEqual(60);
    expect(header(refused, 'RateLimit-Remaining')).toBe(0);
    // Every route counts, and a refused key is refused everywhere.
    expectProblem(await api('get', '/agents', { token: limited }), ErrorCode.RateLimited);

    const other = await key();
    const res = await api('get', '/threads', { token: other });
    expectStatus(res, 200);
    expect(header(res, 'RateLimit-Remaining')).toBe(API_KEY_LIMIT - 1);
    // Agents are not counted per key: the admin goes on.
    expectStatus(await api('get', '/agents', { token: adminToken }), 200);
  });
});
