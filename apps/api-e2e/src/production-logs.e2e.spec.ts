import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientEvent, CreatedApiKeySchema } from '@parley/contracts';
import {
  type ApiServer,
  createDatabase,
  dropDatabase,
  freePort,
  startApiServer,
  type TestDatabase,
  until,
  WORKSPACE_ROOT,
} from '@parley/test-support';
import type { Response } from 'supertest';
import { newVisitor, startThread, unique } from './support/actors';
import { DATABASE_PREFIX, PG } from './support/database';
import { api, expectStatus, http } from './support/http';
import { closeAllRaw, openRaw } from './support/raw';
import { closeAllSockets, connect, emitAck } from './support/sockets';
import { e2e, useServer } from './support/state';

/**
 * A server of its own in production mode at `info`, whose whole output is read back: one JSON line
 * per request with its id, route pattern, status, duration and caller, and no secret anywhere.
 */
let server: ApiServer | undefined;
let database: TestDatabase | undefined;
let tempDir = '';
let logFile = '';

interface LogLine {
  reqId?: string;
  method?: string;
  route?: string;
  status?: number;
  durationMs?: number;
  principal?: { kind: string; id: string };
  [key: string]: unknown;
}

beforeAll(async () => {
  const shared = e2e();
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-logs-'));
  if (shared.backend === 'postgres') database = await createDatabase(DATABASE_PREFIX, PG);
  logFile = path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-logs-${shared.backend}.log`);
  server = await startApiServer({
    env: {
      PORT: String(await freePort()),
      PGLITE_DATA_DIR: path.join(tempDir, 'pglite'),
      JWT_SECRET: shared.jwtSecret,
      ALLOWED_ORIGINS: shared.allowedOrigin,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ...(database ? { DATABASE_URL: database.url } : {}),
    },
    unset: ['DATABASE_URL', 'REDIS_URL'],
    logFile,
    tailChars: 20_000,
  });
});

afterAll(async () => {
  await closeAllSockets();
  await closeAllRaw();
  if (server) await server.proc.stop();
  if (database) await dropDatabase(database.name, PG).catch(() => undefined);
  rmSync(tempDir, { recursive: true, force: true });
});

function logLines(): LogLine[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        throw new Error(`a production log line that is not JSON: ${l}`);
      }
    });
}

function idOf(res: Response): string {
  const id = res.headers['x-request-id'];
  expect(typeof id).toBe('string');
  return id as string;
}

describe('production logs', () => {
  it('one JSON line per request with id, route pattern, status, duration and caller, and no secret anywhere', async () => {
    if (!server) throw new Error('no server');
    const password = `pw-${unique('secret')}-Xq9!`;
    const wrongPassword = `wrong-${unique('secret')}-Zr7!`;
    const admin = { email: `${unique('logs')}@e2e.test`, name: 'Logs Admin', password };
    useServer(server.url, e2e().admin);

    const setup = await api('post', '/setup', { body: admin });
    expectStatus(setup, 201);
    const login = await api('post', '/auth/login', { body: { email: admin.email, password } });
    expectStatus(login, 200);
    const { token, agent } = login.body as { token: string; agent: { id: string } };
    const failed = await api('post', '/auth/login', { body: { email: admin.email, password: wrongPassword } });
    expect(failed.status).toBe(401);
    const me = await api('get', '/agents/me', { token });
    expectStatus(me, 200);
    const created = await api('post', '/api-keys', { token, body: { name: unique('logs-key') } });
    expectStatus(created, 201);
    const key = CreatedApiKeySchema.parse(created.body);
    const byKey = await api('get', '/agents', { token: key.key });
    expectStatus(byKey, 200);
    // The raw WebSocket endpoint's URL fetched as plain HTTP, its `?token=` with it.
    const queryToken = `qt-${unique('secret')}`;
    const raw = await http('get', `/ws/support/${unique('t')}/?token=${queryToken}`);
    // A visitor's token as a cookie and an X-Api-Key header: neither may show up either.
    const cookie = `session-${unique('secret')}`;
    const headerKey = `hk-${unique('secret')}`;
    const withHeaders = await http('get', '/api/v1/agents/me', { token, headers: { cookie: `parley=${cookie}`, 'x-api-key': headerKey } });
    expectStatus(withHeaders, 200);

    const requests: Array<{ res: Response; method: string; route: RegExp; principal?: { kind: string; id: string } }> = [
      { res: setup, method: 'POST', route: /^\/api\/v1\/setup$/ },
      { res: login, method: 'POST', route: /^\/api\/v1\/auth\/login$/ },
      { res: failed, method: 'POST', route: /^\/api\/v1\/auth\/login$/ },
      { res: me, method: 'GET', route: /^\/api\/v1\/agents\/me$/, principal: { kind: 'agent', id: agent.id } },
      { res: created, method: 'POST', route: /^\/api\/v1\/api-keys$/, principal: { kind: 'agent', id: agent.id } },
      { res: byKey, method: 'GET', route: /^\/api\/v1\/agents$/, principal: { kind: 'apiKey', id: key.id } },
      // Only the clients' catch-all matched: the path alone, never the query.
      { res: raw, method: 'GET', route: /^\/ws\/support\/[^?]+$/ },
      { res: withHeaders, method: 'GET', route: /^\/api\/v1\/agents\/me$/, principal: { kind: 'agent', id: agent.id } },
    ];
    const ids = requests.map((r) => idOf(r.res));
    expect(new Set(ids).size).toBe(ids.length);

    // Lines are written as responses finish: wait until every request has its line.
    await until('a log line for every request', () => {
      const seen = new Set(logLines().map((l) => l.reqId));
      return ids.every((id) => seen.has(id));
    }, 15_000);

    const lines = logLines();
    for (const [i, r] of requests.entries()) {
      const mine = lines.filter((l) => l.reqId === ids[i]);
      // Exactly one line: the completed request, not one when it arrives and one when it ends.
      expect(mine).toHaveLength(1);
      const line = mine[0];
      expect(line).toMatchObject({ level: 30, method: r.method, status: r.res.status });
      expect(line.route).toMatch(r.route);
      expect(typeof line.durationMs).toBe('number');
      if (r.principal) expect(line.principal).toEqual(r.principal);
      else expect(line.principal).toBeUndefined();
      // No header dump, no request or response object.
      expect(line).not.toHaveProperty('req');
      expect(line).not.toHaveProperty('res');
      expect(line).not.toHaveProperty('headers');
    }

    // A socket: ten events, then it closes. One line for it, when it closes, none per event.
    const socket = await connect(token);
    // Syncs of a thread that is not there: each answered (an error ack), each an event of the socket.
    for (let i = 0; i < 10; i += 1) {
      const ack = await emitAck(socket, ClientEvent.MessagesSync, { threadId: randomUUID(), afterSeq: 0 });
      expect(ack.ok).toBe(false);
    }
    socket.disconnect();
    const closed = await until('the socket\'s summary line', () => {
      const found = logLines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith(`socket closed: agent:${agent.id} `));
      return found.length > 0 ? found : false;
    }, 15_000);
    expect(closed).toHaveLength(1);
    expect(closed[0].msg).toMatch(/ 10 event\(s\), /);
    expect(closed[0].level).toBe(30);

    // The raw WebSocket endpoint, its token in `?token=` of the upgrade: one line when it closes.
    const visitor = await newVisitor();
    const thread = await startThread(visitor.token);
    const rawSocket = await openRaw(thread.id, visitor.token);
    await rawSocket.next('connection_established');
    rawSocket.send({ type: 'sync', afterSeq: 0 });
    await rawSocket.next('synced');
    await rawSocket.close();
    const rawClosed = await until('the raw socket\'s summary line', () => {
      const found = logLines().filter((l) => typeof l.msg === 'string' && l.msg.startsWith(`raw socket closed: visitor:${visitor.visitor.id} `));
      return found.length > 0 ? found : false;
    }, 15_000);
    expect(rawClosed).toHaveLength(1);
    expect(rawClosed[0].msg).toMatch(/ 1 frame\(s\), code 1005$/);

    const text = readFileSync(logFile, 'utf8');
    for (const secret of [password, wrongPassword, token, key.key, queryToken, cookie, headerKey, visitor.token, e2e().jwtSecret]) {
      expect(text).not.toContain(secret);
    }
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});
