import { inject, Injectable, InjectionToken } from '@angular/core';
import { API_PREFIX, ErrorCode, type FieldError } from '@parley/contracts';
import { AuthToken } from '../session/auth-token';
import { ApiError } from './api-error';
import type { CallArgs, ConsoleRoutes, ResponseOf, RouteKey } from './api-routes';

/** The `fetch` the client uses; specs replace it. */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});

/** Base URL of the server: '' means the page's own origin, where the API serves the console. */
export const API_ORIGIN = new InjectionToken<string>('API_ORIGIN', { providedIn: 'root', factory: () => '' });

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The URL of a route: the key is the contracts' method and path, so the URL is the API prefix and
 * that path with its parameters filled in. (The route table itself stays out of the bundle: it
 * holds the zod schemas, and the console's first screen should not download zod.)
 */
export function routeUrl(key: RouteKey, params: Record<string, string> = {}): string {
  const template = key.slice(key.indexOf(' ') + 1);
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`"${key}" needs the parameter ${name}`);
    return encodeURIComponent(value);
  });
  return API_PREFIX + path;
}

type AnyArgs = { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };

/**
 * The console's REST client: one typed method, `call('post /threads/{id}/claim', {params})`, over
 * the contracts' route table. Errors become `ApiError` with the problem document's code; a refused
 * token is reported to `AuthToken`, which sends the agent back to the login page.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly fetch = inject(FETCH);
  private readonly origin = inject(API_ORIGIN);
  private readonly auth = inject(AuthToken);

  async call<K extends RouteKey>(key: K, ...args: keyof CallArgs<K> extends never ? [] : [CallArgs<K>]): Promise<ResponseOf<K>> {
    const { params, query, body } = (args[0] ?? {}) as AnyArgs;
    const method = key.slice(0, key.indexOf(' ')).toUpperCase();
    let url = this.origin + routeUrl(key, params);
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
    }
    const qs = search.toString();
    if (qs) url += `?${qs}`;

    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.auth.token();
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let res: Response;
    try {
      res = await this.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server');
    }
    const text = await res.text();
    const data: unknown = text ? safeJson(text) : undefined;
    if (res.ok) return data as ConsoleRoutes[K]['response'];

    const problem = (data ?? {}) as { code?: string; detail?: string; title?: string; errors?: FieldError[] };
    const code = (problem.code as ErrorCode | undefined) ?? 'UNKNOWN';
    if (token && (code === ErrorCode.TokenExpired || code === ErrorCode.Unauthenticated)) {
      this.auth.refuse(code === ErrorCode.TokenExpired ? 'expired' : 'revoked');
    }
    throw new ApiError(res.status, code, problem.detail ?? problem.title ?? `HTTP ${res.status}`, problem.errors ?? []);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
