// Lets Node run the bench's TypeScript directly: `node -r tools/bench/bin/register.cjs file.ts`.
// @swc/core strips the types as each file is required (the same transpiler jest uses here), and
// the workspace aliases resolve to the library sources, as tsconfig.base.json maps them.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');
const { registerWorkspaceAliases } = require('../../scripts/workspace-aliases.cjs');

registerWorkspaceAliases();

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
