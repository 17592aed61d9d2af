#!/usr/bin/env node
// Entry point of the benchmarks: `node tools/bench/bin/bench.cjs <scenario> [options]` with the
// project's Node 24 (npm scripts and nx put it first on the PATH). See docs/benchmarks.md.
require('./register.cjs');
require('../src/cli.ts');
