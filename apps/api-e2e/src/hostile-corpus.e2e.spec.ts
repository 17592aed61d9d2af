import {
  NoteSendPayloadSchema,
  NotesSyncPayloadSchema,
  API_PREFIX,
  type Caller,
  ClientEvent,
  type ClientEventName,
  ERROR_HTTP_STATUS,
  ErrorCode,
  ErrorCodeSchema,
  MessageSendPayloadSchema,
  MessagesSyncPayloadSchema,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  REST_ROUTE_LIST,
  type RestRoute,
  restRouteKey,
  ThreadRefPayloadSchema,
  ThreadStartPayloadSchema,
  ThreadReadPayloadSchema,
  TypingPayloadSchema,
  VisitorPagePayloadSchema,
} from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { z } from 'zod';
import {
  activeConversation,
  adminToken,
  type Conversation,
  getThread,
  newAgent,
  newApiKey,
  newVisitor,
  startThread,
  unique,
} from './support/actors';
import { api, expectServerAlive, expectStatus, http, type Method } from './support/http';
import { type ClientSocket, closeAllSockets, connect, emitRaw } from './support/sockets';

/**
 * A corpus of hostile input for every route of the contracts' table and every client event, made
 * by walking their zod schemas: whatever a client sends, the server answers with a stable code
 * (never a 500 or an INTERNAL ack), stays up, and stores nothing it refused. The cases are random
 * but reproducible: the seed is fixed (CORPUS_SEED overrides it) and printed.
 */

const SEED = Number(process.env.CORPUS_SEED ?? 11_2026);
// Enough cases to cover every kind of leaf a few times per route without making the suite slow.
const RUNS = Number(process.env.CORPUS_RUNS ?? 20);
// Shrinking replays requests against a server whose state has moved on: the first failure is
// reported as it was found, with the seed and path that replay it.
const FC_PARAMS = { seed: SEED, numRuns: RUNS, endOnFailure: true } as const;

/** Sent as it is, not percent-encoded: a URL no client library would build (bad escapes, invalid UTF-8). */
class Raw {
  constructor(readonly text: string) {}
}
type UrlPiece = string | Raw;

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser would send it). */
function encodePiece(piece: UrlPiece): string {
  if (piece instanceof Raw) return piece.text;
  return [...Buffer.from(piece, 'utf8')]
    .map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const NASTY_CHARS = [
  '\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f', '\r', '\n', '\t',
  '\ud800', '\udbff', '\udc00', '\udfff',
  '\u202e', '\u202d', '\u2066', '\u2069', '\u061c', '\u200e',
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u034f', '\u3164', '\u2800',
  '\ufffd', '\uffff', '%', '"', "'", '\\', '/', '|', '<', '{',
];
const NASTY_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u0000'.repeat(64), '\u202eevil\u202c', '\u200b\u200b', '\ud800', 'x\udc00y', '\udfff\ud800',
  '\r\n', 'null', 'undefined', 'NaN', 'Infinity', '-Infinity', '-1', '1e999', '0x7fffffff', '2147483648', '9007199254740993',
  '../../etc/passwd', '%00', '%ED%A0%80', "' OR 1=1 --", '$where', '{"$gt":""}', '<script>alert(1)</script>',
  'e\u0301\u0301\u0301', '🧨🧨', '\u{10FFFF}',
];
const NUMBERISH = [2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -1, -(2 ** 31), -(2 ** 53), 0, -0, 0.5, 1e308, -1e308, Number.MIN_VALUE, Number.MAX_VALUE];
const NUMBERISH_TEXT = ['NaN', 'Infinity', '-Infinity', '1e999', '', ' 1', '1 ', '0x10', '1_000', '01', '+1', '1.0', '1e3', '2147483648', '9007199254740993', '-0', 'null', 'true', '[]'];
const WRONG_TYPES: unknown[] = [null, true, false, 0, 1, -1, 'text', [], {}, [null], [[]], { a: {} }, [1, 'a', null], '\u0000'];

const nastyChar = fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)));
/**
 * Long enough to pass every limit, within what each transport carries to the application: a socket
 * frame stays below the server's frame limit (a larger one closes the connection), and a URL within
 * Node's 16 KB header limit (its HTTP parser answers a longer one with a bare 431 before any route).
 */
