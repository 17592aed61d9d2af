import { inject, Injectable } from '@angular/core';
import type { Attachment, Upload } from '@parley/contracts';
import { fetchAttachment, type Uploader, uploadFile } from '@parley/rest-client';
import { AuthToken } from '../session/auth-token';
import { API_ORIGIN, FETCH } from './api-client';

/** An upload as a message's attachment (what the composer hands over and the outbox shows). */
export const asAttachment = (u: Upload): Attachment => ({ id: u.uploadId, name: u.name, size: u.size, contentType: u.contentType, width: u.width, height: u.height });

/**
 * Files over REST with the agent's token: uploads (with progress, through XMLHttpRequest) and the
 * bytes of attachments, which need the `Authorization` header and so are shown through blob URLs.
 */
@Injectable({ providedIn: 'root' })
export class AttachmentFiles {
  private readonly auth = inject(AuthToken);
  private readonly origin = inject(API_ORIGIN);
  private readonly fetchFn = inject(FETCH);

  uploaderFor(threadId: string): Uploader {
    return (file, name, onProgress, signal) => uploadFile({ threadId, file, name, onProgress, signal, token: this.auth.token(), origin: this.origin });
  }

  bytes(id: string): Promise<Blob> {
    return fetchAttachment(id, { token: this.auth.token(), origin: this.origin, fetch: this.fetchFn });
  }
}
