import { REST_ROUTE_LIST, type RestRoute, restRouteKey, type RestRouteKey, type RouteBody } from '@parley/contracts';
import { untypedRouteUrl } from '@parley/rest-client';
import type { Method } from './http';

/** An id no row has: a route that reads it answers its not-found code. */
export const SOME_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Valid bodies for the routes that take one, so a refusal cannot come from the body: credentials
 * (and an API key's scope) are checked first. The routes themselves come from the contracts' table.
 */
export const SAMPLE_BODIES: { [K in RestRouteKey]?: RouteBody<K> } = {
  'post /agents': { email: 'x@y.test', name: 'X', password: 'xxxxxxxxxxxx' },
  'patch /agents/me': { status: 'away' },
  'patch /agents/{id}': { name: 'X' },
  'put /widget/settings': { title: 'Ask us', greetingLines: [], color: '#3056d3', allowedOrigins: [] },
  'put /widget/availability/settings': { enabled: false, timeZone: 'UTC', weekly: [], closedDates: [], whenClosed: 'form', closedMessage: 'Back soon' },
  'post /threads/{id}/messages': { clientMsgId: 'c1', body: 'hi' },
  'post /threads/{id}/assign': { agentId: SOME_ID },
  'post /threads/{id}/rating': { score: 5 },
  'post /threads/{id}/notes': { clientNoteId: 'n1', body: 'a private note' },
  'post /api-keys': { name: 'k' },
  'post /close_chat_thread/{id}/': { support_agent_id: null },
  'post /save_message/': { message: 'hi' },
  'post /auth/password': { currentPassword: 'the-old-one', newPassword: 'a long and unguessable passphrase 7' },
  'post /agents/{id}/password': { password: 'a long and unguessable passphrase 7' },
  // Turned off: the endpoint a scope test makes never gets a delivery.
  'post /webhooks': { url: 'http://127.0.0.1:9/scope-test', events: ['thread.created'], enabled: false },
  'patch /webhooks/{id}': { description: 'x' },
  'post /canned-responses': { shortcut: 'sample', title: 'Sample', body: 'Hello' },
  'patch /canned-responses/{id}': { title: 'Sample' },
  'post /tags': { name: 'scope test' },
  'patch /tags/{id}': { color: '#00aa00' },
  'put /settings/retention': { closedThreadsDays: null },
  'post /threads': {},
  'post /threads/{id}/transfer': { agentId: SOME_ID },
  'post /teams': { name: 'scope test' },
  'patch /teams/{id}': { routingMode: 'manual' },
  'put /routing-settings': { defaultMode: 'manual' },
  'put /settings/email': { transcriptOnClose: false },
  'post /visitors/email/confirm': { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  'post /visitors/resume': { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
};

/** Valid queries for the routes that require one, for the same reason. */
export const SAMPLE_QUERIES: { [K in RestRouteKey]?: string } = {
  'get /privacy/visitors': 'email=nobody%40sample.test',
};

export interface SampleCall {
  route: RestRoute;
  key: RestRouteKey;
  method: Method;
  path: string;
  body: object | undefined;
}

/** Every route of the table that needs credentials, as a call on {@link SOME_ID} with its sample body. */
export const CREDENTIALED_ROUTES: SampleCall[] = REST_ROUTE_LIST.filter((r) => !r.callers.includes('public')).map((route) => {
  const key = restRouteKey(route);
  const query = SAMPLE_QUERIES[key];
  const path = untypedRouteUrl(key, { id: SOME_ID, deliveryId: SOME_ID, tagId: SOME_ID, agentId: SOME_ID }) + (query ? `?${query}` : '');
  return { route, key, method: route.method, path, body: SAMPLE_BODIES[key] as object | undefined };
});
