// The cluster's own checks: docker/compose.yml against the Compose specification's schema, and the
// compose topology kept alike with what cluster.mjs starts (same settings, same nginx file).
module.exports = {
  displayName: 'cluster',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
