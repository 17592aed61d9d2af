import type {
  Agent,
  ApiKey,
  AuthResponse,
  CreateAgentRequest,
  CreateApiKeyRequest,
  CreatedApiKey,
  ListThreadsQuery,
  LoginRequest,
  MessagePage,
  SetupRequest,
  SetupStatus,
  Thread,
  ThreadPage,
  UpdateAgentRequest,
  UpdatePresenceRequest,
  UpdateWidgetSettingsRequest,
  WidgetSettings,
} from '@parley/contracts';

type Id = { id: string };

/**
 * The REST routes the console calls, keyed like the server's `@ApiRoute(...)` ("method path" as in
 * the contracts' `REST_ROUTES`), with their types. The URL is built from the key, and a spec checks
 * that every key here is a route of that table under the API prefix, with the callers that allow
 * the console to call it, so the console cannot call a route the server lacks.
 */
export interface ConsoleRoutes {
  'get /setup': { response: SetupStatus };
  'post /setup': { body: SetupRequest; response: AuthResponse };
  'post /auth/login': { body: LoginRequest; response: AuthResponse };
  'get /agents/me': { response: Agent };
  'get /agents': { response: Agent[] };
  'post /agents': { body: CreateAgentRequest; response: Agent };
  'patch /agents/me': { body: UpdatePresenceRequest; response: Agent };
  'patch /agents/{id}': { params: Id; body: UpdateAgentRequest; response: Agent };
  'get /widget/settings': { response: WidgetSettings };
  'put /widget/settings': { body: UpdateWidgetSettingsRequest; response: WidgetSettings };
  'get /threads': { query: Partial<ListThreadsQuery>; response: ThreadPage };
  'get /threads/{id}': { params: Id; response: Thread };
  'get /threads/{id}/messages': { params: Id; query: { afterSeq?: number; limit?: number }; response: MessagePage };
  'post /threads/{id}/claim': { params: Id; response: Thread };
  'post /threads/{id}/close': { params: Id; response: Thread };
  'get /api-keys': { response: ApiKey[] };
  'post /api-keys': { body: CreateApiKeyRequest; response: CreatedApiKey };
  'delete /api-keys/{id}': { params: Id; response: ApiKey };
}

export type RouteKey = keyof ConsoleRoutes;
export type ResponseOf<K extends RouteKey> = ConsoleRoutes[K]['response'];

/** What a call passes besides the key: params, query and body where the route has them. */
export type CallArgs<K extends RouteKey> = Omit<ConsoleRoutes[K], 'response'>;

export const CONSOLE_ROUTE_KEYS: readonly RouteKey[] = [
  'get /setup',
  'post /setup',
  'post /auth/login',
  'get /agents/me',
  'get /agents',
  'post /agents',
  'patch /agents/me',
  'patch /agents/{id}',
  'get /widget/settings',
  'put /widget/settings',
  'get /threads',
  'get /threads/{id}',
  'get /threads/{id}/messages',
  'post /threads/{id}/claim',
  'post /threads/{id}/close',
  'get /api-keys',
  'post /api-keys',
  'delete /api-keys/{id}',
];
