import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStorage } from './file-storage';

/**
 * Files in a folder of the local disk, two levels of 256 sub-folders by the key's first hex digits.
 * Uploads in progress are written below the same folder (`.tmp`), so storing one is a rename.
 */
export class DiskStorage extends FileStorage {
  readonly kind = 'disk';

  constructor(private readonly dir: string) {
    super();
  }

  async put(key: string, localFile: string): Promise<void> {
    const target = this.path(key);
    await mkdir(join(target, '..'), { recursive: true });
    try {
      await rename(localFile, target);
    } catch (err) {
      // Another file system (a temporary folder mounted elsewhere): copy instead.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(localFile, target);
    }
  }

  async open(key: string): Promise<Readable | null> {
    const path = this.path(key);
    try {
      await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error(`not a storage key: ${key}`);
    return join(this.dir, key.slice(0, 2), key.slice(2, 4), key);
  }
}
