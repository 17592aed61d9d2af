// Lets Node run the bench's TypeScript directly: `node -r tools/bench/bin/register.cjs file.ts`.
// @swc/core strips the types as each file is required (the same transpiler jest uses here), and
// the workspace aliases resolve to the library sources, as tsconfig.base.json maps them.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '../../..');
const ALIASES = {
  '@parley/contracts': path.join(ROOT, 'libs/contracts/src/index.ts'),
  '@parley/contracts/constants': path.join(ROOT, 'libs/contracts/src/lib/constants.ts'),
  '@parley/realtime-client': path.join(ROOT, 'libs/realtime-client/src/index.ts'),
  '@parley/rest-client': path.join(ROOT, 'libs/rest-client/src/index.ts'),
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, ...rest) {
  return resolveFilename.call(this, ALIASES[request] ?? request, ...rest);
};

function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2023', parser: { syntax: 'typescript' }, keepClassNames: true },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
}
require.extensions['.ts'] = compile;
