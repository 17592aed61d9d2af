const preset = require('../../jest.preset.js');

module.exports = {
  displayName: 'widget-loader',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  // `import('./main.js')` in a spec: TypeScript's nodenext wants the extension, the file is .ts.
  moduleNameMapper: { ...preset.moduleNameMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
};
