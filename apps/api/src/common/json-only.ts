import { API_PREFIX, ErrorCode, PROBLEM_CONTENT_TYPE, REST_ROUTE_LIST } from '@parley/contracts';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error';
import { toProblem } from './problem.filter';

/**
 * The REST API reads JSON bodies only. A body of another type (JSON sent as text/plain, a form)
 * would otherwise be left unparsed and answered as if every field were missing; it gets a plain
 * 415 instead. Requests without a body (POST .../close) pass, and so do the upload routes' bodies,
 * which their handlers check and stream themselves.
 */
/** The routes whose body is a file upload (multipart, read by their handler as a stream), by method and URL. */
const UPLOAD_ROUTES = REST_ROUTE_LIST.filter((r) => r.upload).map((r) => ({
  method: r.method.toUpperCase(),
  path: new RegExp(`^${(r.base ?? API_PREFIX) + r.path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

export function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is('json')) return next();
  const path = req.originalUrl.split('?')[0];
  if (UPLOAD_ROUTES.some((r) => r.method === req.method && r.path.test(path))) return next();
  const problem = toProblem(
    new AppError(ErrorCode.UnsupportedMediaType, `Send the body as application/json, not ${req.headers['content-type'] ?? 'without a content type'}`),
    req.originalUrl.split('?')[0],
  );
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
