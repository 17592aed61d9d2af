import { randomBytes } from 'node:crypto';
import {
  type Agent,
  type AgentRole,
  AgentSchema,
  AuthResponseSchema,
  type CreatedApiKey,
  CreatedApiKeySchema,
  type Message,
  type MessagePage,
  MessagePageSchema,
  MessageSchema,
  type Thread,
  ThreadSchema,
  type RouteBody,
  type Visitor,
  VisitorSessionResponseSchema,
} from '@parley/contracts';
import { call, expectStatus } from './http';
import { e2e } from './state';

let counter = 0;

/** Unique across the run (and across runs sharing a database), valid as a clientMsgId. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function adminToken(): string {
  return e2e().admin.token;
}

export interface VisitorActor {
  token: string;
  visitor: Visitor;
}

export interface AgentActor {
  token: string;
  agent: Agent;
  email: string;
  password: string;
}

export async function newVisitor(name = 'Vera Visitor'): Promise<VisitorActor> {
  const res = await call('post /visitors/session', {
    body: { name, email: `${unique('visitor')}@visitor.test` },
  });
  expectStatus(res, 201);
  const session = VisitorSessionResponseSchema.parse(res.body);
  return { token: session.token, visitor: session.visitor };
}

/** Creates an agent through the admin API and logs it in. */
export async function newAgent(role: AgentRole = 'agent', name = 'Alex Agent'): Promise<AgentActor> {
  const email = `${unique('agent')}@agents.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const created = await call('post /agents', {
    token: adminToken(),
    body: { email, name, password, role },
  });
  expectStatus(created, 201);
  const agent = AgentSchema.parse(created.body);
  const login = await call('post /auth/login', { body: { email, password } });
  expectStatus(login, 200);
  return { token: AuthResponseSchema.parse(login.body).token, agent, email, password };
}

/** A new API key (created by the admin); the whole key, as an integrator holds it. */
export async function newApiKey(): Promise<string> {
  return (await createApiKey()).key;
}

/** A new API key with the given scopes and expiry (every scope, no expiry by default), as the admin sees it once. */
export async function createApiKey(opts: Omit<RouteBody<'post /api-keys'>, 'name'> & { name?: string } = {}): Promise<CreatedApiKey> {
  const res = await call('post /api-keys', { token: adminToken(), body: { name: unique('key'), ...opts } });
  expectStatus(res, 201);
  return CreatedApiKeySchema.parse(res.body);
}

/** The visitor's open thread: a new visitor gets a fresh one (201). */
export async function startThread(visitorToken: string): Promise<Thread> {
  const res = await call('post /threads', { token: visitorToken, body: {} });
  expectStatus(res, 201);
  return ThreadSchema.parse(res.body);
}

export async function claimThread(agentToken: string, threadId: string): Promise<Thread> {
  const res = await call('post /threads/{id}/claim', { params: { id: threadId }, token: agentToken });
  expectStatus(res, 200);
  return ThreadSchema.parse(res.body);
}

export async function getThread(token: string, threadId: string): Promise<Thread> {
  const res = await call('get /threads/{id}', { params: { id: threadId }, token });
  expectStatus(res, 200);
  return ThreadSchema.parse(res.body);
}

export async function listMessages(
  token: string,
  threadId: string,
  afterSeq = 0,
  limit?: number,
): Promise<MessagePage> {
  const res = await call('get /threads/{id}/messages', { params: { id: threadId }, token, query: { afterSeq, limit } });
  expectStatus(res, 200);
  return MessagePageSchema.parse(res.body);
}

export async function postMessage(
  token: string,
  threadId: string,
  body: string,
  clientMsgId = unique('rest'),
): Promise<Message> {
  const res = await call('post /threads/{id}/messages', { params: { id: threadId }, token, body: { clientMsgId, body } });
  expectStatus(res, 201);
  return MessageSchema.parse(res.body);
}

export interface Conversation {
  visitor: VisitorActor;
  agent: AgentActor;
  thread: Thread;
}

/** A visitor with a thread that a fresh agent has claimed. */
export async function activeConversation(): Promise<Conversation> {
  const [visitor, agent] = await Promise.all([newVisitor(), newAgent()]);
  const queued = await startThread(visitor.token);
  const thread = await claimThread(agent.token, queued.id);
  return { visitor, agent, thread };
}
