import { ErrorCode, PROBLEM_CONTENT_TYPE } from '@parley/contracts';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './app-error';
import { toProblem } from './problem.filter';

/**
 * The REST API reads JSON bodies only. A body of another type (JSON sent as text/plain, a form)
 * would otherwise be left unparsed and answered as if every field were missing; it gets a plain
 * 415 instead. Requests without a body (POST .../close) pass.
 */
export function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is('json')) return next();
  const problem = toProblem(
    new AppError(ErrorCode.UnsupportedMediaType, `Send the body as application/json, not ${req.headers['content-type'] ?? 'without a content type'}`),
    req.originalUrl.split('?')[0],
  );
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
