// The benchmark command line: `node tools/bench/bin/bench.cjs <scenario> [--option value ...]`.
// See docs/benchmarks.md for the scenarios and their options.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SERVER_ENTRY } from '@parley/test-support';
import { flag, parseArgs } from './lib/args';
import { pinProcess, ROOT, TMP, waitForQuiet } from './lib/proc';
import { num } from './lib/args';
import { context } from './scenarios/common';
import { conversation } from './scenarios/conversation';
import { fanout } from './scenarios/fanout';
import { idle } from './scenarios/idle';
import { loader } from './scenarios/loader';
import { poison } from './scenarios/poison';
import { profile } from './scenarios/profile';
import { reconnect } from './scenarios/reconnect';
import { search } from './scenarios/search';
import { smoke, smokeProblems } from './scenarios/smoke';
import { uploads } from './scenarios/uploads';

const SCENARIOS = ['conversation', 'legacy', 'fanout', 'idle', 'reconnect', 'two-nodes', 'profile', 'smoke', 'loader', 'poison', 'uploads', 'search'] as const;
type Scenario = (typeof SCENARIOS)[number];

const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs against a copy of the built server, so that a rebuild by someone else during a long run
 * (api:build starts with rm -rf dist/apps/api) cannot pull the files from under it.
 */
function snapshotBuild(): string {
  const dist = path.join(ROOT, 'dist/apps/api');
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npm run nx -- run api:build\` first`);
  const copy = path.join(TMP, 'build', `api-${process.pid}`);
  mkdirSync(copy, { recursive: true });
  cpSync(dist, copy, { recursive: true });
  process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
  return path.join(copy, path.relative(dist, SERVER_ENTRY));
}

async function main(): Promise<number> {
  const { positional, args } = parseArgs(process.argv.slice(2));
  const scenario = positional[0] as Scenario;
  if (!SCENARIOS.includes(scenario)) {
    log(`usage: bench.cjs <${SCENARIOS.join('|')}> [options]  (see docs/benchmarks.md)`);
    return 2;
  }
  const ctx = context(args, log);
  if (!ctx.serverEntry && !flag(args, 'no-snapshot')) ctx.serverEntry = snapshotBuild();
  // This process and its generator workers run on the generator's CPUs; servers get their own.
  if (pinProcess(process.pid, ctx.generatorCpus)) log(`generator pinned to CPU ${ctx.generatorCpus}, servers to CPU ${ctx.serverCpus.join('/')}`);
  // The loader's figure comes with its own CPU reference (a probe timed in the same page), so it
  // waits for a quiet machine a minute at most rather than five.
  const quietWait = num(args, 'wait-quiet', scenario === 'loader' ? 60 : 300);
  if (scenario !== 'smoke' && !flag(args, 'no-wait')) await waitForQuiet(num(args, 'max-load', 0.7), quietWait * 1000, log);

  switch (scenario) {
    case 'conversation':
      await conversation(ctx, { nodes: 1, name: 'conversation' });
      return 0;
    case 'legacy':
      // The conversation ladder over both protocols of the same server: socket.io, then the old
      // system's raw WebSocket frames (docs/legacy-protocol.md).
      if (args['targets'] === undefined) args['targets'] = 'parley,parley-raw';
      await conversation(ctx, { nodes: 1, name: 'legacy' });
      return 0;
    case 'two-nodes':
      await conversation(ctx, { nodes: 2, name: 'two-nodes' });
      return 0;
    case 'fanout':
      await fanout(ctx);
      return 0;
    case 'idle':
      await idle(ctx);
      return 0;
    case 'reconnect':
      await reconnect(ctx);
      return 0;
    case 'profile':
      await profile(ctx);
      return 0;
    case 'poison':
      // A figure, not a verdict: the ratio is printed and written with the run's conditions.
      await poison(ctx);
      return 0;
    case 'uploads': {
      // A figure, not a verdict; failed uploads make it exit 1.
      const r = await uploads(ctx);
      return r.failures.length ? 1 : 0;
    }
    case 'search':
      // A figure, not a verdict: the percentiles are printed and written with the run's conditions.
      await search(ctx);
      return 0;
    case 'loader':
      // A figure, not a verdict: a slow loader warns (see the scenario) and still exits 0.
      await loader(ctx);
      return 0;
    case 'smoke': {
      const problems = smokeProblems(await smoke(ctx));
      log(problems.length ? `smoke FAILED: ${problems.join('; ')}` : 'smoke passed: 0 lost, 0 duplicated, rows stored == acked');
      return problems.length ? 1 : 0;
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
