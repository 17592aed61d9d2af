import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthorType } from '@parley/contracts';
import { DataSource } from 'typeorm';

/** TypeORM returns `[rows, count]` for UPDATE and DELETE and `rows` otherwise. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

export interface UploadRow {
  id: string;
  thread_id: string;
  uploader_type: AuthorType;
  uploader_id: string;
  name: string;
  size: string;
  content_type: string;
  width: number | null;
  height: number | null;
  storage_key: string;
  message_id: string | null;
}

export interface NewUpload {
  threadId: string;
  uploaderType: AuthorType;
  uploaderId: string;
  name: string;
  size: number;
  contentType: string;
  width?: number;
  height?: number;
  storageKey: string;
}

/** Why an upload's row was not written. */
export type InsertRefusal = 'no-thread' | 'closed' | 'quota';

/** One lock key for the cleanup, so that one node at a time runs it. */
const CLEANUP_LOCK = 0x7061726c; // 'parl'

@Injectable()
export class UploadsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async bytesOfThread(threadId: string): Promise<number> {
    const [row] = rowsOf<{ n: string }>(await this.db.query(`SELECT COALESCE(sum(size), 0) AS n FROM uploads WHERE thread_id = $1`, [threadId]));
    return Number(row?.n ?? 0);
  }

  /**
   * Queues a key for deletion later than any upload takes: an upload in progress whose process dies
   * leaves the key to the cleanup, never a file no row knows of. `insert` takes it back.
   */
  async reserveKey(key: string, holdSeconds: number): Promise<void> {
    await this.db.query(`INSERT INTO storage_garbage (storage_key, not_before) VALUES ($1, now() + make_interval(secs => $2))`, [key, holdSeconds]);
  }

  /** The key goes to the cleanup now (its file was refused or never written). */
  async releaseKey(key: string): Promise<void> {
    await this.db.query(`UPDATE storage_garbage SET not_before = now() WHERE storage_key = $1`, [key]);
  }

  async forgetKey(key: string): Promise<void> {
    await this.db.query(`DELETE FROM storage_garbage WHERE storage_key = $1`, [key]);
  }

  /**
   * The upload's row, written while the thread's row is locked, so two uploads cannot both pass
   * the thread's byte quota; its key stops being garbage in the same transaction.
   */
  async insert(u: NewUpload, threadMaxBytes: number): Promise<{ id: string } | InsertRefusal> {
    return this.db.transaction(async (sql) => {
      const [thread] = rowsOf<{ status: string }>(await sql.query(`SELECT status FROM threads WHERE id = $1 FOR UPDATE`, [u.threadId]));
      if (!thread) return 'no-thread';
      if (thread.status === 'closed') return 'closed';
      // A statement after the lock: it sees every upload committed before the lock was granted.
      const [used] = rowsOf<{ n: string }>(await sql.query(`SELECT COALESCE(sum(size), 0) AS n FROM uploads WHERE thread_id = $1`, [u.threadId]));
      if (Number(used.n) + u.size > threadMaxBytes) return 'quota';
      const [row] = rowsOf<{ id: string }>(
        await sql.query(
          `INSERT INTO uploads (thread_id, uploader_type, uploader_id, name, size, content_type, width, height, storage_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [u.threadId, u.uploaderType, u.uploaderId, u.name, u.size, u.contentType, u.width ?? null, u.height ?? null, u.storageKey],
        ),
      );
      await sql.query(`DELETE FROM storage_garbage WHERE storage_key = $1`, [u.storageKey]);
      return { id: row.id };
    });
  }

  async findById(id: string): Promise<UploadRow | null> {
    const [row] = rowsOf<UploadRow>(
      await this.db.query(
        `SELECT id, thread_id, uploader_type, uploader_id, name, size, content_type, width, height, storage_key, message_id
           FROM uploads WHERE id = $1`,
        [id],
      ),
    );
    return row ?? null;
  }

  /**
   * One round of cleanup, if no other node is running one: uploads never attached and older than
   * the ttl are deleted (the trigger queues their files), and up to `limit` queued files are leased
   * to this node for `leaseSeconds` (another node takes them after that if this one dies). The
   * caller deletes the files, then `forgetKeys`.
   */
  async claimGarbage(ttlSeconds: number, limit: number, leaseSeconds: number): Promise<{ ran: boolean; expired: number; keys: string[] }> {
    return this.db.transaction(async (sql) => {
      const [lock] = rowsOf<{ locked: boolean }>(await sql.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [CLEANUP_LOCK]));
      if (!lock?.locked) return { ran: false, expired: 0, keys: [] };
      const expired = rowsOf<{ id: string }>(
        await sql.query(`DELETE FROM uploads WHERE message_id IS NULL AND created_at < now() - make_interval(secs => $1) RETURNING id`, [ttlSeconds]),
      );
      const keys = rowsOf<{ storage_key: string }>(
        await sql.query(
          `UPDATE storage_garbage SET not_before = now() + make_interval(secs => $2)
            WHERE storage_key IN (SELECT storage_key FROM storage_garbage WHERE not_before <= now()
                                   ORDER BY not_before LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING storage_key`,
          [limit, leaseSeconds],
        ),
      );
      return { ran: true, expired: expired.length, keys: keys.map((k) => k.storage_key) };
    });
  }

  async forgetKeys(keys: readonly string[]): Promise<void> {
    if (keys.length) await this.db.query(`DELETE FROM storage_garbage WHERE storage_key = ANY($1::text[])`, [keys]);
  }

  /** Other disks than this one that a node used within the window, newest first. */
  async otherDisks(diskId: string, withinSeconds: number): Promise<{ disk_id: string; age: number }[]> {
    return rowsOf<{ disk_id: string; age: number }>(
      await this.db.query(
        `SELECT disk_id, extract(epoch FROM now() - seen_at)::int AS age FROM upload_disks
          WHERE disk_id <> $1 AND seen_at > now() - make_interval(secs => $2) ORDER BY seen_at DESC`,
        [diskId, withinSeconds],
      ),
    );
  }

  async touchDisk(diskId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO upload_disks (disk_id) VALUES ($1) ON CONFLICT (disk_id) DO UPDATE SET seen_at = now()`,
      [diskId],
    );
  }

  async forgetDisk(diskId: string): Promise<void> {
    await this.db.query(`DELETE FROM upload_disks WHERE disk_id = $1`, [diskId]);
  }
}
