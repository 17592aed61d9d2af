// The registry this project installs from serves only some platform builds of a few native
// packages (oxc-parser, msgpackr-extract, ...). `npm install` then writes a lock that names an
// optional dependency it could not resolve, and `npm ci` refuses that lock as out of sync.
// This drops, from the lock only, optional dependencies that have no entry in it: they are
// builds for other platforms that could not be installed anyway. Run after changing dependencies:
//   npm install && node tools/scripts/lock-prune-optionals.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((k) => k.replace(/.*node_modules\//, '')));
let pruned = 0;
for (const entry of Object.values(lock.packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      pruned++;
    }
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`pruned ${pruned} unresolvable optional dependencies from package-lock.json\n`);