function longStrings(transport: Transport): fc.Arbitrary<string> {
  if (transport === 'url') return fc.constantFrom('a'.repeat(4001), '\u0000'.repeat(300), '🧨'.repeat(201), '\u200b'.repeat(300));
  const rest = transport === 'rest';
  return fc.constantFrom(
    'a'.repeat(4001),
    'a'.repeat(rest ? 20_000 : 6000),
    '\u0000'.repeat(rest ? 5000 : 1000),
    '🧨'.repeat(2001),
    '\u200b'.repeat(rest ? 5000 : 2000),
    ...(rest ? ['x'.repeat(70_000)] : []),
  );
}
function hostileString(transport: Transport): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.array(nastyChar, { minLength: 1, maxLength: 12 }), fc.string({ maxLength: 8 })).map(([a, b, c]) => a + b.join('') + c) },
    { weight: 1, arbitrary: longStrings(transport) },
  );
}
const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(...NUMBERISH), fc.constantFrom(...NUMBERISH_TEXT), fc.double());
const wrongType: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(...WRONG_TYPES), fc.jsonValue({ maxDepth: 3 }));

/** Ids that are not uuids, uuids of nothing, and the real ids of the run (so the input reaches past the lookup). */
function hostileId(real: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: real.length > 0 ? fc.constantFrom(...real) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'not-a-uuid', '1', '-1', '0', '2147483648',
        '00000000-0000-4000-8000-00000000000', '00000000-0000-4000-8000-0000000000000', '{00000000-0000-4000-8000-000000000000}',
        '00000000000040008000000000000000', '00000000-0000-4000-8000-00000000000\u0000', 'g0000000-0000-4000-8000-000000000000',
        ' 00000000-0000-4000-8000-000000000000', 'me', 'none', '..', 'null',
      ),
    },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
    { weight: 2, arbitrary: hostileString('url') },
  );
}

/** Cursors this API never wrote: base64url of odd content, and text that is not base64url at all. */
const cursorArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .constantFrom(
      '', '|', 'a|b|c', '1|00000000-0000-0000-0000-000000000000', `2026-01-01T00:00:00.000000Z|${'-'.repeat(36)}`,
      '2026-13-45T99:99:99.999999Z|00000000-0000-4000-8000-000000000000', '\u0000|\u0000', '9999-12-31T23:59:59.999999Z|ffffffff-ffff-ffff-ffff-ffffffffffff',
      '-infinity|00000000-0000-4000-8000-000000000000', "1'; DROP TABLE threads; --|x", '{"t":1}',
    )
    .map((raw) => Buffer.from(raw).toString('base64url')),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('base64url')),
  fc.constantFrom('==', 'a=', '!!', 'a'.repeat(201), 'a b', '%00'),
);

// ---------------------------------------------------------------------------------------------
// Values derived from a schema

/** Where a value travels: a JSON body, a socket frame, or a URL (path or query). */
type Transport = 'rest' | 'socket' | 'url';

interface Ids {
  thread: readonly string[];
  agent: readonly string[];
  apiKey: readonly string[];
}

interface Walk {
  transport: Transport;
  ids: Ids;
  /** The id kind a path parameter `id` names on this route. */
  idKind: keyof Ids;
}

const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'prototype', 'id', 'role', 'authorType', 'status', 'createdAt', 'ok', '', '\u0000'];

function idsFor(key: string, walk: Walk): readonly string[] {
  if (key === 'threadId') return walk.ids.thread;
  if (key === 'agentId' || key === 'assignee') return walk.ids.agent;
  if (key === 'id') return walk.ids[walk.idKind];
  return [];
}

function withExtraKeys(obj: Record<string, unknown>, extras: Array<[string, unknown]>): Record<string, unknown> {
  // defineProperty, so that "__proto__" travels as a key rather than setting the prototype.
  for (const [k, v] of extras) Object.defineProperty(obj, k, { value: v, enumerable: true, configurable: true, writable: true });
  return obj;
}

