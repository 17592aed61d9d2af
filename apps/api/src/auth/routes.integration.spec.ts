import { API_PREFIX, REST_ROUTE_LIST, type RestRoute } from '@parley/contracts';
import { Actors } from '../testing/actors';
import { createTestApp, type TestApp } from '../testing/test-app';
import { routeUrl } from './api-route.decorator';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const urlOf = (r: RestRoute) => routeUrl(r).replace('{id}', SAMPLE_ID);

interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * What express actually routes, as `METHOD path` with the table's `{param}` spelling: Nest mounts
 * each controller handler as a route of the application's router, whatever decorator declared it.
 * Middleware (helmet, the body parser, the client files) are layers without a route.
 */
function servedRoutes(t: TestApp): string[] {
  const router = (t.app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } }).router;
  return router.stack.flatMap((layer) => {
    if (!layer.route) return [];
    const paths = ([] as string[]).concat(layer.route.path);
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route?.methods[m] && m !== '_all');
    return paths.flatMap((p) => methods.map((m) => `${m.toUpperCase()} ${p.replace(/:(\w+)/g, '{$1}')}`));
  });
}

/** Every route of the contracts' table is served, and every non-public one refuses the wrong callers. */
describe('REST routes against the contract table', () => {
  let t: TestApp;
  let actors: Actors;
  let visitorToken: string;
  let agentToken: string;

  beforeAll(async () => {
    t = await createTestApp('pglite');
    actors = new Actors(t.app);
    const admin = await actors.admin();
    agentToken = (await actors.agent(admin.token)).token;
    visitorToken = (await actors.visitor()).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const send = (r: RestRoute, token?: string) => {
    const req = actors.http[r.method](urlOf(r));
    return token ? req.set('authorization', `Bearer ${token}`) : req;
  };

  it.each(REST_ROUTE_LIST.filter((r) => !r.callers.includes('public')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s needs credentials',
    async (_name, route) => {
      const res = await send(route);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('UNAUTHENTICATED');
    },
  );

  it.each(REST_ROUTE_LIST.filter((r) => !r.callers.includes('visitor') && !r.callers.includes('public')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses a visitor',
    async (_name, route) => {
      const res = await send(route, visitorToken);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    },
  );

  it.each(REST_ROUTE_LIST.filter((r) => r.callers.every((c) => c === 'admin')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses an agent who is not an admin',
    async (_name, route) => {
      const res = await send(route, agentToken);
      expect(res.status).toBe(403);
    },
  );

  it('serves exactly the routes of the table: none missing, none the table lacks', () => {
    // Swagger serves the API's documentation under /api as well, beside the sockets' AsyncAPI document; it is about the routes, not one of them.
    const documentation = /^GET \/api\/(docs\b|openapi\.|asyncapi\b)/;
    // Outside /api the server only serves the built clients (GET and HEAD) and /metrics; any other
    // route there (the old system's POST calls) is an API route and belongs in the table.
    const clientFile = /^(GET|HEAD) (?!\/api\/|\/metrics$)/;
    // Express's catch-all for every method answers unknown paths (404 problem documents).
    const catchAll = / \{\/\*splat\}$/;
    const served = servedRoutes(t).filter((r) => !documentation.test(r) && !clientFile.test(r) && !catchAll.test(r));
    // The old system's paths end in a slash; Nest registers them without it and Express matches both.
    const table = REST_ROUTE_LIST.map((r) => `${r.method.toUpperCase()} ${routeUrl(r).replace(/(.)\/$/, '$1')}`);
    expect(served.filter((r) => r.includes(API_PREFIX)).length).toBeGreaterThan(0);
    expect([...served].sort()).toEqual([...table].sort());
  });
});
