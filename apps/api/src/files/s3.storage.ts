import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { StorageSetting } from '../config/app-config';
import { FileStorage } from './file-storage';

/** Files in a bucket of an S3-compatible object store; what several nodes must use. */
export class S3Storage extends FileStorage {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(private readonly setting: StorageSetting) {
    super();
    this.client = new S3Client({
      region: setting.region,
      endpoint: setting.endpoint,
      forcePathStyle: setting.forcePathStyle,
      credentials: setting.credentials,
      // Checksums only where S3 requires them: S3-compatible servers do not all take the SDK's
      // default trailing checksums (aws-chunked bodies).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, localFile: string, meta: { contentType: string; size: number }): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.setting.bucket,
        Key: this.key(key),
        Body: createReadStream(localFile),
        ContentLength: meta.size,
        ContentType: meta.contentType,
      }),
    );
  }

  async open(key: string): Promise<Readable | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.setting.bucket, Key: this.key(key) }));
      return (out.Body as Readable | undefined) ?? null;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.setting.bucket, Key: this.key(key) }));
  }

  destroy(): void {
    this.client.destroy();
  }

  private key(key: string): string {
    return this.setting.prefix ? `${this.setting.prefix}/${key}` : key;
  }
}
