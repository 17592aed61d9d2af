import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientEvent, ErrorCode, type Thread } from '@parley/contracts';
import { type ApiServer, createDatabase, dropDatabase, freePort, startApiServer, type TestDatabase, until, WORKSPACE_ROOT } from '@parley/test-support';
import { newAgent, newVisitor, postMessage, unique } from './support/actors';
import { DATABASE_PREFIX, PG } from './support/database';
import { api, call, expectProblem, expectStatus } from './support/http';
import { closeAllRaw, openRaw } from './support/raw';
import { closeAllSockets, connect, emitAck, expectAckError, expectAckOk } from './support/sockets';
import { e2e, useServer } from './support/state';

/**
 * `/metrics` after a scripted conversation, on a server of its own so that every count starts at
 * zero: what Prometheus would scrape, read as Prometheus reads it.
 */
const TOKEN = `metrics-${'x'.repeat(24)}`;
const TYPING_LIMIT = 2;
const WAIT_MS = 15_000;

let server: ApiServer | undefined;
let database: TestDatabase | undefined;
let tempDir = '';
let metricsPort = 0;
let withRedis = false;
let sharedUrl = '';

beforeAll(async () => {
  const shared = e2e();
  sharedUrl = shared.baseUrl;
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-metrics-'));
  if (shared.backend === 'postgres') database = await createDatabase(DATABASE_PREFIX, PG);
  // On the PostgreSQL run the server also has Redis, as a multi-node deployment would.
  withRedis = shared.backend === 'postgres';
  metricsPort = await freePort();
  const env: Record<string, string> = {
    PORT: String(await freePort()),
    PGLITE_DATA_DIR: path.join(tempDir, 'pglite'),
    JWT_SECRET: shared.jwtSecret,
    ALLOWED_ORIGINS: shared.allowedOrigin,
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    NODE_ENV: 'test',
    METRICS_TOKEN: TOKEN,
    METRICS_PORT: String(metricsPort),
    SOCKET_RATE_TYPING: `${TYPING_LIMIT}/1m`,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...(withRedis ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
  };
  server = await startApiServer({
    env,
    unset: ['DATABASE_URL', 'REDIS_URL'],
    logFile: path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-metrics-${shared.backend}.log`),
    tailChars: 20_000,
  });
  const admin = { email: 'metrics@e2e.test', name: 'Metrics Admin', password: 'e2e-admin-password-1' };
  useServer(server.url, shared.admin);
  const setup = await api('post', '/setup', { body: admin });
  expectStatus(setup, 201);
  const body = setup.body as { token: string; agent: { id: string } };
  useServer(server.url, { ...admin, id: body.agent.id, token: body.token });
});

afterAll(async () => {
  await closeAllSockets();
  await closeAllRaw();
  if (server) await server.proc.stop();
  if (database) await dropDatabase(database.name, PG).catch(() => undefined);
  rmSync(tempDir, { recursive: true, force: true });
});

/** Samples by name and labels, e.g. `parley_messages_stored_total{author="visitor"}` (labels sorted). */
type Samples = Map<string, number>;

/** Prometheus's text exposition format, as far as a scraper needs it: `name{labels} value` lines. */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = m[2] ? [...m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`).sort() : [];
    samples.set(`${m[1]}${labels.length ? `{${labels.join(',')}}` : ''}`, Number(m[3]));
  }
  return samples;
}

async function scrape(): Promise<Samples> {
  const res = await fetch(`${server?.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return parse(await res.text());
}

const value = (s: Samples, key: string) => s.get(key) ?? 0;

/** Scrapes until `check` holds (gauges read from the database are cached for a few seconds; some counts land just after the ack). */
function scrapeUntil(what: string, check: (s: Samples) => boolean): Promise<Samples> {
  return until(what, async () => {
    const s = await scrape();
    return check(s) ? s : undefined;
  }, WAIT_MS, 200);
}

describe('metrics', () => {
  it('asks for its token on the main port, serves the same without one on its own port, and is off where no token is set', async () => {
    const none = await call('get /metrics');
    expect(none.status).toBe(401);
    expectProblem(none, ErrorCode.Unauthenticated);
    const wrong = await fetch(`${server?.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}-not` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const ok = await fetch(`${server?.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const main = parse(await ok.text());

    const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(own.status).toBe(200);
    const separate = parse(await own.text());
    expect([...separate.keys()].filter((k) => k.startsWith('parley_')).sort()).toEqual([...main.keys()].filter((k) => k.startsWith('parley_')).sort());
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);

    // The suite's shared server has no METRICS_TOKEN: nothing is served there.
    const off = await fetch(`${sharedUrl}/metrics`);
    expect(off.status).toBe(404);
    expect(((await off.json()) as { code: string }).code).toBe(ErrorCode.NotFound);
  });

  it('serves every metric the Grafana dashboard in docker/ draws', async () => {
    const dashboard = JSON.parse(readFileSync(path.join(WORKSPACE_ROOT, 'docker/grafana/dashboards/parley.json'), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\b((?:parley|process|nodejs)_\w+)/g)].map((m) => m[1]))));
    expect(used.size).toBeGreaterThan(10);
    const served = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
    // Histograms are declared once (`# TYPE name histogram`) and served as name_bucket, _sum and _count.
    const declared = new Set([...served.matchAll(/^# TYPE (\w+) (\w+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
    // The Redis gauge exists only with REDIS_URL (the PostgreSQL run).
    const missing = [...used].filter((name) => !declared.has(name) && !(name === 'parley_redis_connected' && !withRedis));
    expect(missing).toEqual([]);
  });

  it('counts a scripted conversation: sockets, messages, acks, batches, fan-out, queue, first response, refusals', async () => {
    const visitor = await newVisitor('Metra Visitor');
    const agent = await newAgent('agent', 'Metro Agent');
    const vSocket = await connect(visitor.token);
    const aSocket = await connect(agent.token);
    const before = await scrape();
    expect(value(before, 'parley_sockets_connected{kind="visitor",protocol="socket.io"}')).toBe(1);
    expect(value(before, 'parley_sockets_connected{kind="agent",protocol="socket.io"}')).toBe(1);

    const thread: Thread = expectAckOk(await emitAck(vSocket, ClientEvent.ThreadStart, {})).thread;
    const raw = await openRaw(thread.id, visitor.token);
    await raw.next('connection_established');
    await scrapeUntil('the queue shows the new thread', (s) => value(s, 'parley_queue_threads') === 1 && value(s, 'parley_sockets_connected{kind="visitor",protocol="raw"}') === 1);

    // Three messages, one resent (stored once), one to a thread that does not exist.
    const ids = [unique('m'), unique('m'), unique('m')];
    for (const [i, clientMsgId] of ids.entries()) expectAckOk(await emitAck(vSocket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId, body: `hello ${i}` }));
    expectAckOk(await emitAck(vSocket, ClientEvent.MessageSend, { threadId: thread.id, clientMsgId: ids[0], body: 'hello 0' }));
    expectAckError(await emitAck(vSocket, ClientEvent.MessageSend, { threadId: '00000000-0000-4000-8000-000000000000', clientMsgId: unique('m'), body: 'lost' }), ErrorCode.ThreadNotFound);

    expectStatus(await call('post /threads/{id}/claim', { params: { id: thread.id }, token: agent.token }), 200);
    await postMessage(agent.token, thread.id, 'Hi, how can I help?');
    await postMessage(agent.token, thread.id, 'Still there?');

    // Typing past its limit: refused and counted.
    for (let i = 0; i < TYPING_LIMIT; i++) expectAckOk(await emitAck(aSocket, ClientEvent.Typing, { threadId: thread.id, isTyping: true }));
    expectAckError(await emitAck(aSocket, ClientEvent.Typing, { threadId: thread.id, isTyping: true }), ErrorCode.RateLimited);

    const s = await scrapeUntil('the claim and the first response are counted', (x) => value(x, 'parley_queue_threads') === 0 && value(x, 'parley_first_response_seconds_count') === 1);
    expect(value(s, 'parley_messages_stored_total{author="visitor"}')).toBe(3);
    expect(value(s, 'parley_messages_stored_total{author="agent"}')).toBe(2);
    expect(value(s, 'parley_socket_event_seconds_count{event="message.send",outcome="ok"}')).toBe(4);
    expect(value(s, 'parley_socket_event_seconds_count{event="message.send",outcome="THREAD_NOT_FOUND"}')).toBe(1);
    expect(value(s, 'parley_socket_event_seconds_count{event="thread.start",outcome="ok"}')).toBe(1);
    expect(value(s, 'parley_socket_event_seconds_count{event="typing.set",outcome="ok"}')).toBe(TYPING_LIMIT);
    expect(value(s, 'parley_rate_limited_total{limit="socket_typing"}')).toBe(1);
    // Every stored message went through a batch and was broadcast once; the refused one reached no batch's result.
    expect(value(s, 'parley_message_fanout_seconds_count')).toBe(5);
    expect(value(s, 'parley_message_write_batch_size_sum')).toBe(7);
    expect(value(s, 'parley_message_write_wait_seconds_count')).toBe(7);
    expect(value(s, 'parley_queue_wait_seconds_count')).toBe(1);
    expect(value(s, 'parley_queue_oldest_wait_seconds')).toBe(0);
    expect(value(s, 'parley_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(s.get('parley_webhook_pending_deliveries')).toBe(0);
    expect(s.has('process_cpu_user_seconds_total')).toBe(true);
    expect(s.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
    if (withRedis) expect(value(s, 'parley_redis_connected')).toBe(1);
    else expect(s.has('parley_redis_connected')).toBe(false);

    await raw.close();
    vSocket.disconnect();
    await scrapeUntil('closed connections leave the gauges', (x) => value(x, 'parley_sockets_connected{kind="visitor",protocol="socket.io"}') === 0 && value(x, 'parley_sockets_connected{kind="visitor",protocol="raw"}') === 0);
  });
});
