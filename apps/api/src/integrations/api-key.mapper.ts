import type { ApiKey } from '@parley/contracts';
import { iso, isoOrNull } from '../common/mappers';
import type { ApiKeyEntity } from './api-key.entity';

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
