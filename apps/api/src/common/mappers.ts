import type { Agent, ApiKey, Visitor } from '@parley/contracts';
import type { AgentEntity } from '../agents/agent.entity';
import type { ApiKeyEntity } from '../integrations/api-key.entity';
import type { VisitorEntity } from '../users/visitor.entity';

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toAgent(a: AgentEntity): Agent {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    status: a.status,
    maxConcurrent: a.maxConcurrent,
    active: a.deactivatedAt === null || a.deactivatedAt === undefined,
    createdAt: iso(a.createdAt),
  };
}

export function toVisitor(v: VisitorEntity): Visitor {
  return { id: v.id, name: v.name, email: v.email, createdAt: iso(v.createdAt), lastSeenAt: iso(v.lastSeenAt) };
}

export function toApiKey(k: ApiKeyEntity): ApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: iso(k.createdAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
    revokedAt: isoOrNull(k.revokedAt),
  };
}

/** Postgres unique_violation, optionally on one named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const name = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && (!constraint || name === constraint);
}
