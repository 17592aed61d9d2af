// Scale-out and fault tests: real API processes over a fresh PostgreSQL database and a Redis of
// their own. Files run one after another (each starts its own cluster), and every wait is bounded.
module.exports = {
  displayName: 'cluster-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.cjs',
  maxWorkers: 1,
  testTimeout: 120_000,
};
