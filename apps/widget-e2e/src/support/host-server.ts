import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

export interface HostSite {
  server: Server;
  origin: string;
}

/**
 * A customer's website on its own origin: the demo page (as built at dist/apps/widget-loader/demo)
 * with its script tag pointing at Parley, the way a customer pastes it. Extra pages for the
 * safety tests: an empty page (the forger's frame) and a page that frames the widget app directly.
 */
export function startHostSite(opts: { port: number; hostname: string; api: string; demoDir: string }): Promise<HostSite> {
  const origin = `http://${opts.hostname}:${opts.port}`;
  const demo = readFileSync(path.join(opts.demoDir, 'index.html'), 'utf8').replace('src="/widget.js"', `src="${opts.api}/widget.js"`);
  if (!demo.includes(`${opts.api}/widget.js`)) throw new Error('the demo page has no <script src="/widget.js"> to point at Parley');
  const css = readFileSync(path.join(opts.demoDir, 'demo.css'));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    switch (url.pathname) {
      case '/':
      case '/index.html': {
        // ?evil=<origin> adds a frame from that origin to the page: the forger of the safety tests.
        const evil = url.searchParams.get('evil');
        const extra = evil ? `<iframe id="evil" title="ad" src="${new URL('/blank', evil).href}" width="300" height="60"></iframe>` : '';
        // ?identity=<jwt>: the page of a signed-in user, as the site renders it (its backend signed the token).
        const identity = url.searchParams.get('identity');
        // ?locale=<tag>: a page in that language (`ParleySettings.locale`).
        const locale = url.searchParams.get('locale');
        const given = { ...(identity ? { identity } : {}), ...(locale ? { locale } : {}) };
        const settings = identity || locale ? `<script>window.ParleySettings = ${JSON.stringify(given).replace(/</g, '\\u003c')};</script>` : '';
        return send('text/html; charset=utf-8', demo.replace('</main>', `${extra}</main>`).replace(`<script src="${opts.api}/widget.js"`, `${settings}<script src="${opts.api}/widget.js"`));
      }
      case '/demo.css':
        return send('text/css', css);
      case '/blank':
        return send('text/html; charset=utf-8', '<!doctype html><title>blank</title><p>an ad</p>');
      case '/frame-widget':
        return send(
          'text/html; charset=utf-8',
          `<!doctype html><title>framing</title><iframe id="direct" title="widget" src="${opts.api}/widget/?host=${encodeURIComponent(origin)}"></iframe>`,
        );
      case '/favicon.ico':
        return void res.writeHead(204).end();
      default:
        res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve({ server, origin }));
  });
}
