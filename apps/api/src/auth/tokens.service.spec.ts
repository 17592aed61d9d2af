import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { TokensService } from './tokens.service';

const SECRET = 'unit-secret-unit-secret-unit-secret-0123';
const config = AppConfig.fromEnv({ NODE_ENV: 'test', JWT_SECRET: SECRET, AGENT_TOKEN_TTL_SECONDS: '60' });
const tokens = new TokensService(new JwtService({ secret: SECRET }), config);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'none';
}

describe('TokensService', () => {
  it('round-trips an agent and a visitor token', () => {
    const agent = tokens.sign('agent', 'a-1');
    expect(tokens.verify(agent.token)).toEqual({ sub: 'a-1', typ: 'agent' });
    expect(Date.parse(agent.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(tokens.verify(tokens.sign('visitor', 'v-1').token)).toEqual({ sub: 'v-1', typ: 'visitor' });
  });

  it('says an expired token has expired', () => {
    const expired = new JwtService({ secret: SECRET }).sign({ typ: 'agent' }, { subject: 'a', expiresIn: -10 });
    expect(codeOf(() => tokens.verify(expired))).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token signed with another secret, an unsigned one and garbage', () => {
    const forged = new JwtService({ secret: 'another-secret-another-secret-another' }).sign({ typ: 'agent' }, { subject: 'a' });
    expect(codeOf(() => tokens.verify(forged))).toBe('UNAUTHENTICATED');
    const [header, payload] = tokens.sign('agent', 'a').token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(header).toBeTruthy();
    expect(codeOf(() => tokens.verify(none))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => tokens.verify('not-a-token'))).toBe('UNAUTHENTICATED');
  });

  it('refuses a well-signed token of an unknown type', () => {
    const odd = new JwtService({ secret: SECRET }).sign({ typ: 'root' }, { subject: 'a' });
    expect(codeOf(() => tokens.verify(odd))).toBe('UNAUTHENTICATED');
  });
});
