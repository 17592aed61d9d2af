#!/usr/bin/env node
// Writes a brotli (`.br`) and a gzip (`.gz`) copy beside every compressible file of a built client,
// so the server sends them as they are (apps/api/src/clients/serve-clients.ts) instead of
// compressing each response. Run after each client's build; the copies are rewritten every time.
// A copy that would not be smaller than its file is not written: the file is then sent as it is.
//   node tools/scripts/precompress.mjs <dir> [<dir> …]
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map', '.webmanifest', '.xml', '.ico']);

/** Every file under `dir`, as absolute paths. */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? walk(full) : e.isFile() ? [full] : [];
  });
}

export function precompress(dir) {
  const written = [];
  // Copies left by an earlier run go first (their file may be gone or changed); the live ones are rewritten.
  const isCopy = (file) => file.endsWith('.br') || file.endsWith('.gz');
  for (const file of walk(dir).filter(isCopy)) rmSync(file);
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE.has(extname(file).toLowerCase())) continue;
    const bytes = readFileSync(file);
    const variants = {
      br: brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
      gz: gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }),
    };
    for (const [ext, out] of Object.entries(variants)) {
      if (out.length >= bytes.length) continue;
      writeFileSync(`${file}.${ext}`, out);
      written.push({ file: relative(dir, file), ext, raw: bytes.length, size: out.length });
    }
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  if (dirs.length === 0) {
    process.stderr.write('usage: precompress.mjs <dir> [<dir> …]\n');
    process.exit(2);
  }
  for (const d of dirs) {
    const dir = resolve(d);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      process.stderr.write(`${dir} is not a directory: build first\n`);
      process.exit(2);
    }
    const written = precompress(dir);
    const sum = (ext) => written.filter((w) => w.ext === ext).reduce((n, w) => n + w.size, 0);
    const raw = written.filter((w) => w.ext === 'gz').reduce((n, w) => n + w.raw, 0);
    process.stdout.write(
      `precompressed ${written.filter((w) => w.ext === 'gz').length} file(s) in ${relative(process.cwd(), dir) || '.'}: ` +
        `${(raw / 1000).toFixed(1)} kB -> ${(sum('br') / 1000).toFixed(1)} kB br, ${(sum('gz') / 1000).toFixed(1)} kB gzip\n`,
    );
  }
}
