module.exports = {
  displayName: 'realtime-client',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 20000,
};
