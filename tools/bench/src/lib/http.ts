import { API_PREFIX } from '@parley/contracts';

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** One JSON request to Parley's REST API; fails on any status other than `expect`. */
export async function api(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; expect?: number | number[] } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let lastError: unknown;
  // Setup runs thousands of these against a busy machine: retry a refused or timed-out request twice.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(`${baseUrl}${API_PREFIX}${path}`, {
        method: method.toUpperCase(),
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the error message
      }
      const expected = opts.expect === undefined ? [200, 201] : ([] as number[]).concat(opts.expect);
      if (!expected.includes(res.status)) {
        throw new Error(`${method.toUpperCase()} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
      }
      return { status: res.status, body };
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
