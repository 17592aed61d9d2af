import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { ErrorCode, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, LIMITS } from '@parley/contracts';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, type Observable, of, switchMap, throwError } from 'rxjs';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { IdempotencyStore } from './idempotency.store';

const HEADER = IDEMPOTENCY_KEY_HEADER.toLowerCase();

/** JSON with object keys sorted, so a retry whose body differs only in key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The key of an Idempotency-Key header, or a 400. The IETF draft writes it as a structured-field
 * string (`"8e03…"`), Stripe's clients bare: both are taken, and mean the same key.
 */
export function parseIdempotencyKey(raw: string | string[]): string {
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  const key = /^"(.*)"$/.test(value) ? value.slice(1, -1) : value;
  const problem =
    key.length === 0
      ? 'must not be empty'
      : key.length > LIMITS.idempotencyKeyMax
        ? `must be at most ${LIMITS.idempotencyKeyMax} characters`
        : /[^\x20-\x7e]/.test(key)
          ? 'must be printable ASCII'
          : null;
  if (problem) throw new AppError(ErrorCode.ValidationFailed, `${IDEMPOTENCY_KEY_HEADER}: ${problem}`, [{ path: IDEMPOTENCY_KEY_HEADER, message: problem }]);
  return key;
}

/**
 * Idempotency keys on every REST POST (the IETF draft-ietf-httpapi-idempotency-key-header, as
 * Stripe does it): a POST with an `Idempotency-Key` runs once per caller and key; a retry with the
 * same key and body gets the first answer again (status and body, marked `Idempotent-Replayed:
 * true`), another body with the same key is 422, and a retry while the first still runs is 409. An
 * answer that is an error is not stored: nothing was done, so a retry runs again. Runs after the
 * guard, so the caller is known (an address for public routes) and a refused request stores nothing.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly log = new Logger('Idempotency');

  constructor(private readonly store: IdempotencyStore) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const raw = req.headers[HEADER];
    if (req.method !== 'POST' || raw === undefined) return next.handle();
    const key = parseIdempotencyKey(raw);
    const res = ctx.switchToHttp().getResponse<Response>();
    const caller = req.principal ? `${req.principal.kind}:${req.principal.id}` : `address:${req.ip ?? ''}`;
    const fingerprint = createHash('sha256').update(`POST ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`).digest('hex');

    return from(this.store.begin(caller, key, fingerprint)).pipe(
      switchMap((begun) => {
        switch (begun.kind) {
          case 'mismatch':
            throw new AppError(ErrorCode.IdempotencyKeyReused, `This ${IDEMPOTENCY_KEY_HEADER} was used for another request; use a new key for a new request`);
          case 'in-progress':
            throw new AppError(ErrorCode.IdempotencyRequestInProgress, `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry once it is answered`);
          case 'replay':
            res.status(begun.status);
            res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
            return of(begun.body);
          case 'started':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                // The work is done: failing to store its answer must not turn it into an error.
                await this.store.complete(caller, key, res.statusCode, body).catch((err: Error) => this.log.warn(`storing an answer: ${err.message}`));
                return body;
              }),
              catchError((err: unknown) => from(this.store.abandon(caller, key).catch(() => undefined)).pipe(mergeMap(() => throwError(() => err)))),
            );
        }
      }),
    );
  }
}
