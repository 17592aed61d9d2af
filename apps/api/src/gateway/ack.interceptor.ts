import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { type AckError, type AckFailure, ErrorCode } from '@parley/contracts';
import { catchError, map, type Observable, of, tap } from 'rxjs';
import { AppError } from '../common/app-error';
import { since, socketEventSeconds } from '../metrics/instruments';

export function toAckFailure(err: unknown, logger?: Logger): AckFailure {
  if (err instanceof AppError) {
    const error: AckError = { code: err.code, message: err.message };
    if (err.errors) error.errors = err.errors;
    if (err.retryAfterMs !== undefined) error.retryAfterMs = err.retryAfterMs;
    return { ok: false, error };
  }
  logger?.error(err instanceof Error ? err.stack : String(err));
  return { ok: false, error: { code: ErrorCode.Internal, message: 'Something went wrong on our side' } };
}

/** Every socket handler answers its ack: `{ok: true, ...result}`, or `{ok: false, error}` with a code. */
@Injectable()
export class AckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Gateway');

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const start = performance.now();
    const event = ctx.switchToWs().getPattern();
    return next.handle().pipe(
      map((result: object | undefined) => ({ ok: true as const, ...(result ?? {}) })),
      catchError((err: unknown) => of(toAckFailure(err, this.logger))),
      tap((ack) => socketEventSeconds.observe({ event, outcome: ack.ok ? 'ok' : ack.error.code }, since(start))),
    );
  }
}
