#!/usr/bin/env node
// Runs the cluster suite after checking what it needs. A missing service fails the run under
// CI=true; elsewhere the run says loudly what it skipped (the whole suite, or the nginx file).
// Usage: node apps/cluster-e2e/run.cjs [extra jest args]
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { probe, banner, ROOT } = require('./src/support/probe.cjs');

async function main() {
  const ci = process.env.CI === 'true';
  const { problems, redisServer, nginx, adminUrl } = await probe();
  const jestArgs = process.argv.slice(2);
  const env = {
    ...process.env,
    CLUSTER_E2E_PROBED: '1',
    CLUSTER_E2E_REDIS_SERVER: redisServer ?? '',
    CLUSTER_E2E_NGINX: nginx ?? '',
    CLUSTER_E2E_PG_URL: adminUrl,
  };
  if (problems.length > 0) {
    if (ci) {
      process.stderr.write(`cluster-e2e cannot run under CI:\n  ${problems.join('\n  ')}\n`);
      return 1;
    }
    process.stderr.write(banner(`cluster-e2e did not run: ${problems.join('; ')}`));
    // Through jest all the same, with a name filter that matches no test: every test is then
    // counted as skipped in the summary (and the global setup starts nothing), never as passed.
    jestArgs.push('--testNamePattern', '^$');
    env.CLUSTER_E2E_SKIPPED = problems.join('; ');
  } else if (!nginx) {
    const why = 'nginx is not installed (apt-get install -y nginx)';
    if (ci) {
      process.stderr.write(`cluster-e2e under CI needs nginx: ${why}\n`);
      return 1;
    }
    // The load-balancer spec skips its tests itself without CLUSTER_E2E_NGINX, so they count as skipped.
    process.stderr.write(banner(`the load-balancer test: ${why}`));
  }
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--config', path.join(__dirname, 'jest.config.cjs'), '--runInBand', ...jestArgs],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env,
    },
  );
  return run.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exit(1);
  },
);
