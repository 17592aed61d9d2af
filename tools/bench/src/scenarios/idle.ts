import { sleep } from '@parley/test-support';
import { list, num } from '../lib/args';
import { PROBE_ARGS, ProcSampler } from '../lib/proc';
import { table, writeResult } from '../lib/report';
import { Generator } from '../generator/coordinator';
import { createTarget, type Population, TARGET_LABEL, type Target, type TargetKind } from '../targets';
import { conditions, type Context, targetOptions } from './common';

interface Memory {
  /** RSS as the process has it (no forced GC). */
  rssMb: number;
  /** RSS right after a full GC. */
  rssAfterGcMb: number;
  /** Live JS heap after a full GC. */
  heapUsedMb: number;
  /** JS heap the process holds (live or not) after a full GC. */
  heapTotalMb: number;
  /** Memory outside the JS heap: ArrayBuffers, native objects of sockets, code, stacks. */
  outsideHeapMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

async function memory(target: Target): Promise<Memory> {
  const rss = () => {
    const s = new ProcSampler(() => target.serverPids()).start();
    return sleep(1000).then(() => s.stop().rssEndMb);
  };
  const rssMb = await rss();
  const heaps = await target.heap();
  const rssAfterGcMb = await rss();
  const heapTotalMb = mb(heaps.reduce((s, h) => s + h.heapTotal, 0));
  return {
    rssMb,
    rssAfterGcMb,
    heapUsedMb: mb(heaps.reduce((s, h) => s + h.heapUsed, 0)),
    heapTotalMb,
    outsideHeapMb: Math.round((rssAfterGcMb - heapTotalMb) * 10) / 10,
  };
}

/** The clients and rooms of visitors [from, to): each visitor's room is its own. */
function slice(pop: Population, from: number, to: number): Population {
  const rooms = pop.rooms.slice(from, to);
  const clients = rooms.map((r) => pop.clients[r.members[0]]);
  return { clients, rooms: rooms.map((r, i) => ({ ...r, members: [i], senders: [i] })) };
}

/**
 * idle: `visitors` connected visitors, each in its thread's room, doing nothing; the server's memory
 * per connection. The server is restarted after the population is made (a fresh heap), measured,
 * then measured again with half and with all of the visitors connected. Per connection: growth from
 * none to all; marginal: growth from half to all, without what a process allocates once (compiled
 * code, the young generation growing to its working size).
 */
export async function idle(ctx: Context): Promise<unknown> {
  const { args, log } = ctx;
  const targets = list(args, 'targets', ['parley', 'relay']) as TargetKind[];
  const visitors = num(args, 'visitors', 10_000);
  const settleMs = num(args, 'settle', 15) * 1000;
  const env = await conditions(ctx);
  const results = [];
  for (const kind of targets) {
    const target = createTarget(kind, { ...targetOptions(ctx), nodeArgs: [...ctx.nodeArgs, ...PROBE_ARGS] });
    const gens: Generator[] = [];
    try {
      await target.start();
      const pop = await target.populate({ rooms: visitors, threadsPerAgent: 0, watchersPerRoom: 0, senders: 'visitor' });
      await target.restart();
      await sleep(5000);
      const none = await memory(target);
      log(`${kind}: no connections ${JSON.stringify(none)}`);
      const connect = async (from: number, to: number) => {
        const gen = await Generator.start(slice(pop, from, to), target.urls, {
          workers: ctx.workers,
          connectConcurrency: num(args, 'connect-concurrency', 200),
          protocol: target.protocol,
          log,
        });
        gens.push(gen);
        await sleep(settleMs);
        return { memory: await memory(target), connectMs: gen.connectMs };
      };
      const half = Math.floor(visitors / 2);
      const first = await connect(0, half);
      log(`${kind}: ${half} connections ${JSON.stringify(first.memory)}`);
      const second = await connect(half, visitors);
      log(`${kind}: ${visitors} connections ${JSON.stringify(second.memory)}`);
      const cpu = new ProcSampler(() => target.serverPids()).start();
      await sleep(5000);
      const idleCpuPct = cpu.stop().cpuPct;
      const kb = (delta: number, n: number) => Math.round((delta * 1024 * 10) / n) / 10;
      const all = second.memory;
      results.push({
        target: kind,
        label: TARGET_LABEL[kind],
        visitors,
        connectMs: first.connectMs + second.connectMs,
        none,
        half: first.memory,
        all,
        rssPerConnectionKb: kb(all.rssMb - none.rssMb, visitors),
        rssMarginalKb: kb(all.rssMb - first.memory.rssMb, visitors - half),
        rssAfterGcPerConnectionKb: kb(all.rssAfterGcMb - none.rssAfterGcMb, visitors),
        heapPerConnectionKb: kb(all.heapUsedMb - none.heapUsedMb, visitors),
        heapHeldPerConnectionKb: kb(all.heapTotalMb - none.heapTotalMb, visitors),
        outsideHeapPerConnectionKb: kb(all.outsideHeapMb - none.outsideHeapMb, visitors),
        idleCpuPct,
      });
    } finally {
      for (const g of gens) await g.close().catch(() => undefined);
      await target.stop().catch((err: Error) => log(`stopping ${kind}: ${err.message}`));
    }
  }
  log(
    `\n${table(
      ['target', 'connections', 'connect + join s', 'RSS before MB', 'RSS after MB', 'RSS KB/conn', 'marginal RSS KB/conn', 'live heap KB/conn', 'heap held KB/conn', 'outside heap KB/conn', 'idle CPU %'],
      results.map((r) => [
        r.target,
        r.visitors,
        Math.round(r.connectMs / 100) / 10,
        r.none.rssMb,
        r.all.rssMb,
        r.rssPerConnectionKb,
        r.rssMarginalKb,
        r.heapPerConnectionKb,
        r.heapHeldPerConnectionKb,
        r.outsideHeapPerConnectionKb,
        r.idleCpuPct,
      ]),
    )}\n`,
  );
  const file = writeResult('idle', { scenario: 'idle', conditions: env, settings: { visitors, settleMs }, results });
  log(`wrote ${file}`);
  return results;
}
