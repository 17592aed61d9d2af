import type { Readable } from 'node:stream';

/**
 * Where uploaded files are kept: the local disk (the default) or an S3-compatible object store
 * (STORAGE_URL). Keys are made by the server (random UUIDs), never taken from a client.
 */
export abstract class FileStorage {
  /** `disk` is this node's own unless every node mounts the same folder; `s3` is shared. */
  abstract readonly kind: 'disk' | 's3';

  /** Stores the finished local file under `key`; the local file may be moved or left behind. */
  abstract put(key: string, localFile: string, meta: { contentType: string; size: number }): Promise<void>;

  /** The stored bytes, or null when there is no such key. */
  abstract open(key: string): Promise<Readable | null>;

  /** Deletes the key; a key already gone is not an error. */
  abstract remove(key: string): Promise<void>;
}
