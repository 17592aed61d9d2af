import { API_PREFIX, ErrorCode, LIMITS, type Upload } from '@parley/contracts';
import { ApiError } from './api-error';
import { fetchAttachment, humanSize, MAX_ATTACHMENTS, UploadTray, type UploadXhr, uploadErrorText, uploadFile } from './files';

/** An XMLHttpRequest stand-in that records what was sent and lets the test answer. */
class FakeXhr {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = '';
  aborted = false;
  private readonly listeners = new Map<string, ((e: unknown) => void)[]>();
  private readonly uploadListeners: ((e: unknown) => void)[] = [];
  readonly upload = { addEventListener: (_: string, fn: (e: unknown) => void) => this.uploadListeners.push(fn) };

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.fire('abort');
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  progress(loaded: number, total: number) {
    for (const fn of this.uploadListeners) fn({ loaded, total, lengthComputable: true });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.fire('load');
  }
  fire(type: string) {
    for (const fn of this.listeners.get(type) ?? []) fn({});
  }
}

const THREAD = '6f1c2b8e-2f41-4e0b-9d4e-3b8f0a1c2d3e';
const UPLOAD: Upload = { uploadId: '0b7c5a34-5e5f-4f7e-8f5a-1d2c3b4a5e6f', name: 'shot.png', size: 4, contentType: 'image/png', width: 1, height: 1 };

function start(options: Partial<Parameters<typeof uploadFile>[0]> = {}) {
  const xhr = new FakeXhr();
  const progress: number[][] = [];
  const result = uploadFile({
    threadId: THREAD,
    file: new Blob(['abcd'], { type: 'image/png' }),
    name: 'shot.png',
    token: 'tok',
    onProgress: (l, t) => progress.push([l, t]),
    xhr: () => xhr as unknown as UploadXhr,
    ...options,
  });
  return { xhr, progress, result };
}

describe('uploadFile', () => {
  it('posts the file as the multipart field `file` with the token, reports progress and resolves to the upload', async () => {
    const { xhr, progress, result } = start({ origin: 'https://parley.test' });
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe(`https://parley.test${API_PREFIX}/threads/${THREAD}/uploads`);
    expect(xhr.headers['authorization']).toBe('Bearer tok');
    const form = xhr.body as FormData;
    const part = form.get('file') as File;
    expect(part.name).toBe('shot.png');
    expect(await part.text()).toBe('abcd');
    xhr.progress(2, 4);
    xhr.progress(4, 4);
    xhr.answer(201, UPLOAD);
    await expect(result).resolves.toEqual(UPLOAD);
    expect(progress).toEqual([
      [2, 4],
      [4, 4],
    ]);
  });

  it.each([
    [413, ErrorCode.PayloadTooLarge],
    [415, ErrorCode.UnsupportedMediaType],
    [429, ErrorCode.RateLimited],
    [409, ErrorCode.ThreadClosed],
  ])('rejects a %i with the problem’s code', async (status, code) => {
    const { xhr, result } = start();
    xhr.answer(status, { type: 'about:blank', title: 'no', status, code, detail: 'refused' });
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status, code, message: 'refused' });
  });

  it('rejects a lost connection as NETWORK, a non-JSON answer as UNKNOWN, and an abort as ABORTED', async () => {
    const lost = start({ networkMessage: 'offline' });
    lost.xhr.fire('error');
    await expect(lost.result).rejects.toMatchObject({ code: 'NETWORK', message: 'offline' });

    const html = start();
    html.xhr.answer(502, '<html>bad gateway</html>');
    await expect(html.result).rejects.toMatchObject({ status: 502, code: 'UNKNOWN' });

    const abort = new AbortController();
    const cancelled = start({ signal: abort.signal });
    abort.abort();
    expect(cancelled.xhr.aborted).toBe(true);
    await expect(cancelled.result).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('fetchAttachment', () => {
  it('fetches the bytes with the token and throws the problem on a refusal', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const ok = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
      calls.push([String(url), init]);
      return new Response('PNG', { status: 200 });
    });
    const blob = await fetchAttachment('a1', { token: 't', fetch: ok as typeof fetch });
    expect(await blob.text()).toBe('PNG');
    expect(calls[0]?.[0]).toBe(`${API_PREFIX}/attachments/a1`);
    expect(calls[0]?.[1]?.headers).toEqual({ authorization: 'Bearer t' });

    const missing = jest.fn(async () => new Response(JSON.stringify({ code: ErrorCode.AttachmentNotFound, detail: 'gone' }), { status: 404 }));
    await expect(fetchAttachment('a1', { fetch: missing as typeof fetch })).rejects.toMatchObject({ status: 404, code: ErrorCode.AttachmentNotFound });
  });
});

