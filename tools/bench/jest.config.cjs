// The bench's own test: a few seconds of the load generator against a started Parley (the smoke
// scenario), asserting nothing lost, nothing duplicated and as many rows stored as acks.
module.exports = {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 180_000,
};
