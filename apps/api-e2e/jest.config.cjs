// One jest run per database back end: E2E_DB=postgres (a fresh database on the machine's
// PostgreSQL) or E2E_DB=pglite (the server's embedded default). run-e2e.cjs runs both.
const backend = process.env.E2E_DB ?? 'pglite';

module.exports = {
  displayName: `api-e2e:${backend}`,
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  // One server and one database per run: files run one after another against it.
  maxWorkers: 1,
  // A bound for a hung test, not a measure of speed (a busy machine is several times slower).
  testTimeout: 90_000,
};
