import { list, num, numList } from '../lib/args';
import { median } from '../lib/hist';
import { table, writeResult } from '../lib/report';
import { TARGET_LABEL, type TargetKind } from '../targets';
import { conditions, type Context, describeRun, type Measured, measure, measureUndisturbed, runParams, settle, withTarget } from './common';

/**
 * fan-out: rooms of `members` sockets (the visitor, the assigned agent and agents who joined the
 * thread to watch it), both writers sending at a fixed total rate; what matters is the time until
 * the last member of the room has the message.
 */
export async function fanout(ctx: Context): Promise<unknown> {
  const { args, log } = ctx;
  const targets = list(args, 'targets', ['parley', 'stack', 'stack-batch', 'relay']) as TargetKind[];
  const roomCount = num(args, 'rooms', 20);
  const members = num(args, 'members', 50);
  const rates = numList(args, 'rates', [200]);
  const repeats = num(args, 'repeats', 3);
  const durationMs = num(args, 'duration', 10) * 1000;
  const env = await conditions(ctx);
  const results: Array<{ target: TargetKind; label: string; points: unknown[] }> = [];
  const rows: Array<Array<string | number>> = [];

  for (const kind of targets) {
    const points = await withTarget(
      ctx,
      kind,
      { rooms: roomCount, threadsPerAgent: 1, watchersPerRoom: members - 2, senders: 'both' },
      {},
      async (target, gen) => {
        const warm = await measure(target, gen, runParams(ctx, Math.min(100, rates[0]), 5000));
        log(`warm-up  ${describeRun(kind, warm)}`);
        await settle(target);
        const out = [];
        for (const rate of rates) {
          const runs: Measured[] = [];
          const discarded: Measured[] = [];
          for (let r = 0; r < repeats; r++) {
            const m = await measureUndisturbed(ctx, target, gen, () => runParams(ctx, rate, durationMs), discarded);
            log(`${r + 1}/${repeats}    ${describeRun(kind, m)}  last recipient p99 ${m.lastRecipient.p99} ms`);
            runs.push(m);
            await settle(target);
          }
          const med = (f: (m: Measured) => number) => median(runs.map(f));
          const point = {
            rate,
            deliveriesPerSecond: Math.round(rate * (members - 1)),
            achievedRate: med((m) => m.achievedRate),
            lastRecipient: {
              p50: med((m) => m.lastRecipient.p50),
              p90: med((m) => m.lastRecipient.p90),
              p99: med((m) => m.lastRecipient.p99),
              p999: med((m) => m.lastRecipient.p999),
              max: med((m) => m.lastRecipient.max),
            },
            delivery: { p50: med((m) => m.latency.p50), p99: med((m) => m.latency.p99) },
            lost: Math.max(...runs.map((m) => m.lost)),
            duplicates: Math.max(...runs.map((m) => m.duplicates)),
            unacked: Math.max(...runs.map((m) => m.unacked)),
            storedEqualsAcked: runs.every((m) => m.stored === null) ? null : runs.every((m) => m.stored === m.acked),
            serverCpuPct: med((m) => m.server.cpuPct),
            databaseCpuPct: med((m) => m.database.cpuPct),
            generatorCpuPct: med((m) => m.generator.cpuPct),
            stealPct: Math.max(...runs.map((m) => m.machine.stealPct)),
            runs: runs.map(({ rate: _r, ...m }) => m),
            discarded: discarded.map((m) => ({ p99: m.lastRecipient.p99, steal: m.machine.stealPct, other: m.otherPct })),
          };
          out.push(point);
          rows.push([
            kind,
            rate,
            point.deliveriesPerSecond,
            point.achievedRate,
            point.lastRecipient.p50,
            point.lastRecipient.p99,
            point.lastRecipient.max,
            point.lost,
            point.duplicates,
            point.storedEqualsAcked === null ? 'n/a' : point.storedEqualsAcked ? 'yes' : 'NO',
            point.serverCpuPct,
            point.generatorCpuPct,
          ]);
        }
        return out;
      },
    );
    results.push({ target: kind, label: TARGET_LABEL[kind], points });
  }
  log(
    `\n${table(
      ['target', 'msg/s', 'deliveries/s', 'achieved/s', 'last recipient p50 ms', 'last recipient p99 ms', 'max ms', 'lost', 'dup', 'rows = acked', 'server CPU %', 'gen CPU %'],
      rows,
    )}\n`,
  );
  const file = writeResult('fanout', { scenario: 'fanout', conditions: env, settings: { rooms: roomCount, members, rates, repeats, durationMs }, results });
  log(`wrote ${file}`);
  return results;
}