/** Plausible values of a leaf, so that a case can be valid in all but one field. */
function validish(schema: z.ZodType, key: string, walk: Walk): fc.Arbitrary<unknown> {
  const def = schema.def;
  if (def.type === 'string') {
    const format = (schema as unknown as { format?: string | null }).format;
    if (format === 'uuid') return fc.oneof(fc.constantFrom(...idsFor(key, walk), randomUUID()), fc.uuid());
    if (format === 'email') return fc.nat({ max: 50 }).map((n) => `corpus-${n}@corpus.test`);
    if (key === 'password') return fc.constant('a-corpus-password-7Qx!');
    if (key === 'color') return fc.constantFrom('#1a73e8', '#000000');
    if (key === 'clientMsgId') return fc.nat().map((n) => `corpus-${n}`);
    if (key === 'cursor') return cursorArb;
    return fc.constantFrom('hello', 'Ünïcödé text', 'https://shop.example.com');
  }
  if (def.type === 'number') return fc.constantFrom(0, 1, 10, 50);
  if (def.type === 'boolean') return fc.boolean();
  if (def.type === 'enum') return fc.constantFrom(...(schema as z.ZodEnum).options);
  if (def.type === 'literal') return fc.constantFrom(...(schema as z.ZodLiteral).values);
  return fc.constant(undefined);
}

/** The schema a wrapper (optional, nullable, default, a pipe's input) stands for; the node itself otherwise. */
function inner(schema: z.ZodType): z.ZodType {
  switch (schema.def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return inner((schema as z.ZodOptional).unwrap() as z.ZodType);
    case 'pipe':
      return inner((schema as z.ZodPipe).in as z.ZodType);
    default:
      return schema;
  }
}

/** A value the schema accepts (mostly): with it in every other field, one hostile field gets past validation of the rest. */
function validFor(schema: z.ZodType, key: string, walk: Walk): fc.Arbitrary<unknown> {
  if (inner(schema) !== schema) return validFor(inner(schema), key, walk);
  switch (schema.def.type) {
    case 'union':
      return fc.oneof(...(schema as z.ZodUnion).options.map((o) => validFor(o as z.ZodType, key, walk)));
    case 'object':
      return fc.record(Object.fromEntries(Object.entries((schema as z.ZodObject).shape).map(([k, f]) => [k, validFor(f as z.ZodType, k, walk)])));
    case 'array':
      return fc.array(validFor((schema as z.ZodArray).element as z.ZodType, key, walk), { maxLength: 2 });
    default:
      return validish(schema, key, walk);
  }
}

/** Hostile values of one schema node: its own kind of bad, wrong types, or a plausible value. */
function hostileFor(schema: z.ZodType, key: string, walk: Walk): fc.Arbitrary<unknown> {
  if (inner(schema) !== schema) return hostileFor(inner(schema), key, walk);
  const def = schema.def;
  switch (def.type) {
    case 'union':
      return fc.oneof(...(schema as z.ZodUnion).options.map((o) => hostileFor(o as z.ZodType, key, walk)));
    case 'object': {
      const shape = (schema as z.ZodObject).shape;
      const fields = Object.fromEntries(
        Object.entries(shape).map(([k, s]) => [k, fc.option(hostileFor(s as z.ZodType, k, walk), { nil: undefined, freq: 6 })]),
      );
      const extras = fc.array(fc.tuple(fc.constantFrom(...EXTRA_KEYS), wrongType), { maxLength: 2 });
      const object = fc
        .tuple(fc.record(fields), fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extras }))
        .map(([rec, extra]) => {
          const defined = Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== undefined));
          return withExtraKeys(defined, extra as Array<[string, unknown]>);
        });
      const keys = Object.keys(shape);
      // One hostile field among valid ones: the refusal (or acceptance) is then that field's alone.
      const oneField =
        keys.length === 0
          ? object
          : fc.constantFrom(...keys).chain((bad) =>
              fc.record(Object.fromEntries(keys.map((k) => [k, k === bad ? hostileFor(shape[k] as z.ZodType, k, walk) : validFor(shape[k] as z.ZodType, k, walk)]))),
            );
      return fc.oneof({ weight: 4, arbitrary: oneField }, { weight: 4, arbitrary: object }, { weight: 1, arbitrary: wrongType });
    }
    case 'array': {
      const element = hostileFor((schema as z.ZodArray).element as z.ZodType, key, walk);
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(element, { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constantFrom(Array.from({ length: 60 }, (_, i) => `https://s${i}.example.com`), Array.from({ length: 300 }, () => 'x')) },
        { weight: 1, arbitrary: wrongType },
      );
    }
    case 'string': {
      const format = (schema as unknown as { format?: string | null }).format;
      const bad = format === 'uuid' ? hostileId(idsFor(key, walk)) : key === 'cursor' ? cursorArb : hostileString(walk.transport);
      return fc.oneof({ weight: 4, arbitrary: bad }, { weight: 2, arbitrary: validish(schema, key, walk) }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: hostileNumber });
    }
    case 'number':
      return fc.oneof({ weight: 4, arbitrary: hostileNumber }, { weight: 2, arbitrary: validish(schema, key, walk) }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: hostileString(walk.transport) });
    case 'boolean':
    case 'enum':
    case 'literal':
      return fc.oneof({ weight: 3, arbitrary: validish(schema, key, walk) }, { weight: 2, arbitrary: wrongType }, { weight: 2, arbitrary: hostileString(walk.transport) }, { weight: 1, arbitrary: hostileNumber });
    default:
      return fc.oneof(wrongType, hostileString(walk.transport));
  }
}

