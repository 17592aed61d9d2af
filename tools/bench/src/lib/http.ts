import type { RestRouteKey, RestRouteKeyWithoutArgs, RouteResponse } from '@parley/contracts';
import { type CallArgs, routeMethod, untypedRouteUrl } from '@parley/rest-client';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** A call's arguments, and the statuses that count as success (200 and 201 unless set). */
export type BenchCallArgs<K extends RestRouteKey> = CallArgs<K> & { expect?: number | number[] };

/** One JSON request to Parley's REST API; fails on any status other than `expect`. */
export async function api<K extends RestRouteKey>(
  baseUrl: string,
  key: K,
  ...rest: K extends RestRouteKeyWithoutArgs ? [BenchCallArgs<K>?] : [BenchCallArgs<K>]
): Promise<ApiResponse<RouteResponse<K>>> {
  const { params, query, body, token, expect } = (rest[0] ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown; token?: string; expect?: number | number[] };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
  const url = baseUrl + untypedRouteUrl(key, params) + (search.size ? `?${search}` : '');
  const method = routeMethod(key);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let lastError: unknown;
  // Setup runs thousands of these against a busy machine: retry a refused or timed-out request twice.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the error message
      }
      const expected = expect === undefined ? [200, 201] : ([] as number[]).concat(expect);
      if (!expected.includes(res.status)) {
        throw new Error(`${method} ${url.slice(baseUrl.length)} answered ${res.status}: ${text.slice(0, 300)}`);
      }
      return { status: res.status, body: parsed as RouteResponse<K> };
    } catch (err) {
      lastError = err;
      if (err instanceof Error && err.message.includes(' answered ')) throw err;
    }
  }
  throw lastError;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}
