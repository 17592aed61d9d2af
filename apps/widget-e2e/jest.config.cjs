// Browser tests of the widget: the built server, a customer's site on another origin, and Debian's
// Chromium driven by playwright-core. One server for the run (global setup); a fresh browser
// context (fresh storage) per test.
module.exports = {
  displayName: 'widget-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  maxWorkers: 1,
  // A bound for a hung test, not a measure of speed (a busy machine is several times slower).
  testTimeout: 180_000,
};
