import { REST_ROUTES, type RestRoute } from '@parley/contracts';
import { Actors } from '../testing/actors';
import { createTestApp, type TestApp } from '../testing/test-app';
import { routeUrl } from './api-route.decorator';

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const urlOf = (r: RestRoute) => routeUrl(r).replace('{id}', SAMPLE_ID);

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

  it.each(REST_ROUTES.filter((r) => !r.callers.includes('public')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s needs credentials',
    async (_name, route) => {
      const res = await send(route);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('UNAUTHENTICATED');
    },
  );

  it.each(REST_ROUTES.filter((r) => !r.callers.includes('visitor') && !r.callers.includes('public')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses a visitor',
    async (_name, route) => {
      const res = await send(route, visitorToken);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    },
  );

  it.each(REST_ROUTES.filter((r) => r.callers.every((c) => c === 'admin')).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s refuses an agent who is not an admin',
    async (_name, route) => {
      const res = await send(route, agentToken);
      expect(res.status).toBe(403);
    },
  );

  it.each(REST_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s is served', async (_name, route) => {
    const res = await send(route, agentToken);
    expect(res.body.detail).not.toBe('No such route');
  });
});
