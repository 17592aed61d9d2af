import { sleep } from '@parley/test-support';
import { list, num } from '../lib/args';
import { median } from '../lib/hist';
import { MachineSampler, ProcSampler } from '../lib/proc';
import { table, writeResult } from '../lib/report';
import { TARGET_LABEL, type TargetKind } from '../targets';
import { conditions, type Context, describeRun, measure, runParams, settle, withTarget } from './common';

/**
 * reconnect storm: `visitors` visitors on libs/realtime-client (the widget's client), agents
 * writing to every thread. All visitors lose their connection at once while the agents keep
 * writing; socket.io reconnects them, the client rejoins and syncs from its last seq. Measured:
 * the time from the drop until each visitor was back with everything acked before it returned,
 * and, at the end, every acked message in every visitor's transcript exactly once.
 */
export async function reconnect(ctx: Context): Promise<unknown> {
  const { args, log } = ctx;
  const targets = list(args, 'targets', ['parley', 'stack', 'relay']) as TargetKind[];
  const visitors = num(args, 'visitors', 2000);
  const threadsPerAgent = num(args, 'threads-per-agent', 20);
  const rate = num(args, 'rate', 500);
  const outageMs = num(args, 'outage-traffic', 3) * 1000;
  const repeats = num(args, 'repeats', 3);
  const timeoutMs = num(args, 'timeout', 60) * 1000;
  const env = await conditions(ctx);
  const results = [];
  for (const kind of targets) {
    const storms = await withTarget(
      ctx,
      kind,
      { rooms: visitors, threadsPerAgent, watchersPerRoom: 0, senders: 'agent' },
      { realtimeRoles: ['visitor'], connectConcurrency: num(args, 'connect-concurrency', 100) },
      async (target, gen) => {
        const out = [];
        for (let r = 0; r < repeats; r++) {
          const before = await measure(target, gen, runParams(ctx, rate, 3000));
          log(`before   ${describeRun(kind, before)}`);
          await settle(target);
          const server = new ProcSampler(() => target.serverPids()).start();
          const machine = new MachineSampler();
          const dropped = await gen.drop();
          // The agents keep writing through the storm; then every visitor must hold every acked message.
          const traffic = await gen.run(runParams(ctx, rate, outageMs, 2000));
          const storm = await gen.stormWait(timeoutMs);
          const sample = server.stop();
          const machineSample = machine.stop();
          log(
            `storm ${r + 1}/${repeats} ${kind}: ${dropped} dropped, ${storm.reconnected} reconnected, ${storm.resynced} resynced; ` +
              `resync p50 ${storm.resync.p50} ms p99 ${storm.resync.p99} ms max ${storm.resync.max} ms; lost ${storm.lost}, duplicated ${storm.duplicated}; ` +
              `${traffic.acked} agent messages acked during the storm (${storm.sentDuringOutage} while their visitor was away); server ${sample.cpuPct}% ${sample.rssMaxMb} MB; steal ${machineSample.stealPct}%`,
          );
          out.push({ dropped, ...storm, agentMessagesAcked: traffic.acked, agentErrors: traffic.errors, server: sample, machine: machineSample });
          await sleep(2000);
          await settle(target);
        }
        return out;
      },
    );
    const med = (f: (s: (typeof storms)[number]) => number) => median(storms.map(f));
    results.push({
      target: kind,
      label: TARGET_LABEL[kind],
      visitors,
      allResyncedMs: med((s) => (s.resynced === s.visitors ? s.resync.max : NaN)),
      resyncP50Ms: med((s) => s.resync.p50),
      resyncP99Ms: med((s) => s.resync.p99),
      resyncedAll: storms.every((s) => s.resynced === s.visitors),
      lost: Math.max(...storms.map((s) => s.lost)),
      duplicated: Math.max(...storms.map((s) => s.duplicated)),
      serverCpuPct: med((s) => s.server.cpuPct),
      storms,
    });
  }
  log(
    `\n${table(
      ['target', 'visitors dropped', 'all resynced after s', 'resync p50 ms', 'resync p99 ms', 'lost', 'duplicated', 'server CPU %'],
      results.map((r) => [
        r.target,
        r.visitors,
        r.resyncedAll ? Math.round(r.allResyncedMs / 10) / 100 : 'not all',
        r.resyncP50Ms,
        r.resyncP99Ms,
        r.lost,
        r.duplicated,
        r.serverCpuPct,
      ]),
    )}\n`,
  );
  const file = writeResult('reconnect', { scenario: 'reconnect', conditions: env, settings: { visitors, threadsPerAgent, rate, outageMs, repeats }, results });
  log(`wrote ${file}`);
  return results;
}
