import { list, num, numList } from '../lib/args';
import { median } from '../lib/hist';
import { pct, table, writeResult } from '../lib/report';
import { TARGET_LABEL, type TargetKind } from '../targets';
import {
  conditions,
  type Context,
  describeRun,
  type Measured,
  measure,
  measureUndisturbed,
  runParams,
  settle,
  withTarget,
} from './common';

export interface Point {
  rate: number;
  pass: boolean;
  runs: number;
  achievedRate: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  sent: number;
  acked: number;
  lost: number;
  duplicates: number;
  unacked: number;
  errors: number;
  reordered: number;
  storedEqualsAcked: boolean | null;
  serverCpuPct: number;
  serverRssMb: number;
  databaseCpuPct: number;
  generatorCpuPct: number;
  machineBusyPct: number;
  stealPct: number;
  otherPct: number;
  all: Measured[];
}

/** Fails a run outright: worth no repeat. */
function hopeless(m: Measured, p99Limit: number): boolean {
  return m.latency.p99 > p99Limit * 10 || m.unacked > 0 || m.achievedRate < m.rate * 0.8;
}

export function pointOf(rate: number, runs: Measured[], p99Limit: number): Point {
  const med = (f: (m: Measured) => number) => median(runs.map(f));
  const worst = (f: (m: Measured) => number) => Math.max(...runs.map(f));
  const errors = worst((m) => Object.values(m.errors).reduce((a, b) => a + b, 0));
  const storedOk = runs.every((m) => m.stored === null) ? null : runs.every((m) => m.stored === m.acked);
  const p = {
    rate,
    runs: runs.length,
    achievedRate: Math.round(med((m) => m.achievedRate)),
    p50: med((m) => m.latency.p50),
    p90: med((m) => m.latency.p90),
    p99: med((m) => m.latency.p99),
    p999: med((m) => m.latency.p999),
    max: med((m) => m.latency.max),
    sent: med((m) => m.sent),
    acked: med((m) => m.acked),
    lost: worst((m) => m.lost),
    duplicates: worst((m) => m.duplicates),
    unacked: worst((m) => m.unacked),
    errors,
    reordered: worst((m) => m.reordered),
    storedEqualsAcked: storedOk,
    serverCpuPct: med((m) => m.server.cpuPct),
    serverRssMb: med((m) => m.server.rssMaxMb),
    databaseCpuPct: med((m) => m.database.cpuPct),
    generatorCpuPct: med((m) => m.generator.cpuPct),
    machineBusyPct: med((m) => m.machine.busyPct),
    stealPct: Math.max(...runs.map((m) => m.machine.stealPct)),
    otherPct: Math.max(...runs.map((m) => m.otherPct)),
    all: runs,
  };
  const pass =
    p.p99 < p99Limit &&
    p.lost === 0 &&
    p.duplicates === 0 &&
    p.unacked === 0 &&
    p.errors === 0 &&
    storedOk !== false &&
    p.achievedRate >= rate * 0.95;
  return { ...p, pass };
}

export interface LadderResult {
  target: TargetKind;
  label: string;
  best: number;
  points: Point[];
  /** Runs repeated because something outside disturbed them (steal, other processes). */
  discarded: Measured[];
}

/**
 * conversation: visitor/agent pairs (agents work `threads-per-agent` threads each), both sides
 * writing; a ladder of rates, each point run `repeats` times (median), up to the first rate that
 * fails p99 < limit with nothing lost; then `refine` bisection steps between the last pass and it.
 */
