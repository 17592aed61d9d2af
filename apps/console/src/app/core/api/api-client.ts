import { inject, Injectable, InjectionToken } from '@angular/core';
import { ErrorCode, type RestRouteKeyFor, type RouteResponse } from '@parley/contracts';
import { type CallRest, createRestClient, type RestCall } from '@parley/rest-client';
import { AuthToken, refusalReason } from '../session/auth-token';

/** The `fetch` the client uses; specs replace it. */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});

/** Base URL of the server: '' means the page's own origin, where the API serves the console. */
export const API_ORIGIN = new InjectionToken<string>('API_ORIGIN', { providedIn: 'root', factory: () => '' });

const REQUEST_TIMEOUT_MS = 15_000;
const REFUSED_TOKEN_CODES: readonly string[] = [ErrorCode.TokenExpired, ErrorCode.Unauthenticated, ErrorCode.AccountDeactivated];

/** The routes an agent's console may call: a visitor's or an integrator's alone do not type-check. */
export type ConsoleRouteKey = RestRouteKeyFor<'public' | 'agent' | 'admin'>;

/**
 * The console's REST client: one typed method, `call('post /threads/{id}/claim', {params})`, over
 * the contracts' route table. Errors become `ApiError` with the problem document's code; a refused
 * token is reported to `AuthToken`, which sends the agent back to the login page.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly auth = inject(AuthToken);
  private readonly rest: RestCall = createRestClient({
    fetch: inject(FETCH),
    origin: inject(API_ORIGIN),
    token: () => this.auth.token(),
    timeoutMs: REQUEST_TIMEOUT_MS,
    networkMessage: 'Cannot reach the server',
    onError: (err, sentToken) => {
      if (sentToken && REFUSED_TOKEN_CODES.includes(err.code)) this.auth.refuse(refusalReason(err.code));
    },
  });

  call<K extends ConsoleRouteKey>(key: K, ...args: CallRest<K>): Promise<RouteResponse<K>> {
    return this.rest(key, ...args);
  }
}
