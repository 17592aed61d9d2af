import { ClientEvent, ErrorCode, REST_ROUTE_BASES, ServerEvent } from './constants';
import { ERROR_HTTP_STATUS } from './errors';
import { LIMITS } from './limits';
import { ReportQuerySchema } from './reports';
import { EmailSchema, MessageBodySchema, PostMessageRequestSchema, UpdateWidgetSettingsRequestSchema, VisitorSessionRequestSchema } from './requests';
import { REST_ROUTE_LIST, REST_ROUTES, restRoute, restRouteKey, type RouteArgs, type RouteBody, type RouteErrors, type RouteParams, type RouteQuery, type RouteResponse } from './rest';

const ROUTES = REST_ROUTE_LIST;

describe('contracts', () => {
  it('bounds a message body to 1..4000 characters after trimming', () => {
    expect(MessageBodySchema.parse('  hi \n')).toBe('hi');
    expect(MessageBodySchema.safeParse('   ').success).toBe(false);
    expect(MessageBodySchema.safeParse('x'.repeat(LIMITS.messageBodyMax)).success).toBe(true);
    expect(MessageBodySchema.safeParse('x'.repeat(LIMITS.messageBodyMax + 1)).success).toBe(false);
    expect(MessageBodySchema.safeParse(` ${'x'.repeat(LIMITS.messageBodyMax)} `).success).toBe(true);
  });

  it('normalises emails and refuses what is not one', () => {
    expect(EmailSchema.parse(' Vera@Example.COM ')).toBe('vera@example.com');
    expect(EmailSchema.safeParse('vera@').success).toBe(false);
    expect(EmailSchema.safeParse(`${'a'.repeat(250)}@x.io`).success).toBe(false);
  });

  it('refuses unknown fields in request bodies', () => {
    expect(VisitorSessionRequestSchema.safeParse({ name: 'V', email: 'v@x.io', admin: true }).success).toBe(false);
    expect(PostMessageRequestSchema.safeParse({ clientMsgId: 'a', body: 'b', seq: 4 }).success).toBe(false);
  });

  it('refuses a widget origin that is not a URL without throwing', () => {
    const settings = (origin: string) => ({ title: 'Ask us', greetingLines: [], color: '#3056d3', allowedOrigins: [origin] });
    expect(UpdateWidgetSettingsRequestSchema.safeParse(settings('shop.example.com/path')).success).toBe(false);
    expect(UpdateWidgetSettingsRequestSchema.safeParse(settings('https://shop.example.com/path')).success).toBe(false);
    expect(UpdateWidgetSettingsRequestSchema.parse(settings('https://shop.example.com/')).allowedOrigins).toEqual(['https://shop.example.com']);
  });

  it('keeps user text as typed: markup is data, not something to strip', () => {
    expect(MessageBodySchema.parse('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });

  it('uses no event name twice in one direction, and only thread.read in both (a read receipt is relayed as it came)', () => {
    const client = Object.values(ClientEvent);
    const server = Object.values(ServerEvent);
    expect(new Set(client).size).toBe(client.length);
    expect(new Set(server).size).toBe(server.length);
    expect(client.filter((n) => (server as string[]).includes(n))).toEqual(['thread.read']);
  });

  it('gives every error code an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) expect(ERROR_HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('lists each REST route once, each with callers', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.base ?? ''}${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of REST_ROUTES) expect(r.callers.length).toBeGreaterThan(0);
  });

  it('names each REST route by method and path alone, as clients and @ApiRoute do', () => {
    const keys = REST_ROUTES.map(restRouteKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(restRoute(key)).toBe(REST_ROUTES[keys.indexOf(key)]);
  });

  it('keeps the zod-free prefixes of the unversioned routes in step with the table', () => {
    const based = Object.fromEntries(ROUTES.filter((r) => r.base !== undefined).map((r) => [restRouteKey(r), r.base]));
    expect(based).toEqual(REST_ROUTE_BASES);
  });

  it('maps each documented error code to a status other than the success one', () => {
    for (const r of ROUTES) {
      for (const code of r.errors ?? []) expect(ERROR_HTTP_STATUS[code]).not.toBe(r.status);
    }
  });

  it('derives the types of each route from its schemas', () => {
    // Compile-time checks: the spec's typecheck fails when a derived type drifts.
    const params: RouteParams<'post /threads/{id}/claim'> = { id: 'x' };
    const query: RouteQuery<'get /threads/{id}/messages'> = { afterSeq: 3 };
    const body: RouteBody<'post /agents'> = { email: 'a@b.io', name: 'A', password: 'p' };
    const code: RouteErrors<'post /threads/{id}/claim'> = ErrorCode.ThreadAlreadyClaimed;
    // @ts-expect-error claim does not answer EMAIL_TAKEN
    const wrongCode: RouteErrors<'post /threads/{id}/claim'> = ErrorCode.EmailTaken;
    // @ts-expect-error a route without a body takes none
    const noBody: RouteArgs<'get /agents'> = { body: { name: 'x' } };
    // @ts-expect-error a route with path parameters needs them
    const noParams: RouteArgs<'get /threads/{id}'> = {};
    const status: RouteResponse<'get /threads/{id}'>['status'] = 'queued';
    expect([params, query, body, code, wrongCode, noBody, noParams, status]).toHaveLength(8);
  });
});

describe('report queries', () => {
  it('takes whole days in a known zone, at most 366 of them, from before to', () => {
    expect(ReportQuerySchema.parse({ from: '2025-01-01', to: '2026-01-01', timeZone: 'europe/paris' })).toEqual({ from: '2025-01-01', to: '2026-01-01', timeZone: 'Europe/Paris' });
    for (const bad of [
      { from: '2026-02-30' },
      { from: '2026-3-2' },
      { from: 'garbage' },
      { from: '2026-03-08', to: '2026-03-02' },
      { from: '2025-01-01', to: '2026-01-02' },
      { timeZone: 'Mars/Olympus_Mons' },
      { timeZone: '' },
      { extra: '1' },
    ]) {
      expect(ReportQuerySchema.safeParse(bad).success).toBe(false);
    }
  });
});
