import type { ApiKey } from '@parley/contracts';
import { iso, isoOrNull } from '../common/mappers';
import type { ApiKeyEntity } from './api-key.entity';

export function toApiKey(k: ApiKeyEntity): ApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: iso(k.createdAt),
    expiresAt: isoOrNull(k.expiresAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
    lastUsedIp: k.lastUsedIp,
    rotatedAt: isoOrNull(k.rotatedAt),
    revokedAt: isoOrNull(k.revokedAt),
  };
}
