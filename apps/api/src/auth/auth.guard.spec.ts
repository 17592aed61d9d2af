import { allows } from './auth.guard';
import type { Principal } from './principal';

const admin: Principal = { kind: 'agent', id: '1', name: 'A', role: 'admin' };
const agent: Principal = { kind: 'agent', id: '2', name: 'B', role: 'agent' };
const visitor: Principal = { kind: 'visitor', id: '3', name: 'V' };
const apiKey: Principal = { kind: 'apiKey', id: '4', name: 'K' };

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
