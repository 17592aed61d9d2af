import { EmailSchema, ErrorCode, LIMITS, NameSchema } from '@parley/contracts';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import { AppError } from '../common/app-error';

/** Clock difference between the site's backend and Parley that is forgiven, in seconds. */
export const IDENTITY_CLOCK_TOLERANCE_S = 30;

/** Who a valid identity token says the visitor is. */
export interface IdentityClaims {
  sub: string;
  name?: string;
  email?: string;
}

const invalid = () => new AppError(ErrorCode.IdentityTokenInvalid, 'The identity token is not a JWT signed (HS256) with one of the identity secrets');
const badClaim = (claim: string, why: string) => new AppError(ErrorCode.IdentityClaimsInvalid, `The identity token's "${claim}" claim ${why}`, [{ path: claim, message: why }]);

/** The payload of `token` when one of `keys` (newest first) signed it with HS256; throws the code that says why not. */
async function verified(token: string, keys: readonly Uint8Array[]): Promise<JWTPayload> {
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['sub', 'iat', 'exp'], clockTolerance: IDENTITY_CLOCK_TOLERANCE_S });
      return payload;
    } catch (err) {
      // Signed with another key: perhaps the previous one, during a rotation.
      if (err instanceof errors.JWSSignatureVerificationFailed) continue;
      // jose checks the claims only once the signature holds, so these speak of a genuine token.
      if (err instanceof errors.JWTExpired) throw new AppError(ErrorCode.IdentityTokenExpired, 'The identity token has expired: the site must sign a fresh one');
      if (err instanceof errors.JWTClaimValidationFailed) throw badClaim(err.claim, err.reason === 'missing' ? 'is missing' : `is not valid (${err.reason})`);
      // alg "none" or any other algorithm, a malformed token, a payload that is not JSON.
      throw invalid();
    }
  }
  throw invalid();
}

/**
 * Checks an identity token the way Parley documents it: a JWT signed HS256 with a current identity
 * secret, `sub` (the site's user id, up to 128 characters), optional `name` and `email`, `iat` and
 * `exp` at most 24 hours apart (and `exp` at most 24 hours ahead, whatever `iat` says).
 */
export async function verifyIdentityToken(token: string, keys: readonly Uint8Array[], nowMs = Date.now()): Promise<IdentityClaims> {
  const payload = await verified(token, keys);
  const now = Math.floor(nowMs / 1000);
  const max = LIMITS.identityTokenLifetimeMaxSeconds;
  const { sub, iat, exp } = payload as { sub: unknown; iat: number; exp: number };
  if (exp - iat > max) throw badClaim('exp', 'is more than 24 hours after "iat": identity tokens must be short-lived');
  if (exp - now > max + IDENTITY_CLOCK_TOLERANCE_S) throw badClaim('exp', 'is more than 24 hours ahead');
  if (iat > now + IDENTITY_CLOCK_TOLERANCE_S) throw badClaim('iat', 'is in the future');
  if (typeof sub !== 'string' || sub.length === 0) throw badClaim('sub', 'must be a non-empty string');
  if (sub.length > LIMITS.identitySubMax) throw badClaim('sub', `is longer than ${LIMITS.identitySubMax} characters`);
  const claims: IdentityClaims = { sub };
  if (payload['name'] !== undefined) {
    const name = NameSchema.safeParse(payload['name']);
    if (!name.success) throw badClaim('name', 'is not a valid name');
    claims.name = name.data;
  }
  if (payload['email'] !== undefined) {
    const email = EmailSchema.safeParse(payload['email']);
    if (!email.success) throw badClaim('email', 'is not a valid email address');
    claims.email = email.data;
  }
  return claims;
}
