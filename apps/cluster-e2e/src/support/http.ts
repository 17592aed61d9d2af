import { randomBytes } from 'node:crypto';
import {
  API_PREFIX,
  type AuthResponse,
  AuthResponseSchema,
  type Thread,
  ThreadSchema,
  type VisitorSessionResponse,
  VisitorSessionResponseSchema,
} from '@parley/contracts';

export interface Reply {
  status: number;
  body: unknown;
}

/** One JSON request with a bounded wait; the body is parsed when it is JSON. */
export async function request(
  url: string,
  opts: { method?: string; token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

export function expectStatus(reply: Reply, status: number | number[], what: string): unknown {
  const ok = Array.isArray(status) ? status.includes(reply.status) : reply.status === status;
  if (!ok) throw new Error(`${what}: expected ${String(status)}, got ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`);
  return reply.body;
}

const suffix = () => randomBytes(4).toString('hex');

/** The people of a test, created through one node's REST API as a client would. */
export class Actors {
  constructor(readonly baseUrl: string) {}

  private url(path: string): string {
    return `${this.baseUrl}${API_PREFIX}${path}`;
  }

  async setupAdmin(): Promise<AuthResponse> {
    const body = { email: 'admin@cluster.test', name: 'Cluster Admin', password: 'cluster-admin-password' };
    return AuthResponseSchema.parse(expectStatus(await request(this.url('/setup'), { body }), 201, 'setup'));
  }

  async agent(adminToken: string, name = `Agent ${suffix()}`): Promise<AuthResponse> {
    const email = `agent-${suffix()}@cluster.test`;
    const password = 'agent-password-1';
    expectStatus(await request(this.url('/agents'), { token: adminToken, body: { email, name, password } }), 201, 'create agent');
    return AuthResponseSchema.parse(expectStatus(await request(this.url('/auth/login'), { body: { email, password } }), 200, 'login'));
  }

  async visitor(name = `Visitor ${suffix()}`): Promise<VisitorSessionResponse> {
    const reply = await request(this.url('/visitors/session'), { body: { name, email: `v-${suffix()}@cluster.test` } });
    return VisitorSessionResponseSchema.parse(expectStatus(reply, 201, 'visitor session'));
  }

  /** POST /threads: 201 for a new thread, 200 for the open one. */
  async startThread(visitorToken: string): Promise<Thread> {
    const reply = await request(this.url('/threads'), { method: 'POST', token: visitorToken });
    return ThreadSchema.parse(expectStatus(reply, [200, 201], 'start thread'));
  }

  async claim(agentToken: string, threadId: string): Promise<Thread> {
    const reply = await request(this.url(`/threads/${threadId}/claim`), { method: 'POST', token: agentToken });
    return ThreadSchema.parse(expectStatus(reply, 200, 'claim'));
  }

  /** A visitor with a thread that a fresh agent has claimed. */
  async conversation(adminToken: string): Promise<{ visitor: VisitorSessionResponse; agent: AuthResponse; thread: Thread }> {
    const [visitor, agent] = await Promise.all([this.visitor(), this.agent(adminToken)]);
    const queued = await this.startThread(visitor.token);
    const thread = await this.claim(agent.token, queued.id);
    return { visitor, agent, thread };
  }
}
