import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestId, requestLine } from './logging';

function res(): ServerResponse & { headers: Record<string, unknown> } {
  const headers: Record<string, unknown> = {};
  return { headers, statusCode: 204, setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = value) } as never;
}

describe('request logging', () => {
  it("keeps a caller's plain X-Request-Id and replaces anything else with a UUID, sent back either way", () => {
    const kept = res();
    expect(requestId({ headers: { 'x-request-id': 'lb-123.abc:9' } } as never, kept)).toBe('lb-123.abc:9');
    expect(kept.headers['x-request-id']).toBe('lb-123.abc:9');
    for (const given of ['bad id\nforged: line', 'x'.repeat(101), '', undefined]) {
      const r = res();
      const id = requestId({ headers: given === undefined ? {} : { 'x-request-id': given } } as never, r);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers['x-request-id']).toBe(id);
    }
  });

  it('a line holds the route pattern, status, duration and caller, and never the query', () => {
    const req = {
      method: 'GET',
      url: '/api/v1/threads/abc?token=s3cret',
      originalUrl: '/api/v1/threads/abc?token=s3cret',
      headers: { authorization: 'Bearer s3cret' },
      route: { path: '/api/v1/threads/:id' },
      principal: { kind: 'visitor', id: 'v1', name: 'Ann' },
    } as unknown as IncomingMessage;
    expect(requestLine(req, res(), 7)).toEqual({
      method: 'GET',
      route: '/api/v1/threads/:id',
      status: 204,
      durationMs: 7,
      principal: { kind: 'visitor', id: 'v1' },
    });
    const unmatched = { method: 'GET', url: '/ws/support/t1/?token=s3cret', headers: {} } as unknown as IncomingMessage;
    expect(JSON.stringify(requestLine(unmatched, res(), 1))).not.toContain('s3cret');
    expect(requestLine(unmatched, res(), 1).route).toBe('/ws/support/t1/');
  });
});
