// Browser tests: the built API server (serving the built console) on the embedded database,
// driven with Playwright's Chromium (Debian's /usr/bin/chromium through playwright-core).
// One server per run; the files run one after another in name order (01-…, 02-…), because the
// first one creates the first admin through the first-run page.
module.exports = {
  displayName: 'console-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testSequencer: '<rootDir>/src/support/sequencer.cjs',
  maxWorkers: 1,
  // A bound for a hung test, not a measure of speed (a busy machine is several times slower).
  testTimeout: 120_000,
};
