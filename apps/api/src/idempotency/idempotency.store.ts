import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** How long a key is remembered (Stripe's and the IETF draft's usual 24 hours). */
export const IDEMPOTENCY_TTL = '24 hours';
/** A first request that has not finished after this is taken to have died with its node: a retry may run again. */
const ABANDONED_AFTER = '1 minute';
const SWEEP_EVERY_MS = 10 * 60_000;
/** Rows deleted per statement by the sweep, so that it never holds many locks or runs long. */
const SWEEP_BATCH = 5000;

export type Begin =
  | { kind: 'started' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

interface Row {
  fingerprint: string;
  status: number | null;
  response: Buffer | null;
}

/**
 * Idempotency keys in PostgreSQL, so every node sees them. A request claims its key with one
 * insert; a retry finds the row and gets the stored answer, or learns that the first request is
 * still running or was something else. Answers are stored encrypted (AES-256-GCM, with a key derived
 * from JWT_SECRET, which every node shares): some carry credentials (a new API key, a session
 * token) that must not sit readable in the database for a day.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Idempotency');
  private readonly secret: Buffer;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: AppConfig,
  ) {
    this.secret = Buffer.from(hkdfSync('sha256', config.jwtSecret, '', 'parley idempotency responses', 32));
  }

  onModuleInit(): void {
    // Every node sweeps now and then; a sweep that finds nothing costs one index probe.
    this.sweeper = setInterval(() => void this.sweep().catch((err: Error) => this.log.warn(`sweep: ${err.message}`)), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** Claims `key` for a request with this fingerprint, or says what the earlier request with it came to. */
  async begin(caller: string, key: string, fingerprint: string): Promise<Begin> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // A new key, an expired one, or one whose first request was abandoned: this request runs.
      const claimed = (await this.db.query(
        `INSERT INTO idempotency_keys (caller, key, fingerprint, expires_at)
         VALUES ($1, $2, $3, now() + interval '${IDEMPOTENCY_TTL}')
         ON CONFLICT (caller, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, status = NULL, response = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at <= now()
              OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}')
         RETURNING 1`,
        [caller, key, fingerprint],
      )) as unknown[];
      if (claimed.length > 0) return { kind: 'started' };
      const [row] = (await this.db.query(`SELECT fingerprint, status, response FROM idempotency_keys WHERE caller = $1 AND key = $2`, [caller, key])) as Row[];
      // Gone in between (its first request failed, or the sweep took it): claim it again.
      if (!row) continue;
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status === null) return { kind: 'in-progress' };
      return { kind: 'replay', status: row.status, body: row.response ? JSON.parse(this.decrypt(row.response)) : undefined };
    }
    return { kind: 'in-progress' };
  }

  /** Stores the answer of the request that claimed `key`. */
  async complete(caller: string, key: string, status: number, body: unknown): Promise<void> {
    const response = body === undefined ? null : this.encrypt(JSON.stringify(body));
    await this.db.query(`UPDATE idempotency_keys SET status = $3, response = $4 WHERE caller = $1 AND key = $2`, [caller, key, status, response]);
  }

  /** The request failed: nothing is stored, so a retry with the same key runs again. */
  async abandon(caller: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND status IS NULL`, [caller, key]);
  }

  /** Deletes expired keys, a batch per statement; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.db.query(
        `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT ${SWEEP_BATCH})`,
      )) as [unknown, number];
      total += deleted;
      if (deleted < SWEEP_BATCH) return total;
    }
  }

  private encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.secret, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]);
  }

  private decrypt(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.secret, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}
