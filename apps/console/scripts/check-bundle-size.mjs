#!/usr/bin/env node
// Fails when the console's initial JavaScript is larger than the budget once gzipped.
// Angular's own budgets (angular.json) measure raw bytes; this measures what a browser downloads:
// every script index.html loads or preloads, plus the chunks those import statically (not the
// lazy routes), each gzipped at level 9.
// Usage: node apps/console/scripts/check-bundle-size.mjs [dist dir] [--json]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_GZIP_BYTES = 350 * 1024;

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const dist = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(here, '../../../dist/apps/console/browser'));
const asJson = args.includes('--json');

/** The initial scripts of a built console: what index.html references, then their static imports. */
export function initialScripts(dir) {
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const queue = [
    ...[...html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)].map((m) => m[1]),
  ];
  const seen = new Set();
  while (queue.length > 0) {
    const file = queue.shift();
    if (seen.has(file) || /^(https?:)?\/\//.test(file)) continue;
    seen.add(file);
    const code = readFileSync(path.join(dir, file), 'utf8');
    // Static imports only: `import{a}from"./chunk-X.js"` or `import"./chunk-X.js"`, never `import("./…")`.
    for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(m[1]);
    for (const m of code.matchAll(/(?:^|[;}\s])export\s*(?:\*|\{[^}]*\})\s*from\s*["']\.\/([^"']+\.js)["']/g)) queue.push(m[1]);
  }
  return [...seen].map((file) => {
    const bytes = readFileSync(path.join(dir, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (!existsSync(path.join(dist, 'index.html'))) {
    process.stderr.write(`No built console at ${dist}: run \`npm run nx -- run console:build\` first\n`);
    process.exit(2);
  }
  const files = initialScripts(dist);
  const raw = files.reduce((n, f) => n + f.raw, 0);
  const gzip = files.reduce((n, f) => n + f.gzip, 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ files, raw, gzip, budget: BUDGET_GZIP_BYTES })}\n`);
  } else {
    for (const f of files) process.stdout.write(`  ${f.file.padEnd(28)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip\n`);
    process.stdout.write(`Initial JS: ${kb(raw)} raw, ${kb(gzip)} gzipped (budget ${kb(BUDGET_GZIP_BYTES)} gzipped)\n`);
  }
  if (gzip > BUDGET_GZIP_BYTES) {
    process.stderr.write(`Initial JS is ${kb(gzip)} gzipped, over the ${kb(BUDGET_GZIP_BYTES)} budget\n`);
    process.exit(1);
  }
}