// ---------------------------------------------------------------------------------------------
// REST

interface RestCase {
  caller: Caller;
  params: Record<string, UrlPiece>;
  query: string;
  body: { json: unknown } | { text: string } | undefined;
}

const RAW_URL_PIECES = ['%', '%zz', '%ED%A0%80', '%C0%AF', '%FF%FE', '%00', '%2e%2e', '%2F', '..', '%u0000'];

/** A value of a query parameter as it travels: one text, several (a repeated key), or a raw escape. */
function queryPieces(value: unknown): UrlPiece[] {
  if (value instanceof Raw) return [value];
  if (Array.isArray(value)) return value.flatMap((v) => queryPieces(v));
  if (typeof value === 'string') return [value];
  return [typeof value === 'object' ? JSON.stringify(value) : String(value)];
}

function queryArb(route: RestRoute, body: Walk): fc.Arbitrary<string> {
  const walk: Walk = { ...body, transport: 'url' };
  const shape = route.query?.shape ?? {};
  const keys = [...Object.keys(shape), 'extra', 'limit', '__proto__'];
  const valueOf = (k: string): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: 6, arbitrary: Object.hasOwn(shape, k) ? hostileFor(shape[k] as z.ZodType, k, walk) : hostileString('url') },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_PIECES).map((r) => new Raw(r)) },
    );
  return fc
    .array(fc.constantFrom(...keys).chain((k) => valueOf(k).map((v) => [k, v] as const)), { maxLength: 3 })
    .map((pairs) => pairs.flatMap(([k, v]) => queryPieces(v).map((p) => `${encodePiece(k)}=${encodePiece(p)}`)).join('&'));
}

