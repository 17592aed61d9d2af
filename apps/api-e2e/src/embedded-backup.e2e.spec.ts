import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentSchema } from '@parley/contracts';
import { type ApiServer, freePort, NODE_BIN, startApiServer, WORKSPACE_ROOT } from '@parley/test-support';
import { z } from 'zod';
import { unique } from './support/actors';
import { api, expectStatus } from './support/http';
import { e2e, useServer } from './support/state';

/**
 * `npm run backup` / `npm run restore` of the embedded database, driven as an operator would: a
 * server of its own on a PGlite directory, data made through the API, the scripts run while it is
 * up (refused) and after it stopped, then the data read back through the API after a restore.
 * The embedded back end only, whichever back end the suite's shared server runs.
 */
const SCRIPT = path.join(WORKSPACE_ROOT, 'tools/scripts/pglite-backup.mjs');
let tempDir = '';
let dataDir = '';
let server: ApiServer | undefined;
let port = 0;
const admin = { email: `${unique('backup')}@e2e.test`, name: 'Backup Admin', password: 'e2e-admin-password-1' };

async function start(): Promise<ApiServer> {
  server = await startApiServer({
    env: {
      PORT: String(port),
      PGLITE_DATA_DIR: dataDir,
      JWT_SECRET: e2e().jwtSecret,
      ALLOWED_ORIGINS: e2e().allowedOrigin,
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      NODE_ENV: 'test',
    },
    unset: ['DATABASE_URL', 'REDIS_URL'],
    logFile: path.join(WORKSPACE_ROOT, 'tmp/api-e2e', `server-backup-${e2e().backend}.log`),
    appendLog: true,
    tailChars: 20_000,
  });
  useServer(server.url, { ...e2e().admin });
  return server;
}

async function stop(): Promise<void> {
  // SIGTERM: the server drains and closes the database (and its lock) before it exits.
  if (server) await server.proc.stop('SIGTERM', 30_000);
  server = undefined;
}

function script(...args: string[]): { status: number | null; out: string } {
  const run = spawnSync(NODE_BIN, [SCRIPT, ...args, '--data-dir', dataDir], { cwd: WORKSPACE_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

async function login(): Promise<string> {
  const res = await api('post', '/auth/login', { body: { email: admin.email, password: admin.password } });
  expectStatus(res, 200);
  return (res.body as { token: string }).token;
}

async function agentNames(token: string): Promise<string[]> {
  const res = await api('get', '/agents', { token });
  expectStatus(res, 200);
  return z.array(AgentSchema).parse(res.body).map((a) => a.name).sort();
}

beforeAll(async () => {
  tempDir = mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-backup-'));
  dataDir = path.join(tempDir, 'pglite');
  port = await freePort();
});

afterAll(async () => {
  await stop();
  rmSync(tempDir, { recursive: true, force: true });
});

describe('backup and restore of the embedded database', () => {
  it('refuses while a server runs; after it stops, backup then restore brings back the data as it was at the backup', async () => {
    await start();
    const setup = await api('post', '/setup', { body: admin });
    expectStatus(setup, 201);
    let token = (setup.body as { token: string }).token;
    const kept = unique('Kept');
    const renamedLater = unique('Renamed');
    const created = await api('post', '/agents', { token, body: { email: `${unique('a')}@e2e.test`, name: kept, password: 'e2e-agent-password-1', role: 'agent' } });
    expectStatus(created, 201);
    const keptId = AgentSchema.parse(created.body).id;
    const atBackup = await agentNames(token);
    expect(atBackup).toContain(kept);

    // While the server has the directory open: refused, with the reason, and no file written.
    const out = path.join(tempDir, 'backups', 'parley.tar.gz');
    const refused = script('backup', '--out', out);
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/has .* open: stop it first/);
    expect(existsSync(out)).toBe(false);
    const refusedRestore = script('restore', out);
    expect(refusedRestore.status).toBe(1);

    await stop();
    const done = script('backup', '--out', out);
    expect(done.out).toContain('backed up');
    expect(done.status).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(0);

    // After the backup: one agent renamed, another added.
    await start();
    token = await login();
    expectStatus(await api('patch', `/agents/${keptId}`, { token, body: { name: renamedLater } }), 200);
    const added = unique('Added');
    expectStatus(await api('post', '/agents', { token, body: { email: `${unique('b')}@e2e.test`, name: added, password: 'e2e-agent-password-1', role: 'agent' } }), 201);
    const changed = await agentNames(token);
    expect(changed).toContain(renamedLater);
    expect(changed).toContain(added);
    await stop();

    // A file that is no backup: refused, and the directory left as it was.
    const junk = path.join(tempDir, 'junk.tar.gz');
    writeFileSync(junk, 'not a tarball');
    const bad = script('restore', junk);
    expect(bad.status).toBe(1);
    expect(bad.out).toContain('is unchanged');
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const restored = script('restore', out);
    expect(restored.out).toContain('restored');
    expect(restored.status).toBe(0);

    await start();
    token = await login();
    expect(await agentNames(token)).toEqual(atBackup);
    // Starts and stops the embedded server three times: a hang bound a loaded machine cannot reach.
  }, 300_000);
});
