import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { OriginPolicy } from '../common/origin-policy';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/** helmet's policy as the rest of the server sends it, except for who may frame the page. */
const BASE_DIRECTIVES = Object.entries({
  ...helmet.contentSecurityPolicy.getDefaultDirectives(),
  'img-src': ["'self'", 'data:', 'blob:'],
})
  .filter(([name]) => name !== 'frame-ancestors')
  .map(([name, values]) => [name, ...[...values].map(String)].join(' '))
  .join('; ');

/** The widget app's CSP: framed by Parley itself and by the allowed sites, by nobody else. */
export function widgetContentSecurityPolicy(origins: OriginPolicy): string {
  return `${BASE_DIRECTIVES}; frame-ancestors 'self' ${origins.all().join(' ')}`.trimEnd();
}

/**
 * Headers of everything under /widget/ (the page that runs inside the customer's iframe). helmet
 * sends `frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN` everywhere; here the browser is
 * told to render the page in frames of the allowed origins only (read per request, so a change of
 * the widget settings applies at once). X-Frame-Options cannot list origins, so it goes.
 */
export function widgetPageHeaders(origins: OriginPolicy): Middleware {
  return (_req, res, next) => {
    res.removeHeader('X-Frame-Options');
    res.setHeader('Content-Security-Policy', widgetContentSecurityPolicy(origins));
    next();
  };
}

/** /widget.js is loaded by `<script src>` from customers' pages: another origin's resource policy must allow it. */
export function loaderHeaders(): Middleware {
  return (_req, res, next) => {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    next();
  };
}
