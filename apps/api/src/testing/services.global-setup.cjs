// Probes the machine's PostgreSQL and Redis once per jest run and tells the specs through the environment.
// Under CI=true an unreachable service fails the run; elsewhere the suites say loudly what they skipped.
const { Client } = require('pg');
const { createClient } = require('redis');

function unreachable(what, url, err) {
  if (process.env.CI === 'true') throw new Error(`${what} at ${url} is unreachable under CI: ${err.message}`);
  process.stderr.write(`\n\n*** SKIPPED: ${what} at ${url} is unreachable (${err.message}); ${what} suites will not run ***\n\n`);
}

async function probePostgres() {
  const url = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.PARLEY_TEST_POSTGRES_URL = url;
  } catch (err) {
    process.env.PARLEY_TEST_POSTGRES_URL = '';
    unreachable('PostgreSQL', url, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeRedis() {
  const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  // One attempt: a probe that retried would only delay the skip.
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    process.env.PARLEY_TEST_REDIS_URL = url;
  } catch (err) {
    process.env.PARLEY_TEST_REDIS_URL = '';
    unreachable('Redis', url, err);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

module.exports = async function globalSetup() {
  await Promise.all([probePostgres(), probeRedis()]);
};
