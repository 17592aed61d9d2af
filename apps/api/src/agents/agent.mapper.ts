import type { Agent } from '@parley/contracts';
import { iso } from '../common/mappers';
import type { AgentEntity } from './agent.entity';

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
