#!/usr/bin/env node
// Runs the e2e suite once per database back end, one after the other, and fails if any run
// failed. Both runs always happen, so one report shows both back ends.
// Usage: node apps/api-e2e/run-e2e.cjs [postgres] [pglite] [-- extra jest args]
const { spawnSync } = require('node:child_process');
const path = require('node:path');

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
const results = [];
for (const backend of backends) {
  process.stdout.write(`\n=== api-e2e against ${backend} ===\n`);
  const run = spawnSync(
    process.execPath,
    [jestBin, '--config', path.join(__dirname, 'jest.config.cjs'), '--runInBand', ...jestArgs],
    { cwd: root, stdio: 'inherit', env: { ...process.env, E2E_DB: backend } },
  );
  results.push({ backend, code: run.status ?? 1 });
}
for (const r of results)
  process.stdout.write(`api-e2e ${r.backend}: ${r.code === 0 ? 'passed' : 'FAILED'}\n`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
