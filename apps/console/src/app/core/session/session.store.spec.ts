import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { problemBody } from '../../../testing/fake-backend';
import { fakeJwt, ME, settle } from '../../../testing/fixtures';
import { consoleTestProviders } from '../../../testing/providers';
import { StorageKeys } from '../storage/browser-storage';
import { AuthToken, tokenExpiry } from './auth-token';
import { SessionStore } from './session.store';

describe('SessionStore', () => {
  function setup() {
    const { providers, bed } = consoleTestProviders([{ path: '**', children: [] }]);
    TestBed.configureTestingModule({ providers });
    return { bed, session: () => TestBed.inject(SessionStore) };
  }

  it('reads the expiry of a JWT', () => {
    const token = fakeJwt(60);
    expect(tokenExpiry(token)).toBeGreaterThan(Date.now() / 1000);
    expect(tokenExpiry('not-a-jwt')).toBeNull();
  });

  it('restores the session from the stored token after a reload', async () => {
    const { bed, session } = setup();
    bed.session.setItem(StorageKeys.token, fakeJwt(600));
    bed.backend.on('GET /agents/me', { body: ME });
    await session().restore();
    expect(session().status()).toBe('signed-in');
    expect(session().agent()?.name).toBe('Ada');
  });

  it('does not use an expired stored token', async () => {
    const { bed, session } = setup();
    bed.session.setItem(StorageKeys.token, fakeJwt(-60));
    await session().restore();
    expect(session().status()).toBe('signed-out');
    expect(bed.backend.calls).toHaveLength(0);
    expect(bed.session.getItem(StorageKeys.token)).toBeNull();
  });

  it('keeps only the token in storage when signing in', async () => {
    const { bed, session } = setup();
    const token = fakeJwt(600);
    bed.backend.on('POST /auth/login', { body: { token, expiresAt: new Date().toISOString(), agent: ME } });
    await session().login({ email: ME.email, password: 'correct-horse-1' });
    expect(session().status()).toBe('signed-in');
    expect(bed.session.length).toBe(1);
    expect(bed.session.getItem(StorageKeys.token)).toBe(token);
    expect(bed.local.length).toBe(0);
  });

  it('sends the agent to login, with the way back, when the server refuses the token', async () => {
    const { bed, session } = setup();
    bed.session.setItem(StorageKeys.token, fakeJwt(600));
    bed.backend.on('GET /agents/me', { body: ME });
    await session().restore();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/mine/abc');
    const navigate = jest.spyOn(router, 'navigate');
    // Any call the server refuses does it, e.g. the next list refresh.
    bed.backend.on('GET /agents', problemBody(401, 'TOKEN_EXPIRED', 'expired'));
    await TestBed.inject((await import('../api/api-client')).ApiClient).call('get /agents').catch(() => undefined);
    TestBed.tick();
    await settle();
    expect(navigate).toHaveBeenCalledWith(['/login'], { queryParams: { returnUrl: '/mine/abc' } });
    expect(session().status()).toBe('signed-out');
    expect(TestBed.inject(AuthToken).refused()).toBe('expired');
  });

  it('ends the session by itself when the token runs out', async () => {
    jest.useFakeTimers();
    try {
      const { bed, session } = setup();
      bed.session.setItem(StorageKeys.token, fakeJwt(30));
      bed.backend.on('GET /agents/me', { body: ME });
      const restoring = session().restore();
      await jest.advanceTimersByTimeAsync(0);
      await restoring;
      TestBed.tick();
      expect(session().status()).toBe('signed-in');
      await jest.advanceTimersByTimeAsync(31_000);
      TestBed.tick();
      expect(session().status()).toBe('signed-out');
      expect(bed.session.getItem(StorageKeys.token)).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
