import { API_PREFIX } from '@parley/contracts';

type Handler = (req: { method: string; path: string; query: URLSearchParams; body: unknown; headers: Record<string, string> }) =>
  | { status?: number; body?: unknown }
  | Promise<{ status?: number; body?: unknown }>;

/**
 * A fake server behind the console's `FETCH`: routes are matched on "METHOD /path" below the API
 * prefix (`:id` matches a path segment); every call is recorded.
 */
export class FakeBackend {
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];
  readonly calls: { method: string; path: string; query: URLSearchParams; body: unknown; headers: Record<string, string> }[] = [];

  on(route: string, handler: Handler | { status?: number; body?: unknown }): this {
    const [method, path] = route.split(' ');
    const pattern = new RegExp(`^${path.replace(/:\w+/g, '[^/]+')}$`);
    this.routes.unshift({ method, pattern, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), 'http://console.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const req = { method, path, query: url.searchParams, body, headers };
    this.calls.push(req);
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route) return problem(404, 'NOT_FOUND', `no fake route for ${method} ${path}`);
    const res = await route.handler(req);
    return jsonResponse(res.status ?? 200, res.body);
  };

  callsTo(route: string): FakeBackend['calls'] {
    const [method, path] = route.split(' ');
    const pattern = new RegExp(`^${path.replace(/:\w+/g, '[^/]+')}$`);
    return this.calls.filter((c) => c.method === method && pattern.test(c.path));
  }
}

export function problem(status: number, code: string, detail: string, errors?: { path: string; message: string }[]): Response {
  return jsonResponse(status, { type: 'about:blank', title: code, status, code, detail, errors });
}

export function problemBody(status: number, code: string, detail: string): { status: number; body: unknown } {
  return { status, body: { type: 'about:blank', title: code, status, code, detail } };
}

function jsonResponse(status: number, body: unknown): Response {
  const text = body === undefined ? '' : JSON.stringify(body);
  // jsdom has no Response: a minimal stand-in with what the REST client reads.
  return { ok: status >= 200 && status < 300, status, text: () => Promise.resolve(text), json: () => Promise.resolve(text).then(JSON.parse) } as Response;
}