function bodyArb(route: RestRoute, walk: Walk): fc.Arbitrary<RestCase['body']> {
  const json = (route.body ? hostileFor(route.body as z.ZodType, '', walk) : fc.oneof(fc.constant({}), wrongType)).map((v) => ({ json: v }));
  const text = fc
    .constantFrom(
      '{', '{"a":', 'nul', '{"a":1,"a":2}', '\u0000', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`, `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2001)}`, '"\\ud800"', '{"body":"\\u0000"}', '1e999', '[]',
    )
    .map((t) => ({ text: t }));
  return fc.oneof({ weight: 6, arbitrary: json }, { weight: 1, arbitrary: text }, { weight: 1, arbitrary: fc.constant(undefined) });
}

/** The body as it travels: an object or array as JSON by supertest, any other value as JSON text. */
function wire(body: RestCase['body']): { body?: string | object; headers?: Record<string, string> } {
  if (body === undefined) return {};
  const json = { 'Content-Type': 'application/json' };
  if ('text' in body) return { body: body.text, headers: json };
  if (typeof body.json === 'object' && body.json !== null) return { body: body.json };
  const text = JSON.stringify(body.json);
  return text === undefined ? {} : { body: text, headers: json };
}

function restCaseArb(route: RestRoute, walk: Walk): fc.Arbitrary<RestCase> {
  const paramKeys = Object.keys(route.params?.shape ?? {});
  const param = (k: string): fc.Arbitrary<UrlPiece> =>
    fc.oneof({ weight: 6, arbitrary: hostileId(idsFor(k, walk)) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_PIECES).map((r) => new Raw(r)) });
  return fc.record({
    caller: fc.constantFrom(...route.callers),
    params: fc.record(Object.fromEntries(paramKeys.map((k) => [k, param(k)]))),
    query: queryArb(route, walk),
    body: route.method === 'get' ? fc.constant(undefined) : bodyArb(route, walk),
  });
}

function describeCase(c: unknown): string {
  return JSON.stringify(c, (_k, v: unknown) => (v instanceof Raw ? `raw:${v.text}` : typeof v === 'string' && v.length > 200 ? `${v.slice(0, 40)}…(${v.length} chars)` : v));
}

function describeResponse(res: Response): string {
  return `${res.status} ${String(res.headers['content-type'] ?? '')} ${res.text?.slice(0, 400)}`;
}

/** Any status but a 5xx; every 4xx a problem document whose code maps to that very status. */
function expectRefusedCleanly(res: Response, what: string): void {
  if (res.status >= 500) throw new Error(`${what}: ${describeResponse(res)}`);
  if (res.status < 400) return;
  if (!String(res.headers['content-type'] ?? '').startsWith(PROBLEM_CONTENT_TYPE)) {
    throw new Error(`${what}: a ${res.status} that is not ${PROBLEM_CONTENT_TYPE}: ${describeResponse(res)}`);
  }
  const problem = ProblemSchema.safeParse(res.body);
  if (!problem.success) throw new Error(`${what}: not a problem document: ${describeResponse(res)}`);
  if (ERROR_HTTP_STATUS[problem.data.code] !== res.status || problem.data.status !== res.status) {
    throw new Error(`${what}: code ${problem.data.code} does not map to HTTP ${res.status}: ${describeResponse(res)}`);
  }
}

/** What came back, per route and event: printed at the end, to show how far past validation the cases got. */
const outcomes = new Map<string, Map<string, number>>();
function tally(name: string, outcome: string): void {
  const counts = outcomes.get(name) ?? new Map<string, number>();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  outcomes.set(name, counts);
}

let conv: Conversation;
let tokens: Record<Exclude<Caller, 'public'>, string>;
let ids: Ids;
let widgetBefore: unknown;

/** What a refused call must leave as it was, per route (read with the admin's or the thread agent's eyes). */
async function snapshot(key: string): Promise<unknown> {
  const read = async (path: string, token: string) => {
    const res = await api('get', path, { token });
    expectStatus(res, 200);
    return res.body as unknown;
  };
  switch (key) {
    case 'post /threads/{id}/messages':
    case 'post /threads/{id}/claim':
    case 'post /threads/{id}/assign':
    case 'post /threads/{id}/close':
    case 'put /threads/{id}/tags/{tagId}':
    case 'delete /threads/{id}/tags/{tagId}':
      return Promise.all(ids.thread.map((id) => read(`/threads/${id}`, adminToken())));
    // Presence is not compared: the presence sweep may take an agent without a socket offline at any moment.
    case 'post /agents':
    case 'patch /agents/{id}':
      return ((await read('/agents', adminToken())) as Record<string, unknown>[]).map(({ status: _presence, ...agent }) => agent);
    case 'patch /agents/me': {
      const { status: _presence, ...me } = (await read('/agents/me', tokens.agent)) as Record<string, unknown>;
      return me;
    }
    case 'post /api-keys':
    case 'delete /api-keys/{id}':
      return read('/api-keys', adminToken());
    case 'put /widget/settings':
      return read('/widget/settings/admin', adminToken());
    case 'post /tags':
    case 'patch /tags/{id}':
    case 'delete /tags/{id}':
      return read('/tags', adminToken());
    default:
      return undefined;
  }
}

beforeAll(async () => {
  console.log(`[hostile-corpus] fast-check seed ${SEED}, ${RUNS} cases per route and event (CORPUS_SEED=${SEED} replays them)`);
  conv = await activeConversation();
  const [apiKey, victim, spareKey, other, closing] = await Promise.all([
    newApiKey(),
    newAgent('agent', 'Victor Victim'),
    api('post', '/api-keys', { token: adminToken(), body: { name: unique('spare') } }),
    newVisitor('Olga Other'),
    newVisitor('Clara Closed'),
  ]);
  expectStatus(spareKey, 201);
  const foreign = await startThread(other.token);
  const closed = await startThread(closing.token);
  expectStatus(await api('post', `/threads/${closed.id}/close`, { token: closing.token }), 200);
  tokens = { agent: conv.agent.token, admin: adminToken(), visitor: conv.visitor.token, apiKey };
  ids = {
    thread: [conv.thread.id, foreign.id, closed.id],
    // Never the e2e admin: PATCH /agents/{id} may deactivate whom it names.
    agent: [victim.agent.id, conv.agent.agent.id],
    apiKey: [(spareKey.body as { id: string }).id],
  };
  widgetBefore = (await api('get', '/widget/settings/admin', { token: adminToken() })).body;
});

/** A case that happens to be valid may change the widget settings (even require identified visitors): put them back. */
async function restoreWidgetSettings(): Promise<void> {
  const { title, greetingLines, color, allowedOrigins, identityRequired, showVisitorIp, defaultLocale, translations } = widgetBefore as Record<string, unknown>;
  expectStatus(await api('put', '/widget/settings', { token: adminToken(), body: { title, greetingLines, color, allowedOrigins, identityRequired, showVisitorIp, defaultLocale, translations } }), 200);
}

afterAll(async () => {
  // The next file expects the widget settings as they were, and retention off.
  await restoreWidgetSettings();
  expectStatus(await api('put', '/settings/retention', { token: adminToken(), body: { closedThreadsDays: null } }), 200);
  await closeAllSockets();
  const lines = [...outcomes].map(([name, counts]) => `  ${name}: ${[...counts].map(([o, n]) => `${o} ×${n}`).join(', ')}`);
  console.log(`[hostile-corpus] outcomes (seed ${SEED}):\n${lines.join('\n')}`);
});

const ID_KIND: Record<string, keyof Ids> = { '/agents/{id}': 'agent', '/api-keys/{id}': 'apiKey' };
/** Routes that end the caller's own sessions: each case signs in a throwaway agent, so the run's tokens stay good. */
const ENDS_SESSIONS: ReadonlySet<string> = new Set(['/auth/logout', '/auth/logout-everywhere']);

describe.each(REST_ROUTE_LIST.map((route) => [restRouteKey(route), route] as const))('REST %s', (key, route) => {
  it('answers every hostile input with a status below 500 and a stable code, and stores nothing it refused', async () => {
    const walk: Walk = { transport: 'rest', ids, idKind: ID_KIND[route.path] ?? 'thread' };
    await fc.assert(
      fc.asyncProperty(restCaseArb(route, walk), async (c) => {
        const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodePiece(c.params[name] ?? ''));
        const url = `${route.base ?? API_PREFIX}${path}${c.query ? `?${c.query}` : ''}`;
        const token = c.caller === 'public' ? undefined : ENDS_SESSIONS.has(route.path) ? (await newAgent()).token : tokens[c.caller];
        const before = await snapshot(key);
        const res = await http(route.method as Method, url, { token, ...wire(c.body) });
        const what = `${key} ${describeCase({ ...c, url })}`;
        expectRefusedCleanly(res, what);
        tally(key, res.status < 400 ? String(res.status) : `${res.status} ${(res.body as { code?: string }).code}`);
        if (res.status >= 400 && before !== undefined) expect({ what, state: await snapshot(key) }).toEqual({ what, state: before });
      }),
      FC_PARAMS,
    );
    await expectServerAlive();
    // Routes that end sessions sign in a fresh agent per case (two argon2 hashes each): a loaded machine needs longer. A hang bound only.
  }, ENDS_SESSIONS.has(route.path) ? 300_000 : undefined);
});

// ---------------------------------------------------------------------------------------------
// Socket events

/** Every client event's payload schema; a new event without one fails to compile here. */
const EVENT_PAYLOADS = {
  [ClientEvent.ThreadStart]: ThreadStartPayloadSchema,
  [ClientEvent.ThreadJoin]: ThreadRefPayloadSchema,
  [ClientEvent.ThreadLeave]: ThreadRefPayloadSchema,
  [ClientEvent.ThreadClaim]: ThreadRefPayloadSchema,
  [ClientEvent.ThreadClose]: ThreadRefPayloadSchema,
  [ClientEvent.MessageSend]: MessageSendPayloadSchema,
  [ClientEvent.MessagesSync]: MessagesSyncPayloadSchema,
  [ClientEvent.Typing]: TypingPayloadSchema,
  [ClientEvent.VisitorPage]: VisitorPagePayloadSchema,
  [ClientEvent.NoteSend]: NoteSendPayloadSchema,
  [ClientEvent.NotesSync]: NotesSyncPayloadSchema,
  [ClientEvent.ThreadRead]: ThreadReadPayloadSchema,
} satisfies Record<ClientEventName, z.ZodType>;

/** Events that change a thread: a refusal must leave the threads as they were. */
const WRITES: ReadonlySet<ClientEventName> = new Set([ClientEvent.MessageSend, ClientEvent.ThreadClaim, ClientEvent.ThreadClose, ClientEvent.ThreadStart]);

const AckSchema = z.union([
  z.object({ ok: z.literal(true) }).loose(),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCodeSchema, message: z.string() }).loose() }),
]);

describe('socket events', () => {
  let sockets: Partial<Record<'visitor' | 'agent', ClientSocket>>;
  let actors: Record<'visitor' | 'agent', string>;

  beforeAll(async () => {
    // Principals of their own: the REST cases above may have closed the shared thread (and
    // required identified visitors, which would refuse the fresh visitor's session).
    await restoreWidgetSettings();
    const fresh = await activeConversation();
    actors = { visitor: fresh.visitor.token, agent: fresh.agent.token };
    ids = { ...ids, thread: [fresh.thread.id, ...ids.thread] };
    sockets = {};
  });

  /** The role's socket, connected again if the server closed it (too many refusals). */
  async function socketOf(role: 'visitor' | 'agent'): Promise<ClientSocket> {
    const existing = sockets[role];
    if (existing?.connected) return existing;
    existing?.disconnect();
    const socket = await connect(actors[role]);
    sockets[role] = socket;
    return socket;
  }

  const events = Object.keys(EVENT_PAYLOADS) as ClientEventName[];
  it.each(events)('%s: every hostile payload gets an ack with a contract code (never INTERNAL), and a refusal stores nothing', async (event) => {
    const walk: Walk = { transport: 'socket', ids, idKind: 'thread' };
    const payload = fc.oneof({ weight: 8, arbitrary: hostileFor(EVENT_PAYLOADS[event], '', walk) }, { weight: 1, arbitrary: fc.constant(undefined) });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('visitor' as const, 'agent' as const), payload, async (role, p) => {
        const before = WRITES.has(event) ? await Promise.all(ids.thread.map((id) => getThread(adminToken(), id))) : undefined;
        const ack = await emitRaw(await socketOf(role), event, p);
        const what = `${event} as ${role} ${describeCase(p)} → ${JSON.stringify(ack)?.slice(0, 400)}`;
        const parsed = AckSchema.safeParse(ack);
        if (!parsed.success) throw new Error(`not an ack of the contract: ${what}`);
        tally(event, parsed.data.ok ? 'ok' : parsed.data.error.code);
        if (!parsed.data.ok && parsed.data.error.code === ErrorCode.Internal) throw new Error(`INTERNAL: ${what}`);
        // RATE_LIMITED is a refusal like any other: the per-principal limits stay on, as in production.
        if (!parsed.data.ok && before) {
          expect({ what, state: await Promise.all(ids.thread.map((id) => getThread(adminToken(), id))) }).toEqual({ what, state: before });
        }
      }),
      FC_PARAMS,
    );
    await expectServerAlive();
  });
});
