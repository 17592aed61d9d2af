// The workspace's path aliases (`paths` in tsconfig.base.json: @parley/contracts and the rest) as
// absolute file names, for what resolves modules without TypeScript: jest's module mapper, and
// Node's own require where jest's mapper does not reach (global setup and teardown files) or where
// the bench runs TypeScript directly. One table, so a new library needs one line in tsconfig.base.json.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.resolve(__dirname, '../..');

/** { '@parley/contracts': '/…/libs/contracts/src/index.ts', … } */
function workspaceAliases() {
  const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8'));
  return Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [file]]) => [name, path.join(ROOT, file)]));
}

let registered = false;
/** Makes Node's require resolve the aliases (loading the .ts files they name is up to whoever transpiles). */
function registerWorkspaceAliases() {
  if (registered) return;
  registered = true;
  const aliases = workspaceAliases();
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWithAliases(request, ...rest) {
    return resolveFilename.call(this, aliases[request] ?? request, ...rest);
  };
}

module.exports = { workspaceAliases, registerWorkspaceAliases };
