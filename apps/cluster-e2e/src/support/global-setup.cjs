// When jest is started directly (not through run.cjs), fail fast with the reason instead of letting
// every test time out against a service that is not there.
const { probe } = require('./probe.cjs');

module.exports = async function globalSetup() {
  if (process.env.CLUSTER_E2E_PROBED === '1') return;
  const { problems, redisServer, nginx, adminUrl } = await probe();
  if (problems.length > 0) throw new Error(`cluster-e2e cannot run:\n  ${problems.join('\n  ')}`);
  process.env.CLUSTER_E2E_REDIS_SERVER = redisServer;
  process.env.CLUSTER_E2E_NGINX = nginx ?? '';
  process.env.CLUSTER_E2E_PG_URL = adminUrl;
};
