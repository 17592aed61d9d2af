import busboy from 'busboy';
import { ErrorCode } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../common/app-error';

export interface ReceivedFile {
  /** The bytes, in a temporary file the caller removes. */
  path: string;
  size: number;
  /** What the client said: its file name and Content-Type (both only hints). */
  filename: string;
  claimedType: string;
}

export interface ReceiveOptions {
  /** Where the temporary file goes. */
  dir: string;
  /** The file field's name. */
  field: string;
  maxBytes: number;
}

/** A file and, at most, a few small fields; anything more is not an upload form. */
const LIMITS = { files: 1, fields: 4, parts: 5, fieldSize: 1024, fieldNameSize: 100, headerPairs: 20 };

const bad = (message: string) => new AppError(ErrorCode.ValidationFailed, message, [{ path: 'body', message }]);

export const tooLarge = (maxBytes: number) =>
  new AppError(ErrorCode.PayloadTooLarge, `The file is larger than ${maxBytes} bytes`);

/**
 * Streams the one file of a `multipart/form-data` request into a temporary file, never holding
 * it in memory. Refuses, as soon as it can tell and before reading the rest: a file past `maxBytes`
 * (413), a body that is not multipart (415), more parts or fields than a form of one file has, a
 * malformed or truncated body, another field name, no file (400). The temporary file is removed
 * whenever it refuses.
 */
export function receiveFile(req: IncomingMessage, o: ReceiveOptions): Promise<ReceivedFile> {
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
    return Promise.reject(new AppError(ErrorCode.UnsupportedMediaType, 'Send the file as multipart/form-data'));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { ...LIMITS, fileSize: o.maxBytes }, defParamCharset: 'utf8' });
  } catch (err) {
    return Promise.reject(bad(`Not a multipart body: ${(err as Error).message}`));
  }
  const path = join(o.dir, `${randomUUID()}.part`);
  return new Promise<ReceivedFile>((resolve, reject) => {
    let settled = false;
    let file: Omit<ReceivedFile, 'size'> | undefined;
    let written: Promise<number> | undefined;

    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.removeAllListeners();
      // Late parser errors have no one to hear them now.
      parser.on('error', () => undefined);
      parser.destroy();
      // Wait for the write stream to let go of the file before removing it.
      void (written ?? Promise.resolve(0))
        .catch(() => 0)
        .then(() => rm(path, { force: true }))
        .finally(() => reject(err));
    };

    parser.on('file', (name, stream, info) => {
      // Destroying the parser errors its open file streams: each must have a listener, or the
      // process dies of an unhandled 'error'.
      stream.on('error', () => undefined);
      if (name !== o.field || file) {
        stream.resume();
        return fail(bad(`Expected one file, in the field "${o.field}"`));
      }
      file = { path, filename: info.filename ?? '', claimedType: info.mimeType ?? '' };
      let size = 0;
      stream.on('data', (chunk: Buffer) => (size += chunk.length));
      stream.on('limit', () => fail(tooLarge(o.maxBytes)));
      written = pipeline(stream, createWriteStream(path, { flags: 'wx' })).then(() => size);
      written.catch((err: Error) => fail(bad(`The upload broke off: ${err.message}`)));
    });
    parser.on('field', () => undefined);
    parser.on('partsLimit', () => fail(bad(`At most ${LIMITS.parts} parts`)));
    parser.on('filesLimit', () => fail(bad('One file per upload')));
    parser.on('fieldsLimit', () => fail(bad(`At most ${LIMITS.fields} fields`)));
    parser.on('error', (err: Error) => fail(bad(`Malformed multipart body: ${err.message}`)));
    parser.on('close', () => {
      if (!file || !written) return fail(bad(`No file in the field "${o.field}"`));
      const received = file;
      written.then(
        (size) => {
          if (settled) return;
          settled = true;
          resolve({ ...received, size });
        },
        () => undefined,
      );
    });
    // A client that goes away mid-body: nothing will come, nothing is kept.
    req.on('close', () => {
      if (!req.complete) fail(bad('The request ended before its body did'));
    });
    req.on('error', () => fail(bad('The request ended before its body did')));
    req.pipe(parser);
  });
}
