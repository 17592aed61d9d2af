import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, type CreatedApiKey, type CreateApiKeyRequest, ErrorCode } from '@parley/contracts';
import { IsNull, Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { ApiKeyEntity } from './api-key.entity';
import { toApiKey } from './api-key.mapper';

const KEY_PATTERN = /^prk_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is a hint for admins, not an audit log: write it at most once a minute per key. */
const LAST_USED_RESOLUTION = '1 minute';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/** A fresh prefix and secret: the whole key, and what is stored of it. */
function newSecret(): { prefix: string; secretHash: string; key: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secretHash: sha256(secret).toString('hex'), key: `prk_${prefix}_${secret}` };
}

/** What a request learns about the key it came with. */
export interface VerifiedApiKey {
  id: string;
  name: string;
  scopes: readonly ApiKeyScope[];
}

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

  async create(req: CreateApiKeyRequest, createdBy: string): Promise<CreatedApiKey> {
    const { prefix, secretHash, key } = newSecret();
    const saved = await this.keys.save(
      this.keys.create({
        name: req.name,
        prefix,
        secretHash,
        scopes: req.scopes ?? [...API_KEY_SCOPES],
        expiresAt: req.expiresAt ? new Date(req.expiresAt) : null,
        createdBy,
      }),
    );
    return { ...toApiKey(saved), key };
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

  /**
   * A new prefix and secret for the same key (id, name, scopes, expiry). Requests find a key by its
   * prefix, so the old secret is refused from the next request on, on every node.
   */
  async rotate(id: string): Promise<CreatedApiKey> {
    const { prefix, secretHash, key } = newSecret();
    const rotatedAt = new Date();
    const { affected } = await this.keys.update({ id, revokedAt: IsNull() }, { prefix, secretHash, rotatedAt });
    if (!affected) throw new AppError(ErrorCode.ApiKeyNotFound, 'No such API key, or it was revoked');
    const saved = await this.keys.findOneByOrFail({ id });
    return { ...toApiKey(saved), key };
  }

  /** The key of a credential, or 401; `address` is the caller's, kept as where the key was last used. */
  async verify(credential: string, address?: string): Promise<VerifiedApiKey> {
    const m = KEY_PATTERN.exec(credential);
    const key = m
      ? await this.keys.findOne({
          where: { prefix: m[1], revokedAt: IsNull() },
          select: { id: true, name: true, secretHash: true, scopes: true, expiresAt: true, lastUsedAt: true },
        })
      : null;
    if (!m || !key || !timingSafeEqual(Buffer.from(key.secretHash, 'hex'), sha256(m[2]))) {
      throw new AppError(ErrorCode.Unauthenticated, 'Invalid or revoked API key');
    }
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
      throw new AppError(ErrorCode.ApiKeyExpired, `This API key expired at ${key.expiresAt.toISOString()}`);
    }
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000) {
      // Conditional, so that nodes (or requests) racing past the check above write once between them.
      await this.keys.query(
        `UPDATE api_keys SET last_used_at = now(), last_used_ip = $2
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
        [key.id, address ?? null],
      );
    }
    return { id: key.id, name: key.name, scopes: key.scopes };
  }
}
