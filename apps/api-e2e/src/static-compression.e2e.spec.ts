import { existsSync, readFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { WORKSPACE_ROOT } from '@parley/test-support';
import { e2e } from './support/state';

// The built clients as the server serves them: console at /, widget app at /widget/, loader at
// /widget.js. The project's test target builds them first (apps/api-e2e/project.json).
const DIST = path.join(WORKSPACE_ROOT, 'dist/apps');
const CONSOLE = path.join(DIST, 'console/browser');
const WIDGET = path.join(DIST, 'widget/browser');
const LOADER = path.join(DIST, 'widget-loader');

const HASHED = 'public, max-age=31536000, immutable';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A GET that sends exactly the headers given and hands back the bytes on the wire: fetch and
 * supertest ask for compression themselves and decode it, which would hide what is tested here.
 */
function rawGet(urlPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${e2e().baseUrl}${urlPath}`, { method: 'GET', headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The file index.html loads first, e.g. `main-SHPO7LGX.js`. */
function mainScript(dir: string): string {
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const m = /<script[^>]*\ssrc="(main-[^"]+\.js)"/.exec(html);
  if (!m) throw new Error(`no main script in ${dir}/index.html`);
  return m[1];
}

interface Served {
  name: string;
  url: string;
  file: string;
  cacheControl: string;
  contentType: RegExp;
  /** Headers the page or script gets whatever its encoding. */
  headers?: (h: IncomingHttpHeaders) => void;
}

const widgetPage = (h: IncomingHttpHeaders) => {
  expect(h['content-security-policy']).toContain(`frame-ancestors 'self' ${e2e().allowedOrigin}`);
  expect(h['x-frame-options']).toBeUndefined();
};
const consolePage = (h: IncomingHttpHeaders) => {
  expect(h['content-security-policy']).toContain(`frame-ancestors 'self'`);
  expect(h['x-frame-options']).toBe('SAMEORIGIN');
};

function servedFiles(): Served[] {
  for (const [dir, project] of [[CONSOLE, 'console'], [WIDGET, 'widget'], [LOADER, 'widget-loader']]) {
    if (!existsSync(dir)) throw new Error(`${dir} does not exist: build it first (npm run nx -- run ${project}:build)`);
  }
  const html = /^text\/html; charset=utf-8$/;
  const js = /^(text|application)\/javascript; charset=utf-8$/;
  return [
    { name: 'console page', url: '/', file: path.join(CONSOLE, 'index.html'), cacheControl: 'no-cache', contentType: html, headers: consolePage },
    { name: 'console page at a deep link', url: '/threads/some-thread', file: path.join(CONSOLE, 'index.html'), cacheControl: 'no-cache', contentType: html, headers: consolePage },
    { name: 'console main script', url: `/${mainScript(CONSOLE)}`, file: path.join(CONSOLE, mainScript(CONSOLE)), cacheControl: HASHED, contentType: js },
    { name: 'widget page', url: '/widget/', file: path.join(WIDGET, 'index.html'), cacheControl: 'no-cache', contentType: html, headers: widgetPage },
    { name: 'widget main script', url: `/widget/${mainScript(WIDGET)}`, file: path.join(WIDGET, mainScript(WIDGET)), cacheControl: HASHED, contentType: js, headers: widgetPage },
    {
      name: 'widget.js',
      url: '/widget.js',
      file: path.join(LOADER, 'widget.js'),
      cacheControl: 'no-cache',
      contentType: js,
      headers: (h) => expect(h['cross-origin-resource-policy']).toBe('cross-origin'),
    },
  ];
}

const ENCODINGS = [
  { encoding: 'br', accept: 'br', decode: brotliDecompressSync },
  { encoding: 'gzip', accept: 'gzip', decode: gunzipSync },
  // What browsers send: brotli is preferred.
  { encoding: 'br', accept: 'gzip, deflate, br, zstd', decode: brotliDecompressSync },
] as const;

describe('the built clients are served precompressed, with cache lifetimes', () => {
  const files = servedFiles();

  describe.each(files)('$name ($url)', (served) => {
    const original = readFileSync(served.file);

    it.each(ENCODINGS)('Accept-Encoding: $accept gives Content-Encoding: $encoding, and the decoded bytes are the file', async ({ encoding, accept, decode }) => {
      const res = await rawGet(served.url, { 'Accept-Encoding': accept, Accept: 'text/html,*/*' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toMatch(/\bAccept-Encoding\b/i);
      expect(res.headers['content-type']).toMatch(served.contentType);
      expect(res.headers['cache-control']).toBe(served.cacheControl);
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
      expect(res.body.length).toBeLessThan(original.length);
      expect(decode(res.body).equals(original)).toBe(true);
      served.headers?.(res.headers);
    });

    it('without Accept-Encoding sends the file as it is', async () => {
      const res = await rawGet(served.url, { Accept: 'text/html,*/*' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.vary).toMatch(/\bAccept-Encoding\b/i);
      expect(res.headers['content-type']).toMatch(served.contentType);
      expect(res.headers['cache-control']).toBe(served.cacheControl);
      expect(res.body.equals(original)).toBe(true);
      served.headers?.(res.headers);
    });

    it('Accept-Encoding: identity sends the file as it is', async () => {
      const res = await rawGet(served.url, { 'Accept-Encoding': 'identity', Accept: 'text/html,*/*' });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.equals(original)).toBe(true);
    });
  });

  it('the API itself is not served from the client folders', async () => {
    const res = await rawGet('/api/health/live', { 'Accept-Encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ status: expect.any(String) });
  });
});
