import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { API_KEY_SCOPES, type Caller, ERROR_HTTP_STATUS, ErrorCode, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, LIMITS, PROBLEM_CONTENT_TYPE, ProblemSchema, REST_ROUTE_LIST } from '@parley/contracts';
import { z } from 'zod';
import { routeUrl } from '../auth/api-route.decorator';

// Adds `.openapi()` to zod's prototype, which the registry uses; the contracts stay free of it.
extendZodWithOpenApi(z);

const SECURITY: Record<Exclude<Caller, 'public'>, string> = {
  agent: 'agentToken',
  admin: 'agentToken',
  visitor: 'visitorToken',
  apiKey: 'apiKey',
};

const IDEMPOTENCY_HEADERS = z.object({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string()
    .min(1)
    .max(LIMITS.idempotencyKeyMax)
    .optional()
    .openapi({
      description:
        'Makes the POST safe to retry: a retry with the same key and body (same caller, within 24 h) gets the first answer again, ' +
        `marked \`${IDEMPOTENT_REPLAYED_HEADER}: true\`; the same key with another body is 422 ${ErrorCode.IdempotencyKeyReused}, ` +
        `and while the first request runs 409 ${ErrorCode.IdempotencyRequestInProgress}. Errors are not stored: a retry runs again.`,
      example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
    }),
});

/** A multipart body with one file in `field` (OpenAPI 3.1 spells a file as a string of binary content). */
function uploadSchema(field: string) {
  return {
    type: 'object' as const,
    required: [field],
    properties: { [field]: { type: 'string' as const, contentMediaType: 'application/octet-stream' } },
  };
}

/** A stable name per operation for client generators: `post /threads/{id}/claim` → `postThreadsByIdClaim`. */
function operationId(r: { method: string; base?: string; path: string }): string {
  const words = `${r.base === '' ? 'legacy ' : ''}${r.path.replace(/\{(\w+)\}/g, 'by $1')}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return r.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** The OpenAPI 3.1 document, generated from the contracts' route table and zod schemas. */
export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'agentToken', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Agent JWT from /auth/login or /setup' });
  registry.registerComponent('securitySchemes', 'visitorToken', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Visitor JWT from /visitors/session' });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: `Integrator API key \`prk_…\` created by an admin, with scopes (${API_KEY_SCOPES.join(', ')}); each operation lists the one it needs` });
  const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });

  for (const r of REST_ROUTE_LIST) {
    const secured = r.callers.filter((c): c is Exclude<Caller, 'public'> => c !== 'public');
    const success = r.download
      ? { content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } }
      : r.text
        ? { content: { [r.text]: { schema: { type: 'string' } } } }
        : r.response
        ? { content: { 'application/json': { schema: r.response } } }
        : {};
    const responses: Record<number, { description: string; content?: object }> = {
      [r.status]: { description: 'OK', ...success },
      400: problemResponse('Invalid input (VALIDATION_FAILED, INVALID_JSON)'),
    };
    if (secured.length) {
      responses[401] = problemResponse(`Missing, invalid or expired credentials (UNAUTHENTICATED, TOKEN_EXPIRED${r.scope ? '; an expired API key: API_KEY_EXPIRED' : ''}), or the agent of the token was deactivated (ACCOUNT_DEACTIVATED)`);
      responses[403] = problemResponse(r.scope ? `Not allowed for this caller; or INSUFFICIENT_SCOPE: an API key without ${r.scope}` : 'Not allowed for this caller');
    }
    if (r.scope) responses[429] = problemResponse('RATE_LIMITED: the API key used up its allowance (API_KEY_RATE_LIMIT); see Retry-After and the RateLimit-* headers');
    if (r.method === 'post') {
      const add = (status: number, text: string) => (responses[status] = problemResponse(responses[status] ? `${responses[status].description}; or ${text}` : text));
      add(409, `${ErrorCode.IdempotencyRequestInProgress}: the first request with this ${IDEMPOTENCY_KEY_HEADER} is still running`);
      add(422, `${ErrorCode.IdempotencyKeyReused}: this ${IDEMPOTENCY_KEY_HEADER} was used for another request`);
    }
    for (const status of r.alsoAnswers ?? []) responses[status] ??= { ...responses[r.status], description: 'The same body, with this status' };
    // One entry per status can describe only one reason: the route's codes are what tells them apart.
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of r.errors ?? []) byStatus.set(ERROR_HTTP_STATUS[code], [...(byStatus.get(ERROR_HTTP_STATUS[code]) ?? []), code]);
    for (const [status, codes] of byStatus) {
      const listed = codes.join(', ');
      responses[status] = problemResponse(responses[status] ? `${responses[status].description}; or ${listed}` : listed);
    }
    registry.registerPath({
      operationId: operationId(r),
      method: r.method,
      path: routeUrl(r),
      summary: r.summary,
      tags: [r.tag],
      ...(r.scope ? { description: `API keys need the scope \`${r.scope}\`.` } : {}),
      // OpenAPI 3.1 lets a non-OAuth scheme list the roles it needs: an API key's scope.
      security: [...new Set(secured.map((c) => SECURITY[c]))].map((name) => ({ [name]: name === 'apiKey' && r.scope ? [r.scope] : [] })),
      request: {
        ...(r.method === 'post' ? { headers: IDEMPOTENCY_HEADERS } : {}),
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.body ? { body: { content: { 'application/json': { schema: r.body } } } } : {}),
        ...(r.upload ? { body: { content: { 'multipart/form-data': { schema: uploadSchema(r.upload) } } } } : {}),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    // The document is served by the server it describes: its paths are relative to it.
    servers: [{ url: '/', description: 'This Parley server' }],
    info: {
      title: 'Parley API',
      version,
      license: { name: 'MIT', identifier: 'MIT' },
      description:
        'REST API of Parley. Errors are application/problem+json (RFC 9457) with a stable `code`. ' +
        'Real-time events travel over socket.io and a raw WebSocket: see their AsyncAPI document, /api/asyncapi.json (readable at /api/asyncapi).',
    },
  });
}
