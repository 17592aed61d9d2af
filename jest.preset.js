// Shared jest settings: SWC transpiles TypeScript (with decorator metadata, which NestJS DI needs)
// and the workspace path alias maps to the library sources, as tsconfig.base.json does.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2023',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@parley/contracts$': path.join(__dirname, 'libs/contracts/src/index.ts'),
    '^@parley/contracts/constants$': path.join(__dirname, 'libs/contracts/src/lib/constants.ts'),
    '^@parley/realtime-client$': path.join(__dirname, 'libs/realtime-client/src/index.ts'),
    '^@parley/rest-client$': path.join(__dirname, 'libs/rest-client/src/index.ts'),
    '^@parley/widget-protocol$': path.join(__dirname, 'libs/widget-protocol/src/index.ts'),
  },
  testMatch: ['**/?(*.)+(spec|test).ts'],
};
