import { z } from 'zod';
import { AgentSchema, ApiKeySchema, MessageSchema, ThreadSchema, VisitorSchema, WidgetSettingsSchema } from './models';
import {
  AssignThreadRequestSchema,
  AuthResponseSchema,
  CreateAgentRequestSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  HealthSchema,
  ListMessagesQuerySchema,
  ListThreadsQuerySchema,
  LoginRequestSchema,
  MessagePageSchema,
  PostMessageRequestSchema,
  SetupRequestSchema,
  SetupStatusSchema,
  ThreadPageSchema,
  UpdateAgentRequestSchema,
  UpdatePresenceRequestSchema,
  UpdateWidgetSettingsRequestSchema,
  VisitorSessionRequestSchema,
  VisitorSessionResponseSchema,
} from './requests';

/** Who may call a route: an agent (JWT), an admin agent, a visitor (JWT), an integrator (API key). */
export type Caller = 'public' | 'agent' | 'admin' | 'visitor' | 'apiKey';

export interface RestRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path below `base`, e.g. `/threads/{id}`. */
  path: string;
  /** Path prefix; {@link API_PREFIX} unless set (health checks are not versioned). */
  base?: string;
  summary: string;
  tag: string;
  callers: Caller[];
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  status: number;
  response?: z.ZodType;
  /** Error codes the route documents beyond the common ones. */
  errors?: number[];
}

const idParams = z.object({ id: z.uuid() });

/**
 * Every REST route with its bodies and callers. The server builds its OpenAPI document from this
 * table, and a spec checks that each route here is served and each served route is here.
 */
export const REST_ROUTES: RestRoute[] = [
  { method: 'get', path: '/setup', summary: 'Whether the first admin still has to be created', tag: 'agents', callers: ['public'], status: 200, response: SetupStatusSchema },
  { method: 'post', path: '/setup', summary: 'Create the first admin (only while no agent exists)', tag: 'agents', callers: ['public'], body: SetupRequestSchema, status: 201, response: AuthResponseSchema, errors: [409] },
  { method: 'post', path: '/auth/login', summary: 'Agent login with email and password', tag: 'agents', callers: ['public'], body: LoginRequestSchema, status: 200, response: AuthResponseSchema, errors: [401, 429] },
  { method: 'get', path: '/agents/me', summary: 'The signed-in agent', tag: 'agents', callers: ['agent'], status: 200, response: AgentSchema },
  { method: 'get', path: '/agents', summary: 'List agents', tag: 'agents', callers: ['agent', 'apiKey'], status: 200, response: z.array(AgentSchema) },
  { method: 'post', path: '/agents', summary: 'Create an agent (admin)', tag: 'agents', callers: ['admin'], body: CreateAgentRequestSchema, status: 201, response: AgentSchema, errors: [409] },
  { method: 'patch', path: '/agents/me', summary: "Set the signed-in agent's presence (online or away)", tag: 'agents', callers: ['agent'], body: UpdatePresenceRequestSchema, status: 200, response: AgentSchema },
  { method: 'patch', path: '/agents/{id}', summary: 'Rename, change the role of, deactivate or reactivate an agent (admin)', tag: 'agents', callers: ['admin'], params: idParams, body: UpdateAgentRequestSchema, status: 200, response: AgentSchema, errors: [404, 409] },
  { method: 'get', path: '/widget/settings', summary: 'What the widget shows: title, greeting lines, colour (public)', tag: 'widget', callers: ['public'], status: 200, response: WidgetSettingsSchema },
  { method: 'put', path: '/widget/settings', summary: 'Change the widget settings and the sites allowed to embed it (admin)', tag: 'widget', callers: ['admin'], body: UpdateWidgetSettingsRequestSchema, status: 200, response: WidgetSettingsSchema },
  { method: 'post', path: '/visitors/session', summary: 'Start a visitor session from the pre-chat form; returns the visitor token', tag: 'visitors', callers: ['public'], body: VisitorSessionRequestSchema, status: 201, response: VisitorSessionResponseSchema, errors: [429] },
  { method: 'get', path: '/visitors/me', summary: 'The visitor of the token', tag: 'visitors', callers: ['visitor'], status: 200, response: VisitorSchema },
  { method: 'post', path: '/threads', summary: "Start the visitor's thread, or return the open one (200)", tag: 'threads', callers: ['visitor'], status: 201, response: ThreadSchema },
  { method: 'get', path: '/threads', summary: 'List threads (a visitor sees only its own), cursor-paginated', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], query: ListThreadsQuerySchema, status: 200, response: ThreadPageSchema },
  { method: 'get', path: '/threads/{id}', summary: 'Read a thread', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], params: idParams, status: 200, response: ThreadSchema, errors: [403, 404] },
  { method: 'get', path: '/threads/{id}/messages', summary: 'Messages after a seq, in seq order', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], params: idParams, query: ListMessagesQuerySchema, status: 200, response: MessagePageSchema, errors: [404] },
  { method: 'post', path: '/threads/{id}/messages', summary: 'Post a message; a repeated clientMsgId returns the stored one (200)', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], params: idParams, body: PostMessageRequestSchema, status: 201, response: MessageSchema, errors: [404, 409] },
  { method: 'post', path: '/threads/{id}/claim', summary: 'The signed-in agent claims a queued thread', tag: 'threads', callers: ['agent'], params: idParams, status: 200, response: ThreadSchema, errors: [404, 409] },
  { method: 'post', path: '/threads/{id}/assign', summary: 'Assign an open thread to an agent', tag: 'threads', callers: ['agent', 'apiKey'], params: idParams, body: AssignThreadRequestSchema, status: 200, response: ThreadSchema, errors: [403, 404, 409] },
  { method: 'post', path: '/threads/{id}/close', summary: 'Close a thread; who closed it comes from the credentials', tag: 'threads', callers: ['agent', 'apiKey', 'visitor'], params: idParams, status: 200, response: ThreadSchema, errors: [403, 404] },
  { method: 'get', path: '/api-keys', summary: 'List API keys (admin)', tag: 'integrations', callers: ['admin'], status: 200, response: z.array(ApiKeySchema) },
  { method: 'post', path: '/api-keys', summary: 'Create an API key (admin); the key is shown once', tag: 'integrations', callers: ['admin'], body: CreateApiKeyRequestSchema, status: 201, response: CreatedApiKeySchema },
  { method: 'delete', path: '/api-keys/{id}', summary: 'Revoke an API key (admin)', tag: 'integrations', callers: ['admin'], params: idParams, status: 200, response: ApiKeySchema, errors: [404] },
  { method: 'get', base: '/api', path: '/health/live', summary: 'Liveness', tag: 'health', callers: ['public'], status: 200, response: HealthSchema },
  { method: 'get', base: '/api', path: '/health/ready', summary: 'Readiness: database (and Redis when configured) reachable', tag: 'health', callers: ['public'], status: 200, response: HealthSchema, errors: [503] },
];
