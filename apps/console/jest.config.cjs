// Component and store specs: jest-preset-angular compiles the Angular code (zoneless, as the app
// runs) in jsdom; the workspace path aliases map to the library sources as in tsconfig.base.json.
const path = require('node:path');
const { createCjsPreset } = require('jest-preset-angular/presets');

const root = path.resolve(__dirname, '../..');

module.exports = {
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  displayName: 'console',
  rootDir: __dirname,
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  moduleNameMapper: {
    '^@parley/contracts$': path.join(root, 'libs/contracts/src/index.ts'),
    '^@parley/contracts/constants$': path.join(root, 'libs/contracts/src/lib/constants.ts'),
    '^@parley/realtime-client$': path.join(root, 'libs/realtime-client/src/index.ts'),
    '^@parley/rest-client$': path.join(root, 'libs/rest-client/src/index.ts'),
  },
  testTimeout: 60_000, // a bound for a hung test, not a measure of speed
};
