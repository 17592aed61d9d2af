import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AuthResponse, UpdateWidgetSettingsRequest } from '@parley/contracts';
import { type ApiServer, freePort, SERVER_ENTRY, startApiServer, waitForChromium, WORKSPACE_ROOT } from '@parley/test-support';
import { startHostSite } from './host-server';
import { RUNTIME_KEY, type Stack, STATE_ENV } from './state';

export interface Runtime {
  tempDir: string;
  api?: ApiServer;
  sites: Server[];
}

const DEMO_DIR = path.join(WORKSPACE_ROOT, 'dist/apps/widget-loader/demo');
/** What the run serves, each with the project that builds it (`widget-e2e:test` builds them all). */
const BUILDS = {
  [SERVER_ENTRY]: 'api',
  [path.join(WORKSPACE_ROOT, 'dist/apps/widget/browser/index.html')]: 'widget',
  // The agent's side of the file tests is the console, served by the same server.
  [path.join(WORKSPACE_ROOT, 'dist/apps/console/browser/index.html')]: 'console',
  [path.join(WORKSPACE_ROOT, 'dist/apps/widget-loader/widget.js')]: 'widget-loader',
  [DEMO_DIR]: 'widget-loader',
};

async function call<T>(url: string, method: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Starts the built server on the embedded database (a fresh folder), creates the first admin,
 * and, as that admin, lets the customer's site embed the widget (the admin-managed origins).
 * The customer's site is `localhost` on one port, Parley `127.0.0.1` on another: two origins,
 * two sites. A third port serves a site that is not allowed.
 */
export default async function globalSetup(): Promise<void> {
  await waitForChromium();
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'parley-widget-e2e-'));
  const runtime: Runtime = { tempDir, sites: [] };
  (globalThis as Record<string, unknown>)[RUNTIME_KEY] = runtime;

  const [apiPort, hostPort, blockedPort, smtpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const serverLog = path.join(WORKSPACE_ROOT, 'tmp/widget-e2e/server.log');
  // The embedded database, the in-memory adapter and only the origins the admin allows below,
  // whatever the caller's shell says. killOnExit: the server must not outlive jest.
  runtime.api = await startApiServer({
    env: {
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      PGLITE_DATA_DIR: path.join(tempDir, 'pglite'),
      JWT_SECRET: `widget-e2e-${randomBytes(24).toString('hex')}`,
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      // Every test client connects from 127.0.0.1, as if behind one proxy: the per-address
      // handshake limits would count the whole suite as one client. Per-principal limits keep their defaults.
      SOCKET_RATE_HANDSHAKE: '100000/1m',
      SOCKET_RATE_HANDSHAKE_FAILED: '100000/1m',
      // Mail goes to an SMTP server the email test starts on this port; until then (and for the
      // other tests) it waits in the outbox and is retried. Short delays: the test runs in seconds.
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'Northwind <chat@northwind.test>',
      EMAIL_IDLE_DELAY: '1s',
      EMAIL_POLL_INTERVAL: '250ms',
      EMAIL_RETRY_SCHEDULE: Array.from({ length: 20 }, () => '1s').join(','),
      EMAIL_TIMEOUT: '3s',
      NODE_ENV: 'test',
    },
    unset: ['DATABASE_URL', 'REDIS_URL', 'ALLOWED_ORIGINS'],
    requires: BUILDS,
    logFile: serverLog,
    killOnExit: true,
    // A liveness bound: a fresh embedded database runs every migration first, which takes over a
    // minute on a machine whose cores are shared with other test runs.
    readyTimeoutMs: 180_000,
  });
  const api = runtime.api.url;

  const admin = await call<AuthResponse>(`${api}/api/v1/setup`, 'POST', { email: 'ada@parley.test', name: 'Ada', password: 'correct-horse-battery' });
  // Ada claims a conversation in most tests and closes few of them: the most an agent may hold, not the default 5.
  await call(`${api}/api/v1/agents/${admin.agent.id}`, 'PATCH', { maxConcurrent: 50 }, admin.token);
  const host = await startHostSite({ port: hostPort, hostname: 'localhost', api, demoDir: DEMO_DIR });
  const blocked = await startHostSite({ port: blockedPort, hostname: 'localhost', api, demoDir: DEMO_DIR });
  runtime.sites.push(host.server, blocked.server);

  const settings: UpdateWidgetSettingsRequest = {
    title: 'Ask EVA',
    greetingLines: ["Hi, I'm EVA. Welcome to Northwind Outfitters.", 'Please provide your details in order to start chat.'],
    color: '#0b7a75',
    allowedOrigins: [host.origin],
  };
  await call(`${api}/api/v1/widget/settings`, 'PUT', settings, admin.token);

  const screenshots = path.resolve(WORKSPACE_ROOT, process.env['SCREENSHOTS'] === 'docs' ? 'docs/screenshots' : 'tmp/widget-e2e/screenshots');
  mkdirSync(screenshots, { recursive: true });
  const state: Stack = {
    api,
    host: host.origin,
    blocked: blocked.origin,
    admin: { id: admin.agent.id, token: admin.token },
    smtpPort,
    settings,
    screenshots,
    serverLog,
  };
  process.env[STATE_ENV] = JSON.stringify(state);
}