export async function conversation(ctx: Context, opts: { nodes: number; name: string }): Promise<unknown> {
  const { args, log } = ctx;
  const targets = list(args, 'targets', ['parley', 'stack', 'stack-batch', 'relay']) as TargetKind[];
  const pairs = num(args, 'pairs', 500);
  const threadsPerAgent = num(args, 'threads-per-agent', 5);
  const ladder = numList(args, 'rates', [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000]);
  const repeats = num(args, 'repeats', 3);
  const durationMs = num(args, 'duration', 10) * 1000;
  const warmupMs = num(args, 'warmup', 5) * 1000;
  const p99Limit = num(args, 'p99', 50);
  const refine = num(args, 'refine', 2);
  const env = await conditions(ctx);
  const results: LadderResult[] = [];

  for (const kind of targets) {
    const result = await withTarget(
      ctx,
      kind,
      { rooms: pairs, threadsPerAgent, watchersPerRoom: 0, senders: 'both', splitNodes: opts.nodes > 1 },
      { nodes: opts.nodes },
      async (target, gen) => {
        const discarded: Measured[] = [];
        const warm = await measure(target, gen, runParams(ctx, Math.min(ladder[0], 1000), warmupMs));
        log(`warm-up  ${describeRun(kind, warm)}`);
        await settle(target);
        const points: Point[] = [];
        const tryRate = async (rate: number): Promise<Point> => {
          const runs: Measured[] = [];
          for (let r = 0; r < repeats; r++) {
            const m = await measureUndisturbed(ctx, target, gen, () => runParams(ctx, rate, durationMs), discarded);
            log(`${r + 1}/${repeats}    ${describeRun(kind, m)}`);
            runs.push(m);
            await settle(target);
            const fails = runs.filter((x) => !pointOf(rate, [x], p99Limit).pass).length;
            // A point that can no longer pass needs no more runs; a passing one gets all of them.
            if (hopeless(m, p99Limit) || fails > repeats / 2) break;
          }
          const point = pointOf(rate, runs, p99Limit);
          points.push(point);
          log(`${kind} at ${rate}/s: ${point.pass ? 'PASS' : 'FAIL'} (median p99 ${point.p99} ms, lost ${point.lost})`);
          return point;
        };
        let best = 0;
        let failedAt = 0;
        for (const rate of ladder) {
          const point = await tryRate(rate);
          if (!point.pass) {
            failedAt = rate;
            break;
          }
          best = rate;
        }
        let lo = best;
        let hi = failedAt;
        for (let i = 0; i < refine && hi > 0 && hi - lo > 500; i++) {
          const mid = Math.round((lo + hi) / 2 / 250) * 250;
          if (mid <= lo || mid >= hi) break;
          const point = await tryRate(mid);
          if (point.pass) lo = best = mid;
          else hi = mid;
        }
        return { target: kind, label: TARGET_LABEL[kind], best, points: points.sort((a, b) => a.rate - b.rate), discarded };
      },
    );
    results.push(result);
    log(`${kind}: highest rate with p99 < ${p99Limit} ms and nothing lost: ${result.best}/s`);
  }

  const best = (k: TargetKind) => results.find((r) => r.target === k)?.best ?? NaN;
  const ratios = {
    parleyToStack: best('parley') / best('stack'),
    parleyToStackBatch: best('parley') / best('stack-batch'),
    parleyToRelay: best('parley') / best('relay'),
    stackToRelay: best('stack') / best('relay'),
    rawToParley: best('parley-raw') / best('parley'),
  };
  printConversation(results, ratios, p99Limit, log);
  const file = writeResult(opts.name, { scenario: opts.name, conditions: env, settings: { pairs, threadsPerAgent, repeats, durationMs, p99Limit, nodes: opts.nodes }, results: results.map(strip), ratios });
  log(`wrote ${file}`);
  return { results, ratios };
}

function strip(r: LadderResult) {
  return {
    ...r,
    points: r.points.map(({ all, ...p }) => ({ ...p, runs: all.map(({ rate: _r, ...m }) => m) })),
    discarded: r.discarded.map((m) => ({ rate: m.rate, p99: m.latency.p99, steal: m.machine.stealPct, other: m.otherPct })),
  };
}

export function printConversation(results: LadderResult[], ratios: Record<string, number>, p99Limit: number, log: (s: string) => void): void {
  const rows = results.flatMap((r) =>
    r.points.map((p) => [
      r.target,
      p.rate,
      p.achievedRate,
      p.p50,
      p.p90,
      p.p99,
      p.p999,
      p.max,
      p.lost,
      p.duplicates,
      p.unacked + p.errors,
      p.storedEqualsAcked === null ? 'n/a' : p.storedEqualsAcked ? 'yes' : 'NO',
      p.serverCpuPct,
      p.databaseCpuPct,
      p.generatorCpuPct,
      p.stealPct,
      p.pass ? 'pass' : 'FAIL',
    ]),
  );
  log(
    `\n${table(
      ['target', 'rate/s', 'achieved/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'lost', 'dup', 'unacked+err', 'rows = acked', 'server CPU %', 'db CPU %', 'gen CPU %', 'steal %', `p99 < ${p99Limit}`],
      rows,
    )}\n`,
  );
  log(
    table(
      ['target', 'highest passing rate/s'],
      results.map((r) => [r.label, r.best]),
    ),
  );
  log(`\nParley / stack ceiling (1 tx per message): ${pct(ratios.parleyToStack)}; Parley / stack ceiling (group commit): ${pct(ratios.parleyToStackBatch)}; Parley / relay: ${pct(ratios.parleyToRelay)}; stack / relay: ${pct(ratios.stackToRelay)}${Number.isNaN(ratios.rawToParley) ? '' : `; Parley raw WebSocket / Parley socket.io: ${pct(ratios.rawToParley)}`}\n`);
}
