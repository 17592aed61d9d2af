import { num, str } from '../lib/args';
import { PROBE_ARGS } from '../lib/proc';
import { summarizeAllocations } from '../lib/alloc';
import { summarizeProfile } from '../lib/profile';
import { table, writeResult } from '../lib/report';
import type { TargetKind } from '../targets';
import { conditions, type Context, describeRun, measure, runParams, settle, withTarget } from './common';

/**
 * profile: the conversation load at one rate against one target, with a CPU profile and the event
 * loop's delay taken inside the server over the measured run only (not its start-up or setup).
 */
export async function profile(ctx: Context): Promise<unknown> {
  const { args, log } = ctx;
  const kind = str(args, 'target', 'parley') as TargetKind;
  const rate = num(args, 'rate', 3000);
  const durationMs = num(args, 'duration', 10) * 1000;
  const env = await conditions(ctx);
  const local: Context = { ...ctx, nodeArgs: [...ctx.nodeArgs, ...PROBE_ARGS] };
  const result = await withTarget(
    local,
    kind,
    { rooms: num(args, 'pairs', 500), threadsPerAgent: num(args, 'threads-per-agent', 5), watchersPerRoom: 0, senders: 'both' },
    {},
    async (target, gen) => {
      log(`warm-up  ${describeRun(kind, await measure(target, gen, runParams(ctx, Math.min(rate, 1000), 5000)))}`);
      await settle(target);
      await target.probe('prof-start');
      const run = await measure(target, gen, runParams(ctx, rate, durationMs));
      const [stopped] = await target.probe('prof-stop');
      log(`profiled ${describeRun(kind, run)}`);
      await settle(target);
      // A second run for allocations: the sampling heap profiler would skew the CPU profile.
      await target.probe('alloc-start');
      await measure(target, gen, runParams(ctx, rate, durationMs));
      const [alloc] = await target.probe('alloc-stop');
      const file = stopped.profile as string;
      return {
        run,
        profileFile: file,
        loopDelayMs: stopped.loopDelayMs,
        summary: summarizeProfile(file, num(args, 'top', 30)),
        allocations: summarizeAllocations(alloc.profile as string, num(args, 'top', 30)),
      };
    },
  );
  log(`\nserver event-loop delay during the run (ms): ${JSON.stringify(result.loopDelayMs)}; profile ${result.profileFile}\n`);
  log(table(['package', '% of server time'], result.summary.byPackage));
  log(`\n${table(['function (self time)', '%'], result.summary.byFunction)}\n`);
  log(`${table(['function (inclusive: itself and what it called)', '%'], result.summary.inclusive)}\n`);
  log(`${table(['allocated by package', '% of bytes'], result.allocations.byPackage)}\n`);
  log(`${table(['allocated by function', '% of bytes'], result.allocations.byFunction)}\n`);
  const file = writeResult(`profile-${kind}`, { scenario: 'profile', conditions: env, settings: { kind, rate, durationMs }, ...result });
  log(`wrote ${file}`);
  return result;
}
