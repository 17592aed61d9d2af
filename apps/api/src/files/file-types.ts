/**
 * The file types an upload may have, by the short name UPLOAD_ALLOWED_TYPES uses. The type of a
 * file is read from its bytes (`file-type`); text has no signature, so it is text when every byte is
 * UTF-8 without control characters. Images are re-encoded before they are stored, which drops their
 * metadata (EXIF with its GPS position, XMP, comments). Adding a type here is the way to allow more;
 * an image type also needs sharp to write it.
 */
export const FILE_TYPES = {
  png: { mime: 'image/png', image: true },
  jpeg: { mime: 'image/jpeg', image: true },
  gif: { mime: 'image/gif', image: true },
  webp: { mime: 'image/webp', image: true },
  pdf: { mime: 'application/pdf', image: false },
  txt: { mime: 'text/plain', image: false },
} as const;

export type FileTypeName = keyof typeof FILE_TYPES;
export const FILE_TYPE_NAMES = Object.keys(FILE_TYPES) as [FileTypeName, ...FileTypeName[]];

/** The catalog entry of a MIME type (without parameters), if it is one. */
export function fileTypeOfMime(mime: string): FileTypeName | undefined {
  const bare = mime.split(';')[0].trim().toLowerCase();
  return FILE_TYPE_NAMES.find((n) => FILE_TYPES[n].mime === bare);
}
