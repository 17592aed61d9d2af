module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  globalSetup: '<rootDir>/src/testing/services.global-setup.cjs',
  // A bound for a hung test, not a measure of speed: starting PGlite (WASM) and migrating takes
  // seconds on a quiet machine and several times that on a busy one.
  testTimeout: 120_000,
};
