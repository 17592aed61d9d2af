import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Caller, ErrorCode, type RestRoute } from '@parley/contracts';
import type { Request, Response } from 'express';
import { AppError } from '../common/app-error';
import { ApiKeyLimits } from './api-key.limits';
import { ROUTE_KEY } from './api-route.decorator';
import { AuthService } from './auth.service';
import type { Principal } from './principal';

type AuthedRequest = Request & { principal?: Principal };

export function allows(callers: readonly Caller[], p: Principal): boolean {
  if (p.kind === 'agent') return callers.includes('agent') || (p.role === 'admin' && callers.includes('admin'));
  return callers.includes(p.kind);
}

/** The scope an API key lacks on a route, or null when it may call it. A route that names no scope admits no key. */
export function missingScope(route: Pick<RestRoute, 'scope'>, p: Extract<Principal, { kind: 'apiKey' }>): string | null {
  if (!route.scope) return '(none declared for this route)';
  return p.scopes.includes(route.scope) ? null : route.scope;
}

/**
 * Global guard: every route declares its callers in the contracts; a route that declares none is
 * refused, so forgetting to authorize an endpoint fails closed. API keys are also counted against
 * their rate limit and must hold the scope the route names.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeyLimits: ApiKeyLimits,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // sockets authenticate in the handshake
    const route = this.reflector.get<RestRoute | undefined>(ROUTE_KEY, ctx.getHandler());
    if (!route) throw new AppError(ErrorCode.Forbidden, 'Route has no declared callers');
    if (route.callers.includes('public')) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    const principal = await this.auth.authenticate(match?.[1], req.ip);
    // Known from here on, so the request's log line names its caller even when it is refused below.
    req.principal = principal;
    if (principal.kind === 'apiKey') await this.apiKeyLimits.admit(principal.id, ctx.switchToHttp().getResponse<Response>());
    if (!allows(route.callers, principal)) throw new AppError(ErrorCode.Forbidden, 'Not allowed for this caller');
    if (principal.kind === 'apiKey') {
      const missing = missingScope(route, principal);
      if (missing) {
        // RFC 6750 §3.1: the scope the token lacks, for clients that read the challenge.
        if (route.scope) ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${route.scope}"`);
        throw new AppError(ErrorCode.InsufficientScope, `This API key lacks the scope ${missing}`);
      }
    }
    return true;
  }
}

/** The authenticated caller of an HTTP request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new AppError(ErrorCode.Unauthenticated, 'Missing credentials');
  return principal;
});
