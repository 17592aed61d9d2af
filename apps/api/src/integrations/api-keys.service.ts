import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type ApiKey, type CreatedApiKey, ErrorCode } from '@parley/contracts';
import { IsNull, Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { ApiKeyEntity } from './api-key.entity';
import { toApiKey } from './api-key.mapper';

const KEY_PATTERN = /^prk_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is a hint for admins, not an audit log: write it at most once a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Integrator API keys: `prk_<prefix>_<secret>`. The prefix finds the row; the 256-bit secret is
 * stored as a SHA-256 digest (a slow password hash buys nothing for a random secret of that size,
 * and would cost on every request).
 */
@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  static looksLikeKey(credential: string): boolean {
    return credential.startsWith('prk_');
  }

  async create(name: string, createdBy: string): Promise<CreatedApiKey> {
    const prefix = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const saved = await this.keys.save(
      this.keys.create({ name, prefix, secretHash: sha256(secret).toString('hex'), createdBy }),
    );
    return { ...toApiKey(saved), key: `prk_${prefix}_${secret}` };
  }

  async list(): Promise<ApiKey[]> {
    return (await this.keys.find({ order: { createdAt: 'DESC' } })).map(toApiKey);
  }

  async revoke(id: string): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
    if (!key) throw new AppError(ErrorCode.ApiKeyNotFound, 'No such API key');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.keys.update({ id }, { revokedAt: key.revokedAt });
    }
    return toApiKey(key);
  }

  async verify(credential: string): Promise<ApiKeyEntity> {
    const m = KEY_PATTERN.exec(credential);
    const key = m
      ? await this.keys.findOne({
          where: { prefix: m[1], revokedAt: IsNull() },
          select: { id: true, name: true, secretHash: true, lastUsedAt: true },
        })
      : null;
    if (!m || !key || !timingSafeEqual(Buffer.from(key.secretHash, 'hex'), sha256(m[2]))) {
      throw new AppError(ErrorCode.Unauthenticated, 'Invalid or revoked API key');
    }
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.update({ id: key.id }, { lastUsedAt: new Date() });
    }
    return key;
  }
}
