/// <reference lib="dom" />
// Browser code (XMLHttpRequest for upload progress, Blob, URL): the DOM types come with it to every project that compiles it.
import type { Upload } from '@parley/contracts';
import { ErrorCode } from '@parley/contracts/constants';
import { ApiError } from './api-error';
import { untypedRouteUrl } from './route-url';

/** The part of XMLHttpRequest an upload uses (a test passes its own). */
export type UploadXhr = Pick<XMLHttpRequest, 'open' | 'setRequestHeader' | 'send' | 'abort' | 'upload' | 'status' | 'responseText' | 'addEventListener'>;

export interface UploadFileOptions {
  threadId: string;
  file: Blob;
  /** The file's name (a pasted screenshot has none: pass one). Defaults to `file.name` or "file". */
  name?: string;
  token?: string | null;
  /** Put before the path; '' (the default) is the page's own origin. */
  origin?: string;
  /** Bytes sent so far and in all, as the browser reports them. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  networkMessage?: string;
  /** Makes the request object; defaults to `new XMLHttpRequest()`. */
  xhr?: () => UploadXhr;
}

/**
 * Uploads one file to a thread (`POST /threads/{id}/uploads`, multipart field `file`) with
 * XMLHttpRequest, the one browser API that reports upload progress everywhere. Resolves to the
 * upload; a refusal rejects with an {@link ApiError} carrying the problem's code and status
 * (413, 415, 429, 409 …), a lost connection with `NETWORK`, an abort with `ABORTED`.
 */
export function uploadFile(options: UploadFileOptions): Promise<Upload> {
  const { threadId, file, token, onProgress, signal } = options;
  return new Promise<Upload>((resolve, reject) => {
    if (signal?.aborted) return reject(new ApiError(0, 'ABORTED', 'The upload was cancelled'));
    const xhr = options.xhr?.() ?? new XMLHttpRequest();
    const url = (options.origin ?? '') + untypedRouteUrl('post /threads/{id}/uploads', { id: threadId });
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    if (onProgress) xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size));
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (fn: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    xhr.addEventListener('load', () =>
      settle(() => {
        let data: unknown;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = undefined;
        }
        if (xhr.status >= 200 && xhr.status < 300 && data) return resolve(data as Upload);
        const p = (data ?? {}) as { code?: string; detail?: string; title?: string };
        reject(new ApiError(xhr.status, (p.code as ErrorCode | undefined) ?? 'UNKNOWN', p.detail ?? p.title ?? `HTTP ${xhr.status}`));
      }),
    );
    xhr.addEventListener('error', () => settle(() => reject(new ApiError(0, 'NETWORK', options.networkMessage ?? 'Cannot reach the server'))));
    xhr.addEventListener('abort', () => settle(() => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled'))));
    const form = new FormData();
    const name = options.name ?? (file as Partial<File>).name ?? 'file';
    form.append('file', file, name);
    xhr.send(form);
  });
}

/**
 * The bytes of an attachment (`GET /attachments/{id}`, which needs the `Authorization` header, so a
 * plain `<img src>` or link cannot fetch it): callers show it through a blob URL they revoke.
 */
export async function fetchAttachment(
  id: string,
  { token, origin = '', fetch: doFetch = globalThis.fetch, networkMessage }: { token?: string | null; origin?: string; fetch?: typeof fetch; networkMessage?: string } = {},
): Promise<Blob> {
  let res: Response;
  try {
    res = await doFetch(origin + untypedRouteUrl('get /attachments/{id}', { id }), { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: 'omit' });
  } catch {
    throw new ApiError(0, 'NETWORK', networkMessage ?? 'Cannot reach the server');
  }
  if (res.ok) return res.blob();
  const p = ((await res.json().catch(() => undefined)) ?? {}) as { code?: string; detail?: string; title?: string };
  throw new ApiError(res.status, (p.code as ErrorCode | undefined) ?? 'UNKNOWN', p.detail ?? p.title ?? `HTTP ${res.status}`);
}

