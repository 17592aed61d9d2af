import { allows, missingScope } from './auth.guard';
import type { Principal } from './principal';

const admin: Principal = { kind: 'agent', id: '1', name: 'A', role: 'admin' };
const agent: Principal = { kind: 'agent', id: '2', name: 'B', role: 'agent' };
const visitor: Principal = { kind: 'visitor', id: '3', name: 'V' };
const apiKey: Principal = { kind: 'apiKey', id: '4', name: 'K', scopes: ['threads:read'] };

describe('allows', () => {
  it('lets only admins through admin routes', () => {
    expect(allows(['admin'], admin)).toBe(true);
    expect(allows(['admin'], agent)).toBe(false);
    expect(allows(['admin'], visitor)).toBe(false);
    expect(allows(['admin'], apiKey)).toBe(false);
  });

  it('treats every agent, admin or not, as an agent', () => {
    expect(allows(['agent'], admin)).toBe(true);
    expect(allows(['agent'], agent)).toBe(true);
  });

  it('matches visitors and API keys by kind only', () => {
    expect(allows(['agent', 'apiKey'], visitor)).toBe(false);
    expect(allows(['agent', 'apiKey'], apiKey)).toBe(true);
    expect(allows(['visitor'], visitor)).toBe(true);
    expect(allows(['visitor'], agent)).toBe(false);
  });
});

describe('missingScope', () => {
  const key = { kind: 'apiKey', id: '4', name: 'K', scopes: ['threads:read', 'agents:read'] } as const;

  it('admits a key holding the scope the route names', () => {
    expect(missingScope({ scope: 'threads:read' }, key)).toBeNull();
    expect(missingScope({ scope: 'agents:read' }, key)).toBeNull();
  });

  it('names the scope a key lacks', () => {
    expect(missingScope({ scope: 'threads:write' }, key)).toBe('threads:write');
  });

  it('admits no key on a route that names no scope (fails closed)', () => {
    expect(missingScope({}, key)).not.toBeNull();
  });
});
