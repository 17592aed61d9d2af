import type { Agent, AuthResponse, RestRouteKey, RouteResponse } from '@parley/contracts';
import { type CallRest, routeMethod, untypedRouteUrl } from '@parley/rest-client';
import { e2e } from './state';

const HTTP_TIMEOUT_MS = 10_000;

export interface CallResult<T> {
  status: number;
  body: T;
}

type LooseArgs = { params?: Record<string, string>; query?: Record<string, string | number | undefined>; body?: unknown; token?: string };

/**
 * A REST call by route key, bounded in time, whatever the status: `call('get /threads', { query:
 * { limit: 1 }, token })`. The body is typed as the route's success answer.
 */
export async function call<K extends RestRouteKey>(key: K, ...[args]: CallRest<K>): Promise<CallResult<RouteResponse<K>>> {
  const opts = (args ?? {}) as LooseArgs;
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(opts.query ?? {})) if (value !== undefined) search.set(name, String(value));
  const res = await fetch(`${e2e().baseUrl}${untypedRouteUrl(key, opts.params)}${search.size ? `?${search}` : ''}`, {
    method: routeMethod(key),
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as RouteResponse<K> };
}

/** Like `call`, but the answer must be a 2xx. */
export async function ok<K extends RestRouteKey>(key: K, ...args: CallRest<K>): Promise<RouteResponse<K>> {
  const res = await call(key, ...args);
  if (res.status < 200 || res.status > 299) throw new Error(`${key}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function login(email: string, password: string): Promise<AuthResponse> {
  return ok('post /auth/login', { body: { email, password } });
}

/** Creates an agent unless one with that email exists. */
export async function ensureAgent(adminToken: string, agent: { email: string; name: string; password: string; role: 'agent' | 'admin' }): Promise<Agent> {
  const res = await call('post /agents', { token: adminToken, body: agent });
  if (res.status === 201) return res.body;
  const all = await ok('get /agents', { token: adminToken });
  const found = all.find((a) => a.email === agent.email);
  if (!found) throw new Error(`could not create agent ${agent.email}: ${res.status} ${JSON.stringify(res.body)}`);
  return found;
}
