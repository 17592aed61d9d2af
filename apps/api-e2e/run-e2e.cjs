#!/usr/bin/env node
// Runs the e2e suite once per database back end, one after the other, and fails if any run
// failed. Both runs always happen, so one report shows both back ends. When PostgreSQL is
// unreachable the postgres run is reported SKIPPED (its tests counted as skipped by jest), never
// as passed; under CI=true it fails instead.
// Usage: node apps/api-e2e/run-e2e.cjs [postgres] [pglite] [-- extra jest args]
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const named = split === -1 ? argv : argv.slice(0, split);
const jestArgs = split === -1 ? [] : argv.slice(split + 1);
const backends = named.length > 0 ? named : ['postgres', 'pglite'];
for (const b of backends) {
  if (b !== 'postgres' && b !== 'pglite') {
    process.stderr.write(`unknown back end "${b}" (expected postgres or pglite)\n`);
    process.exit(2);
  }
}

const root = path.resolve(__dirname, '../..');
const jestBin = path.join(root, 'node_modules/jest/bin/jest.js');
// The same E2E_PG_* settings as src/support/database.ts.
const PG = {
  host: process.env.E2E_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.E2E_PG_PORT ?? 5432),
  user: process.env.E2E_PG_USER ?? 'postgres',
  password: process.env.E2E_PG_PASSWORD,
  database: 'postgres',
};
const ADMIN_URL = `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}`;

/** Why PostgreSQL cannot be used, or null when it answers. */
async function postgresProblem() {
  const client = new Client({ ...PG, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main() {
  const results = [];
  for (const backend of backends) {
    process.stdout.write(`\n=== api-e2e against ${backend} ===\n`);
    const problem = backend === 'postgres' ? await postgresProblem() : null;
    if (problem && process.env.CI === 'true') {
      process.stderr.write(`api-e2e: PostgreSQL at ${ADMIN_URL} is unreachable under CI (${problem})\n`);
      results.push({ backend, outcome: 'FAILED' });
      continue;
    }
    // A back end that cannot run still goes through jest with a name filter that matches no test:
    // jest then counts every test as skipped, and the global setup starts nothing (E2E_SKIPPED).
    const skipArgs = problem ? ['--testNamePattern', '^$'] : [];
    // ESM-only packages (jose, which the identity tests sign with) load through jest's VM modules.
    const nodeOptions = [process.env.NODE_OPTIONS, '--experimental-vm-modules --no-warnings=ExperimentalWarning'].filter(Boolean).join(' ');
    const env = { ...process.env, NODE_OPTIONS: nodeOptions, E2E_DB: backend, ...(problem ? { E2E_SKIPPED: problem } : {}) };
    const run = spawnSync(
      process.execPath,
      [jestBin, '--config', path.join(__dirname, 'jest.config.cjs'), '--runInBand', ...jestArgs, ...skipArgs],
      { cwd: root, stdio: 'inherit', env },
    );
    const ok = run.status === 0;
    results.push({ backend, outcome: !ok ? 'FAILED' : problem ? 'SKIPPED (PostgreSQL unreachable)' : 'passed' });
  }
  for (const r of results) process.stdout.write(`api-e2e ${r.backend}: ${r.outcome}\n`);
  if (results.some((r) => r.outcome.startsWith('SKIPPED'))) {
    const line = '!'.repeat(78);
    process.stdout.write(`${line}\n!! SKIPPED: the postgres run did not run (PostgreSQL at ${ADMIN_URL} is unreachable)\n${line}\n`);
  }
  return results.some((r) => r.outcome === 'FAILED') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
