import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { API_PREFIX, type Upload, UPLOAD_FILE_FIELD, UploadSchema } from '@parley/contracts';
import {
  type ApiServer,
  createDatabase,
  dropDatabase,
  freePort,
  startApiServer,
  type TestDatabase,
  WORKSPACE_ROOT,
} from '@parley/test-support';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { DATABASE_PREFIX, PG } from './database';
import { e2e } from './state';

export type StorageKind = 'disk' | 's3';

/** A local S3-compatible server (s3rver) with one bucket, its objects in a folder of its own. */
export class LocalS3 {
  static readonly BUCKET = 'parley-files';
  private constructor(
    private readonly server: S3rver,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<LocalS3> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-s3-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: LocalS3.BUCKET, configs: [] }] });
    const { port } = await server.run();
    return new LocalS3(server, port, dir);
  }

  /** STORAGE_URL for a server, with s3rver's fixed test credentials and a key prefix of its own. */
  storageUrl(prefix: string): string {
    return `s3://S3RVER:S3RVER@${LocalS3.BUCKET}/${prefix}?endpoint=http://127.0.0.1:${this.port}&region=us-east-1`;
  }

  /** The object keys below a prefix. */
  async keys(prefix: string): Promise<string[]> {
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${this.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      const out = await client.send(new ListObjectsV2Command({ Bucket: LocalS3.BUCKET, Prefix: `${prefix}/` }));
      return (out.Contents ?? []).map((o) => o.Key ?? '');
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A server of this test file's own, on a fresh database, keeping files on the disk or in the local S3. */
export interface FilesServer {
  server: ApiServer;
  database?: TestDatabase;
  /** UPLOADS_DIR: the files on the disk storage, and the uploads in progress (`.tmp`) on both. */
  uploadsDir: string;
  storage: StorageKind;
  /** The key prefix in the bucket (s3). */
  prefix: string;
  stop(): Promise<void>;
}

export async function startFilesServer(
  name: string,
  storage: StorageKind,
  s3: LocalS3 | undefined,
  env: Record<string, string>,
  opts: { database?: TestDatabase; uploadsDir?: string } = {},
): Promise<FilesServer> {
  const shared = e2e();
  const tempDir = mkdtempSync(path.join(os.tmpdir(), `parley-e2e-${name}-`));
  const ownDatabase = !opts.database && shared.backend === 'postgres' ? await createDatabase(DATABASE_PREFIX, PG) : undefined;
  const database = opts.database ?? ownDatabase;
  const uploadsDir = opts.uploadsDir ?? path.join(tempDir, 'uploads');
  const prefix = `${name}-${path.basename(tempDir)}`;
  const server = await startApiServer({
    env: {
      PORT: String(await freePort()),
      PGLITE_DATA_DIR: path.join(tempDir, 'pglite'),
      UPLOADS_DIR: uploadsDir,
      JWT_SECRET: shared.jwtSecret,
      ALLOWED_ORIGINS: shared.allowedOrigin,
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      SOCKET_RATE_HANDSHAKE: '100000/1m',
      SOCKET_RATE_HANDSHAKE_FAILED: '100000/1m',
      NODE_ENV: 'test',
      ...(storage === 's3' && s3 ? { STORAGE_URL: s3.storageUrl(prefix) } : {}),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...env,
    },
    unset: ['DATABASE_URL', 'REDIS_URL', 'STORAGE_URL', 'UPLOADS_DIR'],
    logFile: path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-${name}-${storage}-${shared.backend}.log`),
    tailChars: 20_000,
  });
  return {
    server,
    database,
    uploadsDir,
    storage,
    prefix,
    async stop() {
      await server.proc.stop();
      if (ownDatabase) await dropDatabase(ownDatabase.name, PG).catch(() => undefined);
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** Every file below a folder, recursively (paths relative to it). */
export function filesBelow(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(filesBelow(full).map((f) => path.join(name, f)));
    else out.push(name);
  }
  return out;
}

/** The stored files of a server: objects in its bucket prefix, or files on its disk (not the marker, not uploads in progress). */
export async function storedFiles(f: FilesServer, s3: LocalS3 | undefined): Promise<string[]> {
  if (f.storage === 's3' && s3) return s3.keys(f.prefix);
  return filesBelow(f.uploadsDir).filter((p) => !p.startsWith('.tmp') && p !== '.disk-id');
}

/** Uploads in progress, or left behind by a refused one. */
export function temporaryFiles(f: FilesServer): string[] {
  mkdirSync(path.join(f.uploadsDir, '.tmp'), { recursive: true });
  return filesBelow(path.join(f.uploadsDir, '.tmp'));
}

export interface FileSpec {
  bytes: Uint8Array;
  name: string;
  /** The part's Content-Type, as a client claims it. */
  type?: string;
}

/** `POST /threads/{id}/uploads` the way a browser's FormData sends it. */
export async function upload(token: string, threadId: string, file: FileSpec, field = UPLOAD_FILE_FIELD): Promise<{ status: number; body: unknown; headers: Headers }> {
  const form = new FormData();
  form.append(field, new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type ?? '' }), file.name);
  const res = await fetch(`${e2e().baseUrl}${API_PREFIX}/threads/${threadId}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

export async function uploadOk(token: string, threadId: string, file: FileSpec): Promise<Upload> {
  const res = await upload(token, threadId, file);
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  return UploadSchema.parse(res.body);
}

export async function download(token: string | undefined, id: string): Promise<{ status: number; headers: Headers; bytes: Buffer; body: unknown }> {
  const res = await fetch(`${e2e().baseUrl}${API_PREFIX}/attachments/${id}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(30_000),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown = undefined;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, bytes, body };
}

export interface RawResponse {
  status: number;
  body: string;
  /** Body bytes the client had written when the response arrived. */
  sentWhenAnswered: number;
}

/**
 * A hand-made request to the upload route: `head` is sent first, then `body` in chunks as the socket
 * takes them, stopping as soon as a response arrives; `declaredLength` (or chunked when null) is what
 * Content-Length says, which may be more than is sent; `end` false leaves the body unfinished.
 */
export function rawUpload(
  token: string,
  threadId: string,
  opts: { contentType: string; body: Buffer | (() => Buffer | null); declaredLength?: number | null; end?: boolean },
): Promise<RawResponse> {
  const url = new URL(`${e2e().baseUrl}${API_PREFIX}/threads/${threadId}/uploads`);
  return new Promise<RawResponse>((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': opts.contentType };
    const fixed = Buffer.isBuffer(opts.body) ? opts.body : null;
    const length = opts.declaredLength === undefined ? fixed?.length : opts.declaredLength;
    if (length !== null && length !== undefined) headers['content-length'] = length;
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error('no response to the raw upload in 30 s'));
    }, 30_000);
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentWhenAnswered });
      });
    });
    // The server may close while the body is still being written: its answer is what counts.
    req.on('error', (err) => {
      if (!answered) {
        clearTimeout(timer);
        reject(new Error(`${err.message} after ${sent} bytes were written, before any answer`, { cause: err }));
      }
    });
    const next = typeof opts.body === 'function' ? opts.body : (() => {
      let done = false;
      return () => (done ? null : ((done = true), fixed));
    })();
    // One chunk per turn of the event loop, as a real client sends while it also reads: a loop
    // that writes until the socket pushes back would starve the parsing of the answer, keep writing
    // until the server's bounded drain gives up, and then see the reset instead of the answer.
    const pump = () => {
      if (answered) return;
      const chunk = next();
      if (!chunk) {
        if (opts.end !== false) req.end();
        return;
      }
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(pump);
      else req.once('drain', pump);
    };
    pump();
  });
}

/** A multipart body by hand: `parts` as given, then the closing boundary unless `close` is false. */
export function multipart(boundary: string, parts: { headers: string[]; body: Buffer | string }[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${p.headers.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    chunks.push(Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

// Sample files, made here so the suite ships no binaries.

/** A 40×30 JPEG carrying EXIF (a copyright line and a GPS position) and the camera orientation 6 (turned 90°). */
export async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 60, b: 30 } } })
    .jpeg()
    .withExif({
      IFD0: { Copyright: 'Parley secret copyright' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 40/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export async function png(width = 16, height = 12): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 1 } } }).png().toBuffer();
}

export function pdf(): Buffer {
  return Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
}

/** A ZIP archive's first bytes: a type the server does not take. */
export function zip(): Buffer {
  return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), Buffer.alloc(40, 1)]);
}
