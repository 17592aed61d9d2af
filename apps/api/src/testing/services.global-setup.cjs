// Probes the machine's PostgreSQL once per jest run and tells the specs through the environment.
// Under CI=true an unreachable PostgreSQL fails the run; elsewhere the suites say loudly they skipped it.
const { Client } = require('pg');

module.exports = async function globalSetup() {
  const url = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.PARLEY_TEST_POSTGRES_URL = url;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${url} is unreachable under CI: ${err.message}`);
    process.env.PARLEY_TEST_POSTGRES_URL = '';
    process.stderr.write(`\n\n*** SKIPPED: PostgreSQL at ${url} is unreachable (${err.message}); PostgreSQL suites will not run ***\n\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
};
