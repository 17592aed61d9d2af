import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { ApiClient } from '../api/api-client';
import { SessionStore } from './session.store';

async function needsSetup(api: ApiClient): Promise<boolean> {
  try {
    return (await api.call('get /setup')).needsSetup;
  } catch {
    return false;
  }
}

/** The signed-in area: without a session, the first-run page (no agent yet) or the login page. */
export const signedInGuard: CanActivateFn = async (_route, state) => {
  // inject() only works before the first await.
  const session = inject(SessionStore);
  const router = inject(Router);
  const api = inject(ApiClient);
  await session.restore();
  if (session.status() === 'signed-in') return true;
  if (await needsSetup(api)) return router.createUrlTree(['/setup']);
  const returnUrl = state.url && state.url !== '/' ? { returnUrl: state.url } : undefined;
  return router.createUrlTree(['/login'], { queryParams: returnUrl });
};

/** Login: only when signed out, and only once the first admin exists. */
export const loginGuard: CanActivateFn = async () => {
  const session = inject(SessionStore);
  const router = inject(Router);
  const api = inject(ApiClient);
  await session.restore();
  if (session.status() === 'signed-in') return router.createUrlTree(['/']);
  return (await needsSetup(api)) ? router.createUrlTree(['/setup']) : true;
};

/** First run: only while the server has no agent. */
export const setupGuard: CanActivateFn = async () => {
  const router = inject(Router);
  return (await needsSetup(inject(ApiClient))) ? true : router.createUrlTree(['/login']);
};

export const adminGuard: CanActivateFn = () => {
  const session = inject(SessionStore);
  return session.isAdmin() ? true : inject(Router).createUrlTree(['/']);
};
