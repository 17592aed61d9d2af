import { ErrorCode, LIMITS } from '@parley/contracts';
import { fileTypeFromFile } from 'file-type';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../common/app-error';
import { FILE_TYPES, type FileTypeName, fileTypeOfMime } from './file-types';

/** The name endings each type may keep; another ending gets the type's own added. */
const EXTENSIONS: Record<FileTypeName, readonly string[]> = {
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg'],
  gif: ['.gif'],
  webp: ['.webp'],
  pdf: ['.pdf'],
  txt: ['.txt', '.log', '.csv', '.md'],
};

// Matching control characters is the point of these two patterns.
/** Control characters other than tab, new line, form feed and carriage return: not text. */
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;
/** Characters that would make a file name read other than it is (bidirectional overrides, controls). */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\\/:*?"<>|]/g;
/** Images above this many pixels are refused before they are decoded (decompression bombs). */
const MAX_PIXELS = 50_000_000;

const unsupported = (message: string) => new AppError(ErrorCode.UnsupportedMediaType, message);

/**
 * What the bytes are, from their signature (`file-type`), or text when they are UTF-8 without
 * control characters. What the client claimed must agree when it claims something specific.
 */
export async function detectType(path: string, claimedType: string, allowed: readonly FileTypeName[]): Promise<FileTypeName> {
  const found = await fileTypeFromFile(path);
  const detected: FileTypeName | undefined = found ? fileTypeOfMime(found.mime) : (await isText(path)) ? 'txt' : undefined;
  if (!detected || !allowed.includes(detected)) {
    throw unsupported(`Files of this type are not accepted (${found?.mime ?? 'unknown type'}); accepted: ${allowed.join(', ')}`);
  }
  const claimed = claimedType.split(';')[0].trim().toLowerCase();
  if (claimed !== '' && claimed !== 'application/octet-stream' && fileTypeOfMime(claimed) !== detected) {
    throw unsupported(`The file's bytes are ${FILE_TYPES[detected].mime}, not ${claimed}`);
  }
  return detected;
}

async function isText(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) {
      if (BINARY.test(decoder.decode(chunk as Buffer, { stream: true }))) return false;
    }
    return !BINARY.test(decoder.decode());
  } catch {
    return false;
  }
}

/**
 * Writes the image again without its metadata (EXIF, GPS, XMP, comments: sharp keeps none unless
 * asked), turned upright as the camera's orientation said. Bytes that do not decode as the type
 * they started as are refused. Returns the pixel size (one frame's, for animations).
 */
export async function stripImage(type: FileTypeName, from: string, to: string): Promise<{ width: number; height: number }> {
  const options = { animated: true, limitInputPixels: MAX_PIXELS, sequentialRead: true };
  try {
    const meta = await sharp(from, options).metadata();
    let image = sharp(from, options);
    // Rotating a many-frame image is not supported; animations carry no camera orientation anyway.
    if ((meta.pages ?? 1) === 1) image = image.autoOrient();
    if (type === 'jpeg') image = image.jpeg({ quality: 90, mozjpeg: true });
    else if (type === 'png') image = image.png();
    else if (type === 'webp') image = image.webp({ quality: 90 });
    else if (type === 'gif') image = image.gif();
    else throw new Error(`${type} is not an image`);
    const info = await image.toFile(to);
    const pages = meta.pages ?? 1;
    return { width: info.width, height: pages > 1 ? Math.round(info.height / pages) : info.height };
  } catch (err) {
    throw unsupported(`The file is not a readable ${FILE_TYPES[type].mime} image (${(err as Error).message})`);
  }
}

/** A file name safe to show and to save: no path, no controls or direction overrides, the type's own ending. */
export function safeFileName(given: string, type: FileTypeName): string {
  const base = given.split(/[\\/]/).pop() ?? '';
  let name = base.normalize('NFC').replace(UNSAFE_NAME, '').trim().replace(/^\.+/, '');
  if (!name) name = 'file';
  const ext = extname(name).toLowerCase();
  if (!EXTENSIONS[type].includes(ext)) name = `${name}${EXTENSIONS[type][0]}`;
  const chars = Array.from(name);
  if (chars.length > LIMITS.fileNameMax) {
    const ending = extname(name);
    name = chars.slice(0, LIMITS.fileNameMax - ending.length).join('') + ending;
  }
  return name;
}
