import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig, type UploadSettings } from '../config/app-config';
import { FileStorage } from './file-storage';
import { UploadsRepository } from './uploads.repository';

/** Files deleted per round; the rest wait for the next. */
const BATCH = 500;
/** How long a node holds the files it took before another node may take them again. */
const LEASE_SECONDS = 600;
/** A temporary file this old belongs to no upload still in progress. */
const STALE_TMP_MS = 3600_000;

/**
 * Deletes uploads never attached to a message once UPLOAD_UNATTACHED_TTL_SECONDS have passed,
 * and the stored files of every deleted upload row (expired, or gone with its thread or visitor),
 * every UPLOAD_CLEANUP_INTERVAL_SECONDS. On several nodes one runs a round at a time (an advisory
 * lock), and a file is deleted by the node that leased it. Also removes temporary files that
 * uploads of a process that died left behind.
 */
@Injectable()
export class UploadsCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('UploadsCleanup');
  private readonly settings: UploadSettings;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    config: AppConfig,
    private readonly repo: UploadsRepository,
    private readonly storage: FileStorage,
  ) {
    this.settings = config.uploads;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.settings.cleanupIntervalSeconds * 1000);
    this.timer.unref();
    this.tick();
    void this.removeStaleTemporaryFiles();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round, unless the previous one is still going. */
  tick(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((err: unknown) => this.log.warn(`cleanup round failed: ${(err as Error).message}`))
      .finally(() => (this.running = undefined));
  }

  async run(): Promise<void> {
    for (;;) {
      const { ran, expired, keys } = await this.repo.claimGarbage(this.settings.unattachedTtlSeconds, BATCH, LEASE_SECONDS);
      if (!ran) return;
      if (expired) this.log.log(`deleted ${expired} upload(s) never attached to a message`);
      const removed: string[] = [];
      for (const key of keys) {
        try {
          await this.storage.remove(key);
          removed.push(key);
        } catch (err) {
          this.log.warn(`file ${key} could not be deleted now (${(err as Error).message}); trying again later`);
        }
      }
      await this.repo.forgetKeys(removed);
      if (keys.length < BATCH) return;
    }
  }

  private async removeStaleTemporaryFiles(): Promise<void> {
    const dir = join(this.settings.dir, '.tmp');
    try {
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        // Another node sharing the folder may be writing its own: only old ones go.
        if (Date.now() - (await stat(path)).mtimeMs > STALE_TMP_MS) await rm(path, { force: true });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`temporary uploads: ${(err as Error).message}`);
    }
  }
}
