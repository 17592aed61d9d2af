import { API_PREFIX, ClientEvent, ERROR_HTTP_STATUS, ErrorCode, IDEMPOTENCY_KEY_HEADER, LEGACY_FRAMES_IN, LEGACY_FRAMES_OUT, LEGACY_WS_PATH, REST_ROUTE_LIST, ServerEvent } from '@parley/contracts';
import { expectStatus, http } from './support/http';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

describe('API documentation', () => {
  let doc: OpenApiDocument;

  beforeAll(async () => {
    const res = await http('get', '/api/openapi.json');
    expectStatus(res, 200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.body as OpenApiDocument;
  });

  it('serves an OpenAPI 3 document listing the v1 routes', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        `${API_PREFIX}/threads`,
        `${API_PREFIX}/threads/{id}`,
        `${API_PREFIX}/threads/{id}/messages`,
      ]),
    );
  });

  it('documents every contract route with its method and the codes it may answer', async () => {
    const missing = REST_ROUTE_LIST.map((r) => ({ method: r.method, url: (r.base ?? API_PREFIX) + r.path, errors: r.errors ?? [] }))
      .filter((r) => {
        const op = doc.paths[r.url]?.[r.method] as { responses: Record<string, { description: string }> } | undefined;
        return op === undefined || r.errors.some((code) => !op.responses[ERROR_HTTP_STATUS[code]]?.description.includes(code));
      })
      .map((r) => `${r.method.toUpperCase()} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('documents the scope each route needs of an API key, and 403 INSUFFICIENT_SCOPE there', async () => {
    const wrong = REST_ROUTE_LIST.filter((r) => r.callers.includes('apiKey'))
      .filter((r) => {
        const op = doc.paths[(r.base ?? API_PREFIX) + r.path]?.[r.method] as { security?: Record<string, string[]>[]; responses: Record<string, { description: string }> } | undefined;
        const apiKey = op?.security?.find((s) => 'apiKey' in s)?.apiKey;
        return !r.scope || JSON.stringify(apiKey) !== JSON.stringify([r.scope]) || !op?.responses[403]?.description.includes(ErrorCode.InsufficientScope);
      })
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(wrong).toEqual([]);
  });

  it('documents the Idempotency-Key header and its 409 and 422 on every POST', async () => {
    const missing = REST_ROUTE_LIST.filter((r) => r.method === 'post')
      .filter((r) => {
        const op = doc.paths[(r.base ?? API_PREFIX) + r.path]?.post as { parameters?: { in: string; name: string }[]; responses: Record<string, { description: string }> } | undefined;
        return (
          !op?.parameters?.some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY_HEADER) ||
          !op.responses[409]?.description.includes(ErrorCode.IdempotencyRequestInProgress) ||
          !op.responses[422]?.description.includes(ErrorCode.IdempotencyKeyReused)
        );
      })
      .map((r) => `POST ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('serves Swagger UI as HTML at /api/docs', async () => {
    const res = await http('get', '/api/docs').redirects(3);
    expectStatus(res, 200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text.toLowerCase()).toContain('swagger');
  });

  it('serves the AsyncAPI 3 document of the sockets, naming every event of the contracts and every raw frame', async () => {
    const res = await http('get', '/api/asyncapi.json');
    expectStatus(res, 200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const asyncapi = res.body as { asyncapi: string; channels: Record<string, { address: string }>; components: { messages: Record<string, { name: string }> } };
    expect(asyncapi.asyncapi).toBe('3.0.0');
    expect(Object.values(asyncapi.channels).map((c) => c.address)).toEqual(expect.arrayContaining(['/socket.io/', `${LEGACY_WS_PATH}/{threadId}/`]));
    const names = new Set(Object.values(asyncapi.components.messages).map((m) => m.name));
    const expected = [...Object.values(ClientEvent), ...Object.values(ServerEvent), ...Object.keys(LEGACY_FRAMES_IN), ...Object.keys(LEGACY_FRAMES_OUT)];
    expect(expected.filter((name) => !names.has(name))).toEqual([]);
    const page = await http('get', '/api/asyncapi');
    expectStatus(page, 200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    for (const event of Object.values(ClientEvent)) expect(page.text).toContain(`<code>${event}</code>`);
  });

  it('answers liveness and readiness', async () => {
    const live = await http('get', '/api/health/live');
    expectStatus(live, 200);
    expect(live.body).toMatchObject({ status: 'ok' });
    const ready = await http('get', '/api/health/ready');
    expectStatus(ready, 200);
    expect(ready.body).toMatchObject({ status: 'ok' });
  });
});
