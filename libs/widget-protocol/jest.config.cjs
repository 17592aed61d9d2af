module.exports = {
  displayName: 'widget-protocol',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
