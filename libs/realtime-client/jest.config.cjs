module.exports = {
  displayName: 'realtime-client',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60_000, // a bound for a hung test, not a measure of speed
};
