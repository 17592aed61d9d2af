import type { Visitor } from '@parley/contracts';
import { iso } from '../common/mappers';
import type { VisitorEntity } from './visitor.entity';

export function toVisitor(v: VisitorEntity): Visitor {
  return { id: v.id, name: v.name, email: v.email, emailVerified: v.emailVerified, externalId: v.externalId, createdAt: iso(v.createdAt), lastSeenAt: iso(v.lastSeenAt) };
}
