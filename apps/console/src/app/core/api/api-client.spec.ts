import { TestBed } from '@angular/core/testing';
import { API_PREFIX, ErrorCode } from '@parley/contracts';
import { routeUrl } from '@parley/rest-client';
import { problemBody } from '../../../testing/fake-backend';
import { fakeJwt } from '../../../testing/fixtures';
import { consoleTestProviders } from '../../../testing/providers';
import { AuthToken } from '../session/auth-token';
import { ApiClient } from './api-client';
import { ApiError } from './api-error';

describe('ApiClient', () => {
  function setup() {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers });
    return { bed, api: TestBed.inject(ApiClient), token: TestBed.inject(AuthToken) };
  }

  it('only calls routes of the contracts that agents may call', () => {
    const { api } = setup();
    // Compile-time checks: the spec's typecheck fails when the console could call these.
    // @ts-expect-error only a visitor calls this route
    const visitorOnly = () => api.call('get /visitors/me');
    // @ts-expect-error no such route
    const unknown = () => api.call('get /nowhere');
    expect([visitorOnly, unknown]).toHaveLength(2);
  });

  it('fills path parameters, encoded', () => {
    expect(routeUrl('post /threads/{id}/claim', { id: 'a/b' })).toBe(`${API_PREFIX}/threads/a%2Fb/claim`);
    // @ts-expect-error the route needs its id
    expect(() => routeUrl('get /threads/{id}')).toThrow(/needs the parameter id/);
  });

  it('sends the token, the query and a JSON body', async () => {
    const { bed, api, token } = setup();
    token.set(fakeJwt(600));
    bed.backend.on('GET /threads', { body: { items: [], nextCursor: null } });
    bed.backend.on('PATCH /agents/me', ({ body }) => ({ body }));
    await api.call('get /threads', { query: { status: 'queued', order: 'asc', q: undefined } });
    await api.call('patch /agents/me', { body: { status: 'away' } });
    const [list, patch] = bed.backend.calls;
    expect(list.headers['authorization']).toBe(`Bearer ${token.token()}`);
    expect(list.query.toString()).toBe('status=queued&order=asc');
    expect(patch.body).toEqual({ status: 'away' });
    expect(patch.headers['content-type']).toBe('application/json');
  });

  it('turns a problem document into an ApiError with its code and field errors', async () => {
    const { bed, api } = setup();
    bed.backend.on('POST /agents', {
      status: 400,
      body: { type: 'about:blank', title: 'Bad', status: 400, code: 'VALIDATION_FAILED', detail: 'email: bad', errors: [{ path: 'email', message: 'bad' }] },
    });
    const err = await api.call('post /agents', { body: { email: 'x', name: 'X', password: 'p' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(ErrorCode.ValidationFailed);
    expect((err as ApiError).fieldError('email')).toBe('bad');
  });

  it('reports a refused token, which forgets it', async () => {
    const { bed, api, token } = setup();
    token.set(fakeJwt(600));
    bed.backend.on('GET /agents', problemBody(401, 'TOKEN_EXPIRED', 'The token has expired'));
    await expect(api.call('get /agents')).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(token.token()).toBeNull();
    expect(token.refused()).toBe('expired');
    expect(bed.session.length).toBe(0);
  });

  it('reports a deactivated account, which forgets the token', async () => {
    const { bed, api, token } = setup();
    token.set(fakeJwt(600));
    bed.backend.on('GET /agents', problemBody(401, 'ACCOUNT_DEACTIVATED', 'This account has been deactivated'));
    await expect(api.call('get /agents')).rejects.toMatchObject({ code: 'ACCOUNT_DEACTIVATED' });
    expect(token.token()).toBeNull();
    expect(token.refused()).toBe('deactivated');
  });

  it('says NETWORK when the server cannot be reached', async () => {
    const { providers } = consoleTestProviders();
    TestBed.configureTestingModule({ providers });
    TestBed.overrideProvider((await import('./api-client')).FETCH, { useValue: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(TestBed.inject(ApiClient).call('get /setup')).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
