import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';
import { OriginPolicy } from '../common/origin-policy';
import { loaderHeaders, widgetPageHeaders } from '../widget/widget-headers';

/** Where the built clients are, relative to the working directory (the repository root). */
export const CLIENT_BUILDS = {
  console: 'dist/apps/console/browser',
  widget: 'dist/apps/widget/browser',
  loader: 'dist/apps/widget-loader',
} as const;

/**
 * Paths that are never the console's pages: the API, the sockets (socket.io and the old system's raw
 * WebSocket, whose plain GET must reach the API and its request log), the widget and `/metrics`.
 */
const API_PATHS = /^\/(api|socket\.io|ws|widget|widget\.js|demo|metrics)(\/|$|\?)/;

/** Angular's bundles carry a content hash in their names (`main-SHPO7LGX.js`, `chunk-CqWQFpr-.js`), and so do its media files. */
const HASHED = /^(?:(?:main|polyfills|styles|chunk|worker)-[\w-]{8}\.(?:js|css)|media\/.+)$/;

export const CACHE_CONTROL = {
  /** A hashed file never changes under its name: a new build names it anew. */
  hashed: 'public, max-age=31536000, immutable',
  /** HTML pages (they name the hashed bundles of the current build) and widget.js (its name is on customers' sites): always revalidate. */
  revalidate: 'no-cache',
  /** Anything else a build emits (favicon, demo stylesheet). */
  other: 'public, max-age=3600',
} as const;

/** The Cache-Control of a built file, by its path below the client's folder (a `.br`/`.gz` copy counts as its file). */
export function cacheControlOf(file: string): string {
  const name = file.split(sep).join('/').replace(/\.(?:br|gz)$/, '');
  if (name.endsWith('.html') || basename(name) === 'widget.js') return CACHE_CONTROL.revalidate;
  return HASHED.test(name) ? CACHE_CONTROL.hashed : CACHE_CONTROL.other;
}

/**
 * A built client's folder, with the brotli and gzip copies the build wrote beside each file
 * (tools/scripts/precompress.mjs) sent to browsers that accept them (`Vary: Accept-Encoding`), and
 * each file's Cache-Control by {@link cacheControlOf}.
 */
function staticClient(dir: string, index: string | false): ReturnType<typeof expressStaticGzip> {
  const files = expressStaticGzip(dir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index,
    serveStatic: {
      index: index === false ? false : [index],
      setHeaders: (res: ServerResponse, file: string) => {
        res.setHeader('Cache-Control', cacheControlOf(relative(dir, file)));
        // A compressed copy's Content-Type is set by express-static-gzip (`charset=UTF-8`); the file
        // itself gets serve-static's (`charset=utf-8`). One spelling, whatever the encoding.
        const type = res.getHeader('Content-Type');
        if (typeof type === 'string') res.setHeader('Content-Type', type.replace(/charset=utf-8$/i, 'charset=utf-8'));
      },
    },
  });
  // express-static-gzip answers a path it cannot decode (`%E0%A4%A`) with its own 400 HTML page. No
  // file has such a name, so the request goes on to the routes, which answer problem documents.
  return (req: Request, res: Response, next: NextFunction) => (decodable(req.path) ? files(req, res, next) : next());
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Serves the built console at `/` (an Angular app: unknown paths get its index.html), the widget
 * app under `/widget/` and the loader at `/widget.js`. A client that has not been built is simply
 * not served, so the API runs on its own too.
 */
export function serveClients(app: NestExpressApplication, root = process.cwd()): void {
  const loader = resolve(root, CLIENT_BUILDS.loader);
  if (existsSync(loader)) {
    app.use('/widget.js', loaderHeaders());
    app.use(staticClient(loader, false));
    // The demo host page: embeds the widget the way a customer's site does.
    app.use('/demo', staticClient(join(loader, 'demo'), 'index.html'));
  }
  const widget = resolve(root, CLIENT_BUILDS.widget);
  if (existsSync(widget)) {
    app.use('/widget', widgetPageHeaders(app.get(OriginPolicy)));
    app.use('/widget', staticClient(widget, 'index.html'));
  }
  const consoleDir = resolve(root, CLIENT_BUILDS.console);
  if (existsSync(consoleDir)) {
    const consoleFiles = staticClient(consoleDir, false);
    app.use(consoleFiles);
    app.use((req: Request, res: Response, next: NextFunction) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path) || !req.accepts('html')) return next();
      // Any other page is the console's: its index.html, compressed like the rest.
      const url = req.url;
      req.url = '/index.html';
      consoleFiles(req, res, (err?: unknown) => {
        req.url = url;
        next(err);
      });
    });
  }
}
