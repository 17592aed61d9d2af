import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ErrorCode } from '@parley/contracts';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';

export type TokenType = 'agent' | 'visitor';
export interface TokenClaims {
  sub: string;
  typ: TokenType;
  /** An agent token's session (agent_sessions.id): the token is good only while it is open. */
  sid?: string;
}

/** Signs and verifies the JWTs of agents and visitors (HS256, secret from config). */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  /** How long a token of this type lasts. */
  ttlSeconds(typ: TokenType): number {
    return typ === 'agent' ? this.config.agentTokenTtlSeconds : this.config.visitorTokenTtlSeconds;
  }

  sign(typ: TokenType, sub: string, sid?: string): { token: string; expiresAt: string } {
    const ttl = this.ttlSeconds(typ);
    const claims: Omit<TokenClaims, 'sub'> = sid ? { typ, sid } : { typ };
    const token = this.jwt.sign(claims, { subject: sub, expiresIn: ttl });
    return { token, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() };
  }

  verify(token: string): TokenClaims {
    try {
      const claims = this.jwt.verify<TokenClaims & { exp: number }>(token, { algorithms: ['HS256'] });
      if ((claims.typ !== 'agent' && claims.typ !== 'visitor') || typeof claims.sub !== 'string') {
        throw new AppError(ErrorCode.Unauthenticated, 'Invalid token');
      }
      return typeof claims.sid === 'string' ? { sub: claims.sub, typ: claims.typ, sid: claims.sid } : { sub: claims.sub, typ: claims.typ };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if ((err as Error).name === 'TokenExpiredError') throw new AppError(ErrorCode.TokenExpired, 'The token has expired');
      throw new AppError(ErrorCode.Unauthenticated, 'Invalid token');
    }
  }
}
