import jwt from 'jsonwebtoken';
import { e2e } from './state';

export type TokenType = 'agent' | 'visitor';

/** Signs a token the way the server does (HS256, claims {sub, typ}). */
export function signToken(
  sub: string,
  typ: TokenType,
  opts: { secret?: string; expSecondsFromNow?: number } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + (opts.expSecondsFromNow ?? 3600);
  return jwt.sign({ sub, typ, iat: Math.min(now, exp - 60), exp }, opts.secret ?? e2e().jwtSecret, {
    algorithm: 'HS256',
  });
}

/** Valid signature, expired an hour ago. */
export function expiredToken(sub: string, typ: TokenType): string {
  return signToken(sub, typ, { expSecondsFromNow: -3600 });
}

/** Well-formed and unexpired, but signed with a secret the server does not know. */
export function forgedToken(sub: string, typ: TokenType): string {
  return signToken(sub, typ, { secret: 'not-the-server-secret-but-long-enough-0123456789' });
}
