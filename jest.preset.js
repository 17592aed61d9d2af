// Shared jest settings: SWC transpiles TypeScript (with decorator metadata, which NestJS DI needs)
// and the workspace path aliases map to the library sources, as tsconfig.base.json does.
const { workspaceAliases, registerWorkspaceAliases } = require('./tools/scripts/workspace-aliases.cjs');

// Jest loads global setup and teardown files with Node's require, outside its module mapper: they
// resolve the aliases (e.g. @parley/test-support) this way.
registerWorkspaceAliases();

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  moduleNameMapper: Object.fromEntries(Object.entries(workspaceAliases()).map(([name, file]) => [`^${escape(name)}$`, file])),
  testMatch: ['**/?(*.)+(spec|test).ts'],
};