/** A size as people read it: 512 B, 14 KB, 2.4 MB (1 KB = 1024 bytes, as file managers show). */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 ? Math.round(n) : Math.round(n * 10) / 10} ${units[i]}`;
}

/** What a refused upload means, in plain words, with the file's name. */
export function uploadErrorText(err: unknown, name: string): string {
  const code = err instanceof ApiError ? err.code : 'UNKNOWN';
  switch (code) {
    case ErrorCode.PayloadTooLarge:
      return err instanceof ApiError && err.status === 413 && /thread/i.test(err.message)
        ? `“${name}” was not sent: this conversation holds as many files as it can.`
        : `“${name}” is too large to send.`;
    case ErrorCode.UnsupportedMediaType:
      return `“${name}” is a kind of file that cannot be sent (images, PDF and text files can).`;
    case ErrorCode.RateLimited:
      return `Too many files in a short time: “${name}” was not sent. Try again in a few minutes.`;
    case ErrorCode.ThreadClosed:
      return `The conversation is closed: “${name}” was not sent.`;
    case 'NETWORK':
      return `“${name}” could not be sent: the connection was lost. Retry when you are back online.`;
    default:
      return `“${name}” could not be sent${err instanceof ApiError && err.message ? `: ${err.message}` : ''}.`;
  }
}

/** What the tray says: why a file was not sent, and that files past the limit were left out. */
export interface TrayTexts {
  failed(err: unknown, name: string): string;
  leftOut(max: number, left: number): string;
}

/** How many files one message carries at most (`LIMITS.attachmentsPerMessageMax`; a spec keeps them equal). */
export const MAX_ATTACHMENTS = 5;

/** One file on its way into the next message. */
export interface TrayItem {
  key: number;
  name: string;
  size: number;
  /** The file's own type as the browser guessed it: only for showing a preview, the server decides. */
  type: string;
  state: 'uploading' | 'done' | 'failed';
  /** 0..1 */
  progress: number;
  upload?: Upload;
  error?: string;
}

export type Uploader = (file: Blob, name: string, onProgress: (loaded: number, total: number) => void, signal: AbortSignal) => Promise<Upload>;

/**
 * The files waiting to go with the next message: each uploads as soon as it is added (with its
 * progress), a failed one can be retried or removed, and a removed one stops uploading. Framework
 * free: the console and the widget wrap it in a signal through `onChange`.
 */
export class UploadTray {
  private list: TrayItem[] = [];
  private readonly files = new Map<number, { file: Blob; abort: AbortController }>();
  private nextKey = 1;
  private noticeText: string | null = null;

  constructor(
    private readonly uploader: Uploader,
    private readonly onChange: (items: readonly TrayItem[], notice: string | null) => void = () => undefined,
    /** The tray's words (the widget passes them in the visitor's language). */
    private readonly texts: TrayTexts = { failed: uploadErrorText, leftOut: (max, left) => `A message carries up to ${max} files: ${left} left out.` },
  ) {}

  get items(): readonly TrayItem[] {
    return this.list;
  }
  /** Why files were not taken (more than five), or null. */
  get notice(): string | null {
    return this.noticeText;
  }
  get uploading(): boolean {
    return this.list.some((i) => i.state === 'uploading');
  }
  /** The uploads ready to be attached, in the order they were added. */
  get ready(): Upload[] {
    return this.list.flatMap((i) => (i.state === 'done' && i.upload ? [i.upload] : []));
  }

  /** Adds files (a pasted image without a name gets one); past five, the rest are left out with a notice. */
  add(files: Iterable<Blob>): void {
    const taken: Blob[] = [...files];
    const room = MAX_ATTACHMENTS - this.list.length;
    this.noticeText = taken.length > room ? this.texts.leftOut(MAX_ATTACHMENTS, taken.length - Math.max(room, 0)) : null;
    for (const file of taken.slice(0, Math.max(room, 0))) {
      const key = this.nextKey++;
      const given = (file as Partial<File>).name;
      const ext = file.type.startsWith('image/') ? `.${file.type.slice(6).replace('jpeg', 'jpg')}` : '';
      const name = given || `pasted-${key}${ext}`;
      this.list = [...this.list, { key, name, size: file.size, type: file.type, state: 'uploading', progress: 0 }];
      this.start(key, file);
    }
    this.emit();
  }

  retry(key: number): void {
    const held = this.files.get(key);
    const item = this.list.find((i) => i.key === key);
    if (!held || !item || item.state !== 'failed') return;
    this.patch(key, { state: 'uploading', progress: 0, error: undefined });
    this.start(key, held.file);
  }

  remove(key: number): void {
    this.files.get(key)?.abort.abort();
    this.files.delete(key);
    this.list = this.list.filter((i) => i.key !== key);
    this.noticeText = null;
    this.emit();
  }

  /** Empties the tray (the message went, or the thread changed), stopping what still uploads. */
  clear(): void {
    for (const { abort } of this.files.values()) abort.abort();
    this.files.clear();
    this.list = [];
    this.noticeText = null;
    this.emit();
  }

  private start(key: number, file: Blob): void {
    const abort = new AbortController();
    this.files.set(key, { file, abort });
    const name = this.list.find((i) => i.key === key)?.name ?? 'file';
    this.uploader(file, name, (loaded, total) => this.patch(key, { progress: total > 0 ? Math.min(1, loaded / total) : 0 }), abort.signal).then(
      (upload) => this.patch(key, { state: 'done', progress: 1, upload }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        this.patch(key, { state: 'failed', error: this.texts.failed(err, name) });
      },
    );
  }

  private patch(key: number, change: Partial<TrayItem>): void {
    if (!this.list.some((i) => i.key === key)) return;
    this.list = this.list.map((i) => (i.key === key ? { ...i, ...change } : i));
    this.emit();
  }

  private emit(): void {
    this.onChange(this.list, this.noticeText);
  }
}
