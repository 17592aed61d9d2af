import {
  API_PREFIX,
  ERROR_HTTP_STATUS,
  type ErrorCode,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  ProblemSchema,
  type RestRouteKey,
} from '@parley/contracts';
import { type CallRest, untypedRouteUrl } from '@parley/rest-client';
import request, { type Response, type Test } from 'supertest';
import { e2e } from './state';

const HTTP_TIMEOUT = { response: 10_000, deadline: 15_000 };

export type Method = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';

export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>` (agent or visitor JWT, or an API key). */
  token?: string;
  body?: string | object;
  query?: Record<string, string | number>;
  headers?: Record<string, string>;
}

/** A request to any path on the server, bounded in time. */
export function http(method: Method, path: string, opts: CallOptions = {}): Test {
  let test = request(e2e().baseUrl)[method](path).timeout(HTTP_TIMEOUT);
  if (opts.token !== undefined) test = test.set('Authorization', `Bearer ${opts.token}`);
  for (const [name, value] of Object.entries(opts.headers ?? {})) test = test.set(name, value);
  if (opts.query) test = test.query(opts.query);
  if (opts.body !== undefined) test = test.send(opts.body);
  return test;
}

/** A request below /api/v1. */
export function api(method: Method, path: string, opts: CallOptions = {}): Test {
  return http(method, API_PREFIX + path, opts);
}

/**
 * A request to a route of the contracts' table, by key: `call('post /threads/{id}/claim', { params:
 * { id }, token })`. The URL and the body's type come from the table, so helpers do not restate them.
 */
export function call<K extends RestRouteKey>(key: K, ...[args]: CallRest<K>): Test {
  const { params, query, body, token } = (args ?? {}) as { params?: Record<string, string>; query?: Record<string, string | number | undefined>; body?: object; token?: string };
  const defined = query && (Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string | number>);
  return http(key.slice(0, key.indexOf(' ')) as Method, untypedRouteUrl(key, params), { token, body, query: defined });
}

function describeResponse(res: Response): string {
  const body =
    typeof res.body === 'object' && res.body !== null && Object.keys(res.body).length > 0
      ? res.body
      : res.text;
  return `${res.status} ${String(res.headers['content-type'] ?? '')} ${JSON.stringify(body)?.slice(0, 600)}`;
}

/** Asserts the status and says what came back when it differs. */
export function expectStatus(res: Response, status: number): void {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${describeResponse(res)}`);
}

/** Asserts an RFC 9457 problem document with the given code and the status the contract maps it to. */
export function expectProblem(res: Response, code: ErrorCode): Problem {
  const status = ERROR_HTTP_STATUS[code];
  const body = res.body as { code?: unknown } | undefined;
  if (res.status !== status || body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${describeResponse(res)}`);
  }
  expect(res.headers['content-type']).toMatch(new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`));
  const problem = ProblemSchema.parse(res.body);
  expect(problem.status).toBe(status);
  return problem;
}

/** The server still answers: bad input must never take it down. */
export async function expectServerAlive(): Promise<void> {
  const res = await http('get', '/api/health/ready');
  expectStatus(res, 200);
}
