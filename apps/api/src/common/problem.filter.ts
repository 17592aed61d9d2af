import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import {
  ERROR_HTTP_STATUS,
  ErrorCode,
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
} from '@parley/contracts';
import type { Request, Response } from 'express';
import { rateLimited } from '../metrics/instruments';
import { AppError } from './app-error';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Maps anything thrown while serving a request to an RFC 9457 problem document. */
export function toProblem(err: unknown, instance?: string): Problem {
  const { code, detail, errors, status } = classify(err);
  const httpStatus = status ?? ERROR_HTTP_STATUS[code];
  return {
    type: `https://parley.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[httpStatus] ?? 'Error',
    status: httpStatus,
    code,
    detail,
    instance,
    ...(errors ? { errors } : {}),
  };
}

function classify(err: unknown): { code: ErrorCode; detail: string; errors?: FieldError[]; status?: number } {
  if (err instanceof AppError) return { code: err.code, detail: err.message, errors: err.errors };
  if (err instanceof ThrottlerException) {
    rateLimited.inc({ limit: 'auth_address' });
    return { code: ErrorCode.RateLimited, detail: 'Too many requests; try again later' };
  }
  // Body-parser errors arrive wrapped by the Express adapter, with the original as `cause`.
  const bodyError = ((err as { cause?: unknown })?.cause ?? err) as { type?: string };
  if (bodyError?.type === 'entity.parse.failed') return { code: ErrorCode.InvalidJson, detail: 'The request body is not valid JSON' };
  if (bodyError?.type === 'entity.too.large') return { code: ErrorCode.PayloadTooLarge, detail: 'The request body is too large' };
  if (bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') {
    return { code: ErrorCode.UnsupportedMediaType, detail: 'Unsupported body encoding' };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) return { code: ErrorCode.NotFound, detail: 'No such route' };
    if (status === 401) return { code: ErrorCode.Unauthenticated, detail: err.message };
    if (status === 403) return { code: ErrorCode.Forbidden, detail: err.message };
    if (status === 413) return { code: ErrorCode.PayloadTooLarge, detail: err.message };
    if (status < 500) return { code: ErrorCode.ValidationFailed, detail: err.message, status };
  }
  return { code: ErrorCode.Internal, detail: 'Something went wrong on our side' };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const problem = toProblem(err, req.originalUrl?.split('?')[0]);
    if (problem.status >= 500) this.logger.error(err instanceof Error ? err.stack : String(err));
    if (res.headersSent) return;
    if (err instanceof AppError && err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
