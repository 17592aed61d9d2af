module.exports = {
  displayName: 'rest-client',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
