import { API_PREFIX, type Agent, type AuthResponse } from '@parley/contracts';
import { e2e } from './state';

const HTTP_TIMEOUT_MS = 10_000;

export interface CallResult<T> {
  status: number;
  body: T;
}

/** A REST call below /api/v1, bounded in time. */
export async function call<T = unknown>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<CallResult<T>> {
  const res = await fetch(`${e2e().baseUrl}${API_PREFIX}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Like `call`, but the answer must be a 2xx. */
export async function ok<T>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<T> {
  const res = await call<T>(method, path, opts);
  if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function login(email: string, password: string): Promise<AuthResponse> {
  return ok<AuthResponse>('POST', '/auth/login', { body: { email, password } });
}

/** Creates an agent unless one with that email exists. */
export async function ensureAgent(adminToken: string, agent: { email: string; name: string; password: string; role: 'agent' | 'admin' }): Promise<Agent> {
  const res = await call<Agent>('POST', '/agents', { token: adminToken, body: agent });
  if (res.status === 201) return res.body;
  const all = await ok<Agent[]>('GET', '/agents', { token: adminToken });
  const found = all.find((a) => a.email === agent.email);
  if (!found) throw new Error(`could not create agent ${agent.email}: ${res.status} ${JSON.stringify(res.body)}`);
  return found;
}
