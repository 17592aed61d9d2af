import type { AgentRole, ApiKeyScope } from '@parley/contracts';

/** Who is calling, resolved from a verified credential; never from anything the client says about itself. */
export type Principal =
  | { kind: 'agent'; id: string; name: string; role: AgentRole; /** The sign-in this credential belongs to. */ sessionId?: string }
  | { kind: 'visitor'; id: string; name: string }
  | { kind: 'apiKey'; id: string; name: string; scopes: readonly ApiKeyScope[] };

export type AgentPrincipal = Extract<Principal, { kind: 'agent' }>;
export type VisitorPrincipal = Extract<Principal, { kind: 'visitor' }>;
