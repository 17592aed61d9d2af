import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IDEMPOTENT_REPLAYED_HEADER, type RestRoute, type RouteAudit } from '@parley/contracts';
import type { Request, Response } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { ROUTE_KEY } from '../auth/api-route.decorator';
import type { Principal } from '../auth/principal';
import { actorOf, AuditService } from './audit.service';

type AuthedRequest = Request & { principal?: Principal };

/** The id of what the call acted on, as the route's audit entry names it. */
function targetId(audit: RouteAudit, req: AuthedRequest, result: unknown): string | null {
  switch (audit.target.from) {
    case 'path':
      return typeof req.params['id'] === 'string' ? req.params['id'] : null;
    case 'caller':
      return req.principal?.id ?? null;
    case 'response': {
      const r = result as { id?: unknown; agent?: { id?: unknown } } | null;
      const id = r?.id ?? r?.agent?.id;
      return typeof id === 'string' ? id : null;
    }
    case 'none':
      return null;
  }
}

/**
 * Writes the audit entry of every route the table marks with `audit`, once the handler has
 * succeeded and before the answer leaves, so a caller that has its answer finds the entry. A
 * refused or failed call changed nothing and writes nothing; an `Idempotency-Key` replay did not act
 * again and writes nothing. If the log cannot be written the action still answers (it is done), and
 * the failure is logged as an error.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly log = new Logger('Audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const route = this.reflector.get<RestRoute | undefined>(ROUTE_KEY, ctx.getHandler());
    const spec = route?.audit;
    if (!spec) return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        if (res.getHeader(IDEMPOTENT_REPLAYED_HEADER)) return result;
        const body = req.body as unknown;
        const changes = body && typeof body === 'object' && Object.keys(body).length > 0 ? { changes: body } : {};
        await this.audit
          .record({
            actor: actorOf(req.principal),
            action: spec.action,
            target: { type: spec.target.type, id: targetId(spec, req, result) },
            ip: req.ip ?? null,
            userAgent: req.get('user-agent') ?? null,
            details: changes,
          })
          .catch((err: unknown) => this.log.error(`could not write the audit entry ${spec.action}: ${String(err)}`));
        return result;
      }),
    );
  }
}
