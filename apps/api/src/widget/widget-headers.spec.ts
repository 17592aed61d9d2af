import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { OriginPolicy } from '../common/origin-policy';
import type { AppConfig } from '../config/app-config';
import { loaderHeaders, widgetContentSecurityPolicy, widgetPageHeaders } from './widget-headers';

describe('widget headers', () => {
  const policy = new OriginPolicy({ allowedOrigins: ['http://localhost:3000'] } as unknown as AppConfig);
  const dir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>widget</title>');
  writeFileSync(join(dir, 'widget.js'), '1');
  // The same order as bootstrap.ts and serve-clients.ts: helmet for everything, then the overrides.
  const app = express();
  app.use(helmet());
  app.use('/widget.js', loaderHeaders());
  app.use('/widget', widgetPageHeaders(policy));
  app.use('/widget', express.static(dir));
  app.use(express.static(dir, { index: false }));

  it('lets the allowed sites, and only them, frame the widget page', async () => {
    policy.setManaged(['https://shop.example.com']);
    const res = await request(app).get('/widget/').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'self' http://localhost:3000 https://shop.example.com");
    expect(csp.match(/frame-ancestors/g)).toHaveLength(1);
    expect(csp).toContain("script-src 'self'");
    // Attachments are fetched with the visitor's token and shown through blob URLs.
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(res.headers['x-frame-options']).toBeUndefined();
  });

  it('follows a change of the managed origins on the next request', async () => {
    policy.setManaged([]);
    const res = await request(app).get('/widget/index.html').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self' http:\/\/localhost:3000$/);
    expect(widgetContentSecurityPolicy(policy)).toBe(res.headers['content-security-policy']);
  });

  it('leaves the rest of the server unframeable and lets other sites load the loader script', async () => {
    const loader = await request(app).get('/widget.js').expect(200);
    expect(loader.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(loader.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(loader.headers['content-security-policy']).toContain("frame-ancestors 'self';");
  });
});
