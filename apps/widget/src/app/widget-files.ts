import { inject, Injectable } from '@angular/core';
import type { Attachment, Upload } from '@parley/contracts';
import { fetchAttachment, type Uploader, uploadFile } from '@parley/rest-client';
import { VisitorStorage } from './visitor-storage';

export const asAttachment = (u: Upload): Attachment => ({ id: u.uploadId, name: u.name, size: u.size, contentType: u.contentType, width: u.width, height: u.height });

const NETWORK = 'Parley cannot be reached. Check your connection and try again.';

/**
 * The visitor's files over REST with the visitor's token (same origin: the iframe is Parley's):
 * uploads with progress, and the bytes of attachments, shown through blob URLs.
 */
@Injectable({ providedIn: 'root' })
export class WidgetFiles {
  private readonly storage = inject(VisitorStorage);

  uploaderFor(threadId: string): Uploader {
    return (file, name, onProgress, signal) =>
      uploadFile({ threadId, file, name, onProgress, signal, token: this.storage.session()?.token, networkMessage: NETWORK });
  }

  bytes(id: string): Promise<Blob> {
    return fetchAttachment(id, { token: this.storage.session()?.token, networkMessage: NETWORK });
  }
}