describe('humanSize and uploadErrorText', () => {
  it('reads sizes as file managers show them', () => {
    expect([0, 512, 1024, 1536, 14 * 1024, 2.4 * 1024 * 1024, 10 * 1024 * 1024].map(humanSize)).toEqual(['0 B', '512 B', '1 KB', '1.5 KB', '14 KB', '2.4 MB', '10 MB']);
  });

  it('says in plain words why a file was refused, with its name', () => {
    expect(uploadErrorText(new ApiError(413, ErrorCode.PayloadTooLarge, 'x'), 'a.png')).toBe('“a.png” is too large to send.');
    expect(uploadErrorText(new ApiError(415, ErrorCode.UnsupportedMediaType, 'x'), 'a.exe')).toContain('cannot be sent');
    expect(uploadErrorText(new ApiError(429, ErrorCode.RateLimited, 'x'), 'a.png')).toContain('Too many files');
    expect(uploadErrorText(new ApiError(409, ErrorCode.ThreadClosed, 'x'), 'a.png')).toContain('closed');
    expect(uploadErrorText(new ApiError(0, 'NETWORK', 'x'), 'a.png')).toContain('connection');
  });
});

describe('UploadTray', () => {
  type Pending = { name: string; progress: (l: number, t: number) => void; resolve: (u: Upload) => void; reject: (e: unknown) => void; signal: AbortSignal };
  const setup = () => {
    const pending: Pending[] = [];
    const changes: number[] = [];
    const tray = new UploadTray(
      (_file, name, progress, signal) => new Promise<Upload>((resolve, reject) => pending.push({ name, progress, resolve, reject, signal })),
      (items) => changes.push(items.length),
    );
    return { tray, pending, changes };
  };
  const file = (name: string) => new File(['x'], name, { type: 'text/plain' });
  const settle = () => new Promise<void>((r) => queueMicrotask(r));

  it('matches the server’s limit of files per message', () => {
    expect(MAX_ATTACHMENTS).toBe(LIMITS.attachmentsPerMessageMax);
  });

  it('uploads what is added, with progress, and hands over the finished uploads in order', async () => {
    const { tray, pending, changes } = setup();
    tray.add([file('a.txt'), new Blob(['png'], { type: 'image/png' })]);
    expect(tray.items.map((i) => [i.name, i.state])).toEqual([
      ['a.txt', 'uploading'],
      ['pasted-2.png', 'uploading'],
    ]);
    pending[0]?.progress(1, 4);
    expect(tray.items[0]?.progress).toBe(0.25);
    pending[1]?.resolve({ ...UPLOAD, uploadId: 'second' });
    pending[0]?.resolve({ ...UPLOAD, uploadId: 'first' });
    await settle();
    expect(tray.uploading).toBe(false);
    expect(tray.ready.map((u) => u.uploadId)).toEqual(['first', 'second']);
    expect(changes.length).toBeGreaterThan(3);
    tray.clear();
    expect(tray.items).toEqual([]);
  });

  it('keeps a failed file with its reason; retry uploads it again, remove drops it and stops an upload', async () => {
    const { tray, pending } = setup();
    tray.add([file('big.pdf'), file('slow.txt')]);
    pending[0]?.reject(new ApiError(413, ErrorCode.PayloadTooLarge, 'too large'));
    await settle();
    expect(tray.items[0]).toMatchObject({ state: 'failed', error: '“big.pdf” is too large to send.' });
    const key = (i: number) => tray.items[i]?.key ?? -1;
    tray.retry(key(0));
    expect(tray.items[0]).toMatchObject({ state: 'uploading', error: undefined });
    expect(pending).toHaveLength(3);
    tray.remove(key(1));
    expect(pending[1]?.signal.aborted).toBe(true);
    expect(tray.items.map((i) => i.name)).toEqual(['big.pdf']);
  });

  it('takes at most five files and says what it left out', () => {
    const { tray } = setup();
    tray.add(['1', '2', '3', '4'].map((n) => file(`${n}.txt`)));
    tray.add([file('5.txt'), file('6.txt'), file('7.txt')]);
    expect(tray.items).toHaveLength(5);
    expect(tray.notice).toBe('A message carries up to 5 files: 2 left out.');
  });
});
