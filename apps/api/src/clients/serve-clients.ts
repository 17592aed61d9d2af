import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { OriginPolicy } from '../common/origin-policy';
import { loaderHeaders, widgetPageHeaders } from '../widget/widget-headers';

/** Where the built clients are, relative to the working directory (the repository root). */
export const CLIENT_BUILDS = {
  console: 'dist/apps/console/browser',
  widget: 'dist/apps/widget/browser',
  loader: 'dist/apps/widget-loader',
} as const;

const API_PATHS = /^\/(api|socket\.io|widget|widget\.js|demo)(\/|$|\?)/;

/**
 * Serves the built console at `/` (an Angular app: unknown paths get its index.html), the widget
 * app under `/widget/` and the loader at `/widget.js`. A client that has not been built is simply
 * not served, so the API runs on its own too.
 */
export function serveClients(app: NestExpressApplication, root = process.cwd()): void {
  const loader = resolve(root, CLIENT_BUILDS.loader);
  if (existsSync(loader)) {
    app.use('/widget.js', loaderHeaders());
    app.useStaticAssets(loader, { index: false, maxAge: '5m' });
    // The demo host page: embeds the widget the way a customer's site does.
    app.useStaticAssets(join(loader, 'demo'), { prefix: '/demo', index: 'index.html', maxAge: 0 });
  }
  const widget = resolve(root, CLIENT_BUILDS.widget);
  if (existsSync(widget)) {
    app.use('/widget', widgetPageHeaders(app.get(OriginPolicy)));
    app.useStaticAssets(widget, {
      prefix: '/widget/',
      index: 'index.html',
      maxAge: '1h',
      // The page names the hashed bundles of the current build: always revalidate it.
      setHeaders: (res: Response, file: string) => file.endsWith('.html') && res.setHeader('Cache-Control', 'no-cache'),
    });
  }
  const consoleDir = resolve(root, CLIENT_BUILDS.console);
  if (existsSync(consoleDir)) {
    app.useStaticAssets(consoleDir, { index: false, maxAge: '1h' });
    const index = join(consoleDir, 'index.html');
    app.use((req: Request, res: Response, next: NextFunction) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path) || !req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  }
}
