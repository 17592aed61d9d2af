const { createCjsPreset } = require('jest-preset-angular/presets');
const { moduleNameMapper } = require('../../jest.preset.js');

module.exports = {
  displayName: 'widget',
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  rootDir: __dirname,
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  moduleNameMapper,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
