import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Caller, ErrorCode } from '@parley/contracts';
import type { Request } from 'express';
import { AppError } from '../common/app-error';
import { CALLERS_KEY } from './api-route.decorator';
import { AuthService } from './auth.service';
import type { Principal } from './principal';

type AuthedRequest = Request & { principal?: Principal };

export function allows(callers: readonly Caller[], p: Principal): boolean {
  if (p.kind === 'agent') return callers.includes('agent') || (p.role === 'admin' && callers.includes('admin'));
  return callers.includes(p.kind);
}

/**
 * Global guard: every route declares its callers in the contracts; a route that declares none is
 * refused, so forgetting to authorize an endpoint fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // sockets authenticate in the handshake
    const callers = this.reflector.get<readonly Caller[] | undefined>(CALLERS_KEY, ctx.getHandler());
    if (!callers) throw new AppError(ErrorCode.Forbidden, 'Route has no declared callers');
    if (callers.includes('public')) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    const principal = await this.auth.authenticate(match?.[1]);
    if (!allows(callers, principal)) throw new AppError(ErrorCode.Forbidden, 'Not allowed for this caller');
    req.principal = principal;
    return true;
  }
}

/** The authenticated caller of an HTTP request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new AppError(ErrorCode.Unauthenticated, 'Missing credentials');
  return principal;
});
