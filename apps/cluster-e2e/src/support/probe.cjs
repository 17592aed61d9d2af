// What the cluster suite needs from the machine: PostgreSQL (fresh database per run), the
// redis-server binary (each test runs a Redis of its own, so the machine's is never restarted),
// nginx for the load-balancer test, and the built server. Shared by run.cjs and the global setup.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '../../../..');
const SERVER_ENTRY = path.join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const ADMIN_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A binary on PATH or in the sbin folders Debian installs daemons to (often not on a user's PATH). */
function findBinary(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  return ['/usr/sbin', '/usr/local/sbin', '/usr/bin'].map((d) => path.join(d, name)).find((p) => existsSync(p)) ?? null;
}

async function postgresProblem() {
  const client = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `PostgreSQL at ${ADMIN_URL} is unreachable (${err.message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves with the problems that stop the whole suite, and whether nginx is there. */
async function probe() {
  const problems = [];
  const pg = await postgresProblem();
  if (pg) problems.push(pg);
  const redisServer = findBinary('redis-server');
  if (!redisServer) problems.push('redis-server is not installed (apt-get install -y redis-server)');
  if (!existsSync(SERVER_ENTRY)) problems.push(`${SERVER_ENTRY} is missing: run \`npm run nx -- run api:build\``);
  return { problems, redisServer, nginx: findBinary('nginx'), adminUrl: ADMIN_URL };
}

function banner(text) {
  const line = '!'.repeat(78);
  return `\n${line}\n!! SKIPPED: ${text}\n${line}\n`;
}

module.exports = { probe, banner, findBinary, ROOT, SERVER_ENTRY };
