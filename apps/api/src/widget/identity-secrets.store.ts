import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type CreatedIdentitySecret, ErrorCode, type IdentitySecret } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error';
import { iso } from '../common/mappers';
import { AppConfig } from '../config/app-config';

/** Secrets kept valid at once: the newest and the one before it, while a site's backend moves over. */
export const IDENTITY_SECRETS_KEPT = 2;

interface Row {
  id: string;
  secret: Buffer;
  hint: string;
  created_at: Date;
}

/**
 * The identity secrets a site's backend signs identity tokens with (HS256). They must be read back
 * to check signatures, so they are stored encrypted (AES-256-GCM, a key derived from JWT_SECRET,
 * which every node shares) rather than hashed; a listing shows only their last characters.
 * Generating one keeps the previous one valid (rotation) and drops any older.
 */
@Injectable()
export class IdentitySecretsStore {
  private readonly key: Buffer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', config.jwtSecret, '', 'parley identity secrets', 32));
  }

  async list(): Promise<IdentitySecret[]> {
    const rows = (await this.db.query(`SELECT id, hint, created_at FROM identity_secrets ORDER BY created_at DESC, id`)) as Row[];
    return rows.map((r) => ({ id: r.id, hint: r.hint, createdAt: iso(r.created_at) }));
  }

  /** A new secret, returned this once; the previous one stays valid, older ones are dropped. */
  async create(): Promise<CreatedIdentitySecret> {
    const secret = randomBytes(32).toString('base64url');
    const hint = secret.slice(-4);
    return this.db.transaction(async (tx) => {
      const [row] = (await tx.query(`INSERT INTO identity_secrets (secret, hint) VALUES ($1, $2) RETURNING id, created_at`, [this.encrypt(secret), hint])) as Row[];
      await tx.query(`DELETE FROM identity_secrets WHERE id NOT IN (SELECT id FROM identity_secrets ORDER BY created_at DESC, id LIMIT ${IDENTITY_SECRETS_KEPT})`);
      return { id: row.id, hint, createdAt: iso(row.created_at), secret };
    });
  }

  async remove(id: string): Promise<void> {
    const deleted = (await this.db.query(`DELETE FROM identity_secrets WHERE id = $1 RETURNING id`, [id])) as [Row[], number];
    if (!deleted[1]) throw new AppError(ErrorCode.NotFound, 'No such identity secret');
  }

  /** The valid secrets as HMAC keys, newest first (read per call: another node may have rotated). */
  async keys(): Promise<Uint8Array[]> {
    const rows = (await this.db.query(`SELECT secret FROM identity_secrets ORDER BY created_at DESC, id LIMIT ${IDENTITY_SECRETS_KEPT}`)) as Row[];
    return rows.map((r) => new TextEncoder().encode(this.decrypt(r.secret)));
  }

  private encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]);
  }

  private decrypt(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}
