import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, type UploadSettings } from '../config/app-config';
import { UploadsRepository } from './uploads.repository';

const ID_FILE = '.disk-id';

/**
 * Several nodes keeping files on their own local disks would each hold part of them: a file sent
 * through one node could not be downloaded through another. A node on the disk storage marks its
 * folder with an id (kept in the folder, so nodes that mount one shared folder have the same one)
 * and says so in the database at start and with each cleanup round. A node that finds another
 * folder's id seen lately refuses to start, naming STORAGE_URL.
 */
@Injectable()
export class DiskStorageGuard implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Uploads');
  private readonly settings: UploadSettings;
  private diskId?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    config: AppConfig,
    private readonly repo: UploadsRepository,
  ) {
    this.settings = config.uploads;
  }

  async onModuleInit(): Promise<void> {
    if (this.settings.storage.kind !== 'disk') return;
    const diskId = this.readOrCreateId();
    const window = 3 * this.settings.cleanupIntervalSeconds;
    const [other] = await this.repo.otherDisks(diskId, window);
    if (other) {
      throw new Error(
        `Another Parley node keeps uploaded files on another local disk (seen ${other.age} s ago). ` +
          'Several nodes need one store: set STORAGE_URL (an S3-compatible bucket) on every node, or give them all the same UPLOADS_DIR on storage they share.',
      );
    }
    this.diskId = diskId;
    await this.repo.touchDisk(diskId);
    this.timer = setInterval(() => void this.repo.touchDisk(diskId).catch(() => undefined), this.settings.cleanupIntervalSeconds * 1000);
    this.timer.unref();
    this.log.log(`uploaded files are kept on the local disk in ${this.settings.dir} (a single node, or nodes sharing that folder)`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.diskId) await this.repo.forgetDisk(this.diskId).catch(() => undefined);
  }

  private readOrCreateId(): string {
    const file = join(this.settings.dir, ID_FILE);
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      mkdirSync(this.settings.dir, { recursive: true });
      const id = randomUUID();
      try {
        writeFileSync(file, id, { flag: 'wx' });
        return id;
      } catch (err) {
        // A node sharing the folder wrote it first.
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
        throw err;
      }
    }
  }
}
