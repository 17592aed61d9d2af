// Bundles the loader into one minified IIFE (dist/apps/widget-loader/widget.js) and copies the
// demo host page next to it (served at /demo). Plain esbuild: the loader has no framework.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const out = join(root, 'dist/apps/widget-loader');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(out, 'widget.js'),
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2022', 'chrome94', 'firefox93', 'safari16'],
  tsconfig: join(here, 'tsconfig.app.json'),
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync(join(here, 'src/demo'), join(out, 'demo'), { recursive: true });
