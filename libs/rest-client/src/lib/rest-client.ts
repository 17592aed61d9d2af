import type { ErrorCode, FieldError, RestRouteKey, RestRouteKeyWithoutArgs, RouteArgs, RouteResponse } from '@parley/contracts';
import { ApiError } from './api-error';
import { routeMethod, untypedRouteUrl } from './route-url';

export interface RestClientOptions {
  /** Put before every path; '' (the default) is the page's own origin. */
  origin?: string;
  /** Defaults to the global fetch, looked up at each call so tests can replace it. */
  fetch?: typeof fetch;
  /** The bearer token of every call that does not bring its own, read afresh at each call. */
  token?: () => string | null | undefined;
  /** Request options every call shares, such as `credentials`. */
  init?: Omit<RequestInit, 'method' | 'headers' | 'body' | 'signal'>;
  /** Give up on a call after this long; unset, a call waits as long as fetch does. */
  timeoutMs?: number;
  /** The message of the NETWORK error, which clients show as it is. */
  networkMessage?: string;
  /** Sees each failure before it is thrown, with whether a token went with the call. */
  onError?: (err: ApiError, sentToken: boolean) => void;
}

/** What a call passes besides the key: the route's params, query and body, and maybe its own token. */
export type CallArgs<K extends RestRouteKey> = RouteArgs<K> & { token?: string };

/** The arguments after the key: optional for a route with nothing required, required otherwise. */
export type CallRest<K extends RestRouteKey> = K extends RestRouteKeyWithoutArgs ? [args?: CallArgs<K>] : [args: CallArgs<K>];

/** One typed call: `call('post /threads/{id}/claim', { params: { id } })` resolves to the route's response. */
export type RestCall = <K extends RestRouteKey>(key: K, ...args: CallRest<K>) => Promise<RouteResponse<K>>;

type LooseArgs = { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown; token?: string };
type ProblemFields = { code?: ErrorCode; detail?: string; title?: string; errors?: FieldError[] };

/**
 * A fetch-based client of the REST API. A success answers the parsed JSON; anything else throws an
 * {@link ApiError} carrying the problem document's code, so every client tells errors apart the same way.
 */
export function createRestClient(options: RestClientOptions = {}): RestCall {
  const call = async (key: RestRouteKey, args: LooseArgs = {}): Promise<unknown> => {
    const { params, query, body } = args;
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
    }
    const qs = search.toString();
    const url = (options.origin ?? '') + untypedRouteUrl(key, params) + (qs ? `?${qs}` : '');

    const headers: Record<string, string> = { accept: 'application/json' };
    const token = args.token ?? options.token?.() ?? undefined;
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { ...options.init, method: routeMethod(key), headers, body: body === undefined ? undefined : JSON.stringify(body) };
    if (options.timeoutMs !== undefined) init.signal = AbortSignal.timeout(options.timeoutMs);

    const fail = (err: ApiError): never => {
      options.onError?.(err, Boolean(token));
      throw err;
    };
    let res: Response;
    try {
      res = await (options.fetch ?? globalThis.fetch)(url, init);
    } catch {
      return fail(new ApiError(0, 'NETWORK', options.networkMessage ?? 'Cannot reach the server'));
    }
    // An empty or non-JSON answer reads as no body: a problem then falls back to the status.
    const data: unknown = await res.json().catch(() => undefined);
    if (res.ok) return data;
    const problem = (data ?? {}) as ProblemFields;
    return fail(new ApiError(res.status, problem.code ?? 'UNKNOWN', problem.detail ?? problem.title ?? `HTTP ${res.status}`, problem.errors ?? []));
  };
  return call as RestCall;
}
