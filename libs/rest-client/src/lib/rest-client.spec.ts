import { API_PREFIX, ErrorCode } from '@parley/contracts';
import { ApiError } from './api-error';
import { createRestClient } from './rest-client';
import { routeMethod, routeUrl } from './route-url';

const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('routeUrl', () => {
  it('fills path parameters, encoded, below the API prefix', () => {
    expect(routeUrl('post /threads/{id}/claim', { id: 'a/b' })).toBe(`${API_PREFIX}/threads/a%2Fb/claim`);
    expect(routeUrl('get /agents')).toBe(`${API_PREFIX}/agents`);
    expect(routeMethod('delete /api-keys/{id}')).toBe('DELETE');
  });

  it('puts the unversioned routes under their own prefix', () => {
    expect(routeUrl('get /health/ready')).toBe('/api/health/ready');
  });

  it('refuses a missing parameter', () => {
    // @ts-expect-error the route needs its id
    expect(() => routeUrl('get /threads/{id}')).toThrow(/needs the parameter id/);
  });
});

describe('createRestClient', () => {
  const setup = (answer: Response | Error, token?: string) => {
    const fetch = jest.fn(async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    const onError = jest.fn();
    const call = createRestClient({ origin: 'http://parley.test', fetch, token: () => token, onError, networkMessage: 'offline' });
    return { call, fetch, onError, init: () => (fetch.mock.calls[0] as unknown as [string, RequestInit]) };
  };

  it('sends the token, the query without empty fields and a JSON body, and answers the JSON', async () => {
    const t = setup(json(200, { items: [], nextCursor: null }), 'tok');
    await expect(t.call('get /threads', { query: { status: 'queued', order: 'asc', q: undefined } })).resolves.toEqual({ items: [], nextCursor: null });
    const [url, init] = t.init();
    expect(url).toBe(`http://parley.test${API_PREFIX}/threads?status=queued&order=asc`);
    expect(init).toMatchObject({ method: 'GET', headers: { accept: 'application/json', authorization: 'Bearer tok' } });
    expect(init.body).toBeUndefined();
  });

  it('prefers the token of the call, and serialises the body', async () => {
    const t = setup(json(200, {}), 'tok');
    await t.call('patch /agents/me', { body: { status: 'away' }, token: 'mine' });
    const [, init] = t.init();
    expect(init.headers).toEqual({ accept: 'application/json', authorization: 'Bearer mine', 'content-type': 'application/json' });
    expect(init.body).toBe('{"status":"away"}');
  });

  it('turns a problem document into an ApiError with its code and field errors', async () => {
    const t = setup(json(400, { type: 'about:blank', title: 'Bad', status: 400, code: 'VALIDATION_FAILED', detail: 'email: bad', errors: [{ path: 'email', message: 'bad' }] }), 'tok');
    const err = await t.call('post /agents', { body: { email: 'x', name: 'X', password: 'p' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: ErrorCode.ValidationFailed, message: 'email: bad' });
    expect((err as ApiError).fieldError('email')).toBe('bad');
    expect(t.onError).toHaveBeenCalledWith(err, true);
  });

  it('says UNKNOWN with the status when the answer is no problem document', async () => {
    const t = setup(new Response('oops', { status: 502 }));
    await expect(t.call('get /setup')).rejects.toMatchObject({ status: 502, code: 'UNKNOWN', message: 'HTTP 502' });
    expect(t.onError).toHaveBeenCalledWith(expect.any(ApiError), false);
  });

  it('says NETWORK, with the configured message, when the server cannot be reached', async () => {
    const t = setup(new TypeError('Failed to fetch'));
    await expect(t.call('get /setup')).rejects.toMatchObject({ status: 0, code: 'NETWORK', message: 'offline' });
  });

  it('types each call by its route', async () => {
    const t = setup(json(200, { needsSetup: true }));
    const status: { needsSetup: boolean } = await t.call('get /setup');
    expect(status.needsSetup).toBe(true);
    // @ts-expect-error a route with path parameters needs them
    await t.call('get /threads/{id}').catch(() => undefined);
    // @ts-expect-error the body must fit the route's schema
    await t.call('patch /agents/me', { body: { status: 'asleep' } }).catch(() => undefined);
  });
});
