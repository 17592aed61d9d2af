#!/usr/bin/env node
// The widget's size budgets, checked after each build: fails (exit 1) when a built file is over.
//   node tools/scripts/widget-budgets.mjs loader   dist/apps/widget-loader/widget.js   <= 5 kB gzipped
//   node tools/scripts/widget-budgets.mjs app      the widget app's initial JavaScript <= 120 kB gzipped
// "Initial" is what the page loads before it runs: its <script> and modulepreload files and,
// transitively, their static imports (lazy chunks are not counted). gzip at zlib's default level;
// 1 kB = 1000 bytes. The numbers are written to dist/widget-budgets/<loader|app>.json (not beside
// the builds: those folders are served).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUDGETS = { loader: 5_000, app: 120_000 };

const gz = (file) => gzipSync(readFileSync(file)).length;

export function loaderFiles(dir = join(root, 'dist/apps/widget-loader')) {
  return { dir, files: ['widget.js'] };
}

/** The app's initial JavaScript files, relative to its browser/ folder. */
export function appFiles(dir = join(root, 'dist/apps/widget/browser')) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const queue = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1].replace(/^\.?\//, ''));
  const seen = new Set();
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(m[1]);
  }
  return { dir, files: [...seen] };
}

export function measure(kind) {
  const { dir, files } = kind === 'loader' ? loaderFiles() : appFiles();
  const sizes = files.map((f) => ({ file: f, raw: readFileSync(join(dir, f)).length, gzip: gz(join(dir, f)) }));
  const gzip = sizes.reduce((s, x) => s + x.gzip, 0);
  const raw = sizes.reduce((s, x) => s + x.raw, 0);
  return { kind, budget: BUDGETS[kind], gzip, raw, files: sizes, dir };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2];
  if (!(kind in BUDGETS)) {
    process.stderr.write('usage: widget-budgets.mjs loader|app\n');
    process.exit(2);
  }
  const dir = kind === 'loader' ? loaderFiles().dir : appFiles().dir;
  if (!existsSync(dir)) {
    process.stderr.write(`${dir} does not exist: build first\n`);
    process.exit(2);
  }
  const r = measure(kind);
  const { dir: _dir, ...report } = r;
  mkdirSync(join(root, 'dist/widget-budgets'), { recursive: true });
  writeFileSync(join(root, 'dist/widget-budgets', `${kind}.json`), JSON.stringify({ ...report, measuredAt: new Date().toISOString() }, null, 2) + '\n');
  const kb = (n) => (n / 1000).toFixed(1);
  const line = `${kind === 'loader' ? 'widget loader' : 'widget app initial JS'}: ${kb(r.gzip)} kB gzipped (${kb(r.raw)} kB raw, ${r.files.length} file(s)); budget ${kb(r.budget)} kB`;
  if (r.gzip > r.budget) {
    process.stderr.write(`OVER BUDGET: ${line}\n`);
    process.exit(1);
  }
  process.stdout.write(`${line}\n`);
}
