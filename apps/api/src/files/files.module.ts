import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ThreadsModule } from '../threads/threads.module';
import { DiskStorageGuard } from './disk.guard';
import { DiskStorage } from './disk.storage';
import { FileStorage } from './file-storage';
import { S3Storage } from './s3.storage';
import { UploadsCleanup } from './uploads.cleanup';
import { UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

/** Files in conversations: uploads, downloads, the storage behind them and their cleanup. */
@Module({
  imports: [ThreadsModule],
  controllers: [UploadsController],
  providers: [
    {
      provide: FileStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig): FileStorage =>
        config.uploads.storage.kind === 's3' ? new S3Storage(config.uploads.storage.s3) : new DiskStorage(config.uploads.dir),
    },
    UploadsRepository,
    UploadsService,
    UploadsCleanup,
    DiskStorageGuard,
  ],
})
export class FilesModule {}
