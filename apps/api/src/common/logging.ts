import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import type { Principal } from '../auth/principal';
import { redactUrl } from './redact';

type LoggedRequest = IncomingMessage & {
  id?: unknown;
  originalUrl?: string;
  principal?: Principal;
  /** Express's matched route, there once a route handled the request. */
  route?: { path?: unknown };
};

/** A caller's own request id is kept when it looks like one (for tracing across a proxy), else ours. */
const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Where secrets could hide in anything logged: credential headers, and credential fields of any
 * object a line carries (a body in an error, a failed request's context), one or two levels down.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...['password', 'currentPassword', 'newPassword', 'token', 'accessToken', 'refreshToken', 'apiKey', 'secret', 'key'].flatMap((f) => [
    f,
    `*.${f}`,
    `*.*.${f}`,
  ]),
];

export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The fields of the one line logged per request: nothing from its headers, its body or its query. */
export function requestLine(req: LoggedRequest, res: ServerResponse, durationMs: number): Record<string, unknown> {
  // A catch-all (`{/*splat}`, the clients' fallback) says less than the path itself.
  const route = typeof req.route?.path === 'string' && !req.route.path.includes('*') ? req.route.path : null;
  const principal = req.principal;
  return {
    method: req.method,
    // The pattern (`/api/v1/threads/:id`) when a route matched; else the path alone, never the query.
    route: route ?? redactUrl((req.originalUrl ?? req.url ?? '').split('?')[0]),
    status: res.statusCode,
    durationMs,
    ...(principal ? { principal: { kind: principal.kind, id: principal.id } } : {}),
  };
}

/** The short human form of a request's line: `GET /api/v1/agents/me 200 4ms agent:<id>`. */
function message(req: LoggedRequest, res: ServerResponse, durationMs?: number): string {
  const line = requestLine(req, res, durationMs ?? 0);
  const parts = [String(line.method), String(line.route), String(res.statusCode)];
  if (durationMs !== undefined) parts.push(`${durationMs}ms`);
  if (req.principal) parts.push(`${req.principal.kind}:${req.principal.id}`);
  return parts.join(' ');
}

/**
 * HTTP logging: one line per request, when it completes, with its id, route pattern, status,
 * duration and caller. JSON lines in production (for a log shipper); short readable lines at a
 * terminal otherwise. Nothing of the request's headers or query is logged, and `redact` takes out
 * credentials from whatever else a line may carry.
 */
export function httpLogging(config: Pick<AppConfig, 'env' | 'logLevel'>): Params['pinoHttp'] {
  const production = config.env === 'production';
  return {
    level: config.logLevel,
    ...(production
      ? {}
      : { transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname,reqId,method,route,status,durationMs,principal' } } }),
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    genReqId: requestId,
    // Lines written while a request runs carry its id only, never the request itself.
    quietReqLogger: true,
    quietResLogger: true,
    customSuccessObject: (req: LoggedRequest, res: ServerResponse, val: { responseTime: number }) => requestLine(req, res, val.responseTime),
    customErrorObject: (req: LoggedRequest, res: ServerResponse, err: Error, val: { responseTime: number }) => ({
      ...requestLine(req, res, val.responseTime),
      err: { type: err.name, message: err.message },
    }),
    // A failed request is an error; a refused one (4xx) is the caller's business, logged as any other.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: message,
    // Its duration is in the line's fields (pino-http's types give this one no response time).
    customErrorMessage: (req: LoggedRequest, res: ServerResponse) => `${message(req, res)} failed`,
    autoLogging: { ignore: (req) => req.url?.startsWith('/api/health') ?? false },
  };
}
