import { Injectable, Logger } from '@nestjs/common';
import { type AuthorType, ErrorCode, UPLOAD_FILE_FIELD, type Upload } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { rateLimited, RateLimiters } from '../common/rate-limiters';
import { AppConfig, type UploadSettings } from '../config/app-config';
import { ThreadsService } from '../threads/threads.service';
import { detectType, safeFileName, stripImage } from './file-inspect';
import { FileStorage } from './file-storage';
import { FILE_TYPES } from './file-types';
import { receiveFile, tooLarge } from './multipart';
import { type UploadRow, UploadsRepository } from './uploads.repository';

const AUTHOR_OF: Record<Principal['kind'], AuthorType> = { visitor: 'visitor', agent: 'agent', apiKey: 'bot' };
/** Room for the multipart boundaries and part headers around the file, in a Content-Length. */
const MULTIPART_OVERHEAD = 16 * 1024;
/** Longer than any upload between reserving its key and writing its row. */
const KEY_HOLD_SECONDS = 3600;

const notFound = () => new AppError(ErrorCode.AttachmentNotFound, 'No such attachment');

export interface Download {
  stream: Readable;
  name: string;
  size: number;
  contentType: string;
  inline: boolean;
}

/**
 * Uploads and downloads. An upload is streamed to a temporary file, its type read from its bytes,
 * an image written again without metadata, then stored and given a row; anything refused on the
 * way leaves neither a file nor a row. Who may upload: the thread's visitor, its assignee, admins,
 * integrators. Who may download: whoever may read the thread, once a message carries the file
 * (before that, only its uploader).
 */
@Injectable()
export class UploadsService {
  private readonly log = new Logger('Uploads');
  private readonly settings: UploadSettings;
  private readonly tmpDir: string;
  private readonly perVisitor;

  constructor(
    config: AppConfig,
    limiters: RateLimiters,
    private readonly repo: UploadsRepository,
    private readonly storage: FileStorage,
    private readonly threads: ThreadsService,
  ) {
    this.settings = config.uploads;
    this.tmpDir = join(this.settings.dir, '.tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    this.perVisitor = limiters.create('upload', this.settings.ratePerVisitor);
  }

  async upload(principal: Principal, threadId: string, req: IncomingMessage): Promise<Upload> {
    // Everything that can be decided from the headers is decided before the body is read.
    await this.mayUpload(principal, threadId);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > this.settings.maxBytes + MULTIPART_OVERHEAD) throw tooLarge(this.settings.maxBytes);
    if (principal.kind === 'visitor') await this.countVisitorUpload(principal.id);
    const used = await this.repo.bytesOfThread(threadId);
    if (used >= this.settings.threadMaxBytes || (declared > 0 && used + declared - MULTIPART_OVERHEAD > this.settings.threadMaxBytes)) {
      throw quotaExceeded();
    }

    const received = await receiveFile(req, { dir: this.tmpDir, field: UPLOAD_FILE_FIELD, maxBytes: this.settings.maxBytes });
    const clean = `${received.path}.clean`;
    try {
      if (received.size === 0) throw new AppError(ErrorCode.ValidationFailed, 'The file is empty', [{ path: UPLOAD_FILE_FIELD, message: 'empty' }]);
      const type = await detectType(received.path, received.claimedType, this.settings.allowedTypes);
      let file = received.path;
      let size = received.size;
      let dims: { width: number; height: number } | undefined;
      if (FILE_TYPES[type].image) {
        dims = await stripImage(type, received.path, clean);
        file = clean;
        size = (await stat(clean)).size;
      }
      const contentType = type === 'txt' ? 'text/plain; charset=utf-8' : FILE_TYPES[type].mime;
      const name = safeFileName(received.filename, type);
      const id = await this.store({ threadId, principal, file, size, contentType, name, ...dims });
      return { uploadId: id, name, size, contentType, ...dims };
    } finally {
      await Promise.all([rm(received.path, { force: true }), rm(clean, { force: true })]);
    }
  }

  /** The bytes of an attachment, if this caller may read them. */
  async download(principal: Principal, id: string): Promise<Download> {
    const row = await this.repo.findById(id);
    if (!row || !(await this.mayRead(principal, row))) throw notFound();
    const stream = await this.storage.open(row.storage_key);
    if (!stream) {
      this.log.warn(`attachment ${row.id}: its file ${row.storage_key} is missing from the ${this.storage.kind} storage`);
      throw notFound();
    }
    return { stream, name: row.name, size: Number(row.size), contentType: row.content_type, inline: row.content_type.startsWith('image/') };
  }

  private async store(u: {
    threadId: string;
    principal: Principal;
    file: string;
    size: number;
    contentType: string;
    name: string;
    width?: number;
    height?: number;
  }): Promise<string> {
    const key = randomUUID();
    await this.repo.reserveKey(key, KEY_HOLD_SECONDS);
    let result: Awaited<ReturnType<UploadsRepository['insert']>>;
    try {
      await this.storage.put(key, u.file, { contentType: u.contentType, size: u.size });
      result = await this.repo.insert(
        { threadId: u.threadId, uploaderType: AUTHOR_OF[u.principal.kind], uploaderId: u.principal.id, name: u.name, size: u.size, contentType: u.contentType, width: u.width, height: u.height, storageKey: key },
        this.settings.threadMaxBytes,
      );
    } catch (err) {
      await this.discard(key);
      throw err;
    }
    if (typeof result === 'object') return result.id;
    await this.discard(key);
    if (result === 'closed') throw new AppError(ErrorCode.ThreadClosed, 'The thread is closed');
    if (result === 'quota') throw quotaExceeded();
    throw new AppError(ErrorCode.ThreadNotFound, 'No such thread');
  }

  /** A refused upload's file goes now; if the storage fails, the queued key lets the cleanup retry. */
  private async discard(key: string): Promise<void> {
    try {
      await this.storage.remove(key);
      await this.repo.forgetKey(key);
    } catch (err) {
      this.log.warn(`a refused upload's file ${key} is left to the cleanup: ${(err as Error).message}`);
      await this.repo.releaseKey(key).catch(() => undefined);
    }
  }

  private async mayUpload(principal: Principal, threadId: string): Promise<void> {
    const access = await this.threads.readable(principal, threadId);
    if (access.status === 'closed') throw new AppError(ErrorCode.ThreadClosed, 'The thread is closed');
    if (principal.kind === 'agent' && principal.role !== 'admin' && access.assignedAgentId !== principal.id) {
      throw new AppError(ErrorCode.Forbidden, access.assignedAgentId ? 'This thread is assigned to another agent' : 'Claim the thread before sending files');
    }
  }

  private async mayRead(principal: Principal, row: UploadRow): Promise<boolean> {
    if (!row.message_id) return row.uploader_type === AUTHOR_OF[principal.kind] && row.uploader_id === principal.id;
    try {
      await this.threads.readable(principal, row.thread_id);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.ThreadNotFound) return false;
      throw err;
    }
  }

  private async countVisitorUpload(visitorId: string): Promise<void> {
    try {
      await this.perVisitor.consume(visitorId);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw rateLimited('upload', 'uploads', res);
      throw res;
    }
  }
}

function quotaExceeded(): AppError {
  return new AppError(ErrorCode.PayloadTooLarge, "The thread's files would exceed its size limit");
}
