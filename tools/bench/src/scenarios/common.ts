import os from 'node:os';
import { sleep } from '@parley/test-support';
import { type Args, flag, list, num, str } from '../lib/args';
import { type MachineSample, MachineSampler, machineInfo, type ProcSample, ProcSampler, TMP } from '../lib/proc';
import { serverVersion, settings } from '../lib/postgres';
import { Generator, type RunResult } from '../generator/coordinator';
import type { RunParams } from '../generator/protocol';
import { createTarget, type Population, type PopulationSpec, type Role, type Target, type TargetKind, type TargetOptions } from '../targets';
import path from 'node:path';

/**
 * As `npm start`, docker/Dockerfile and tools/cluster start Parley: semi-spaces of at most 16 MB
 * (V8's default on a machine with much memory lets the young generation grow to several times
 * that after a burst of connections, and keep it).
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=16'];

export interface Context {
  args: Args;
  log: (line: string) => void;
  serverCpus: string[];
  generatorCpus: string;
  workers: number;
  poolSize: number;
  serverEntry: string | undefined;
  embedded: boolean;
  redisUrl: string;
  nodeArgs: string[];
  bodyBytes: number;
  /** Extra environment for the servers, from --server-env KEY=VALUE,KEY=VALUE. */
  serverEnv: Record<string, string>;
  /** A run during which the hypervisor stole more CPU than this (%) is repeated (--max-steal). */
  maxStealPct: number;
  /** A run during which other processes used more CPU than this (% of one core) is repeated (--max-other). */
  maxOtherPct: number;
}

export function context(args: Args, log: (line: string) => void): Context {
  const cpus = os.cpus().length;
  const prof = flag(args, 'cpu-prof');
  return {
    args,
    log,
    serverCpus: list(args, 'server-cpus', [cpus > 1 ? '0' : '0']),
    generatorCpus: str(args, 'generator-cpus', cpus > 1 ? String(cpus - 1) : '0'),
    workers: num(args, 'workers', 2),
    poolSize: num(args, 'pool', 10),
    serverEntry: typeof args['server-entry'] === 'string' ? path.resolve(args['server-entry']) : undefined,
    embedded: flag(args, 'embedded'),
    redisUrl: str(args, 'redis', 'redis://127.0.0.1:6379'),
    nodeArgs: [
      // The V8 flags Parley's start command and Dockerfile run with; every server of a comparison gets them.
      ...SERVER_NODE_ARGS,
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${path.join(TMP, 'profiles')}`] : []),
      ...list(args, 'server-node-args', []),
    ],
    bodyBytes: num(args, 'body-bytes', 64),
    maxStealPct: num(args, 'max-steal', 3),
    maxOtherPct: num(args, 'max-other', 30),
    serverEnv: Object.fromEntries(list(args, 'server-env', []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
}

export async function conditions(ctx: Context): Promise<Record<string, unknown>> {
  return {
    at: new Date().toISOString(),
    machine: machineInfo(),
    postgres: { version: await serverVersion(), settings: await settings() },
    pinning: { server: ctx.serverCpus, generator: ctx.generatorCpus, generatorWorkers: ctx.workers },
    serverEnv: ctx.serverEnv,
    poolSize: ctx.poolSize,
    bodyBytes: ctx.bodyBytes,
  };
}

export function targetOptions(ctx: Context, nodes = 1): TargetOptions {
  return {
    serverCpus: ctx.serverCpus,
    nodes,
    poolSize: ctx.poolSize,
    serverEntry: ctx.serverEntry,
    embedded: ctx.embedded,
    redisUrl: ctx.redisUrl,
    nodeArgs: ctx.nodeArgs,
    extraEnv: ctx.serverEnv,
    log: ctx.log,
  };
}

export interface Measured extends RunResult {
  server: ProcSample;
  database: ProcSample;
  /** The whole machine during the run (all CPUs): includes steal by the hypervisor. */
  machine: MachineSample;
  /** CPU (% of one core) used by neither the server, the database nor the generator: other work and the kernel's softirqs. */
  otherPct: number;
  /** Rows written by people during the run; null without a database. */
  stored: number | null;
}

/** One run against a target: the generator's figures plus server and database CPU/RSS and the row count. */
export async function measure(target: Target, gen: Generator, params: RunParams): Promise<Measured> {
  const before = await target.storedMessages();
  // The pool opens and closes connections as it likes: follow the database's backends during the run.
  let dbPids = await target.databasePids();
  const refresh = setInterval(() => {
    target.databasePids().then(
      (pids) => (dbPids = [...new Set([...dbPids, ...pids])]),
      () => undefined,
    );
  }, 1000);
  const server = new ProcSampler(() => target.serverPids()).start();
  const database = new ProcSampler(() => dbPids).start();
  const machine = new MachineSampler();
  const result = await gen.run(params);
  const serverSample = server.stop();
  const databaseSample = database.stop();
  const machineSample = machine.stop();
  clearInterval(refresh);
  const after = await target.storedMessages();
  const otherPct =
    Math.round((machineSample.busyPct * os.cpus().length - serverSample.cpuPct - databaseSample.cpuPct - result.generator.cpuPct) * 10) / 10;
  return {
    ...result,
    server: serverSample,
    database: databaseSample,
    machine: machineSample,
    otherPct,
    stored: before === null || after === null ? null : after - before,
  };
}

/**
 * A run disturbed from outside (the hypervisor stole CPU, or other processes used it) says nothing
 * about the target: repeat it, up to `retries` times, and keep the discarded runs for the record.
 */
export async function measureUndisturbed(
  ctx: Context,
  target: Target,
  gen: Generator,
  params: () => RunParams,
  discarded: Measured[],
  retries = 3,
): Promise<Measured> {
  for (let attempt = 0; ; attempt++) {
    const m = await measure(target, gen, params());
    const why =
      m.machine.stealPct > ctx.maxStealPct
        ? `steal ${m.machine.stealPct}%`
        : m.otherPct > ctx.maxOtherPct
          ? `other processes ${m.otherPct}%`
          : '';
    if (!why || attempt >= retries) {
      if (why) ctx.log(`(kept a disturbed run after ${retries} retries: ${why})`);
      return m;
    }
    discarded.push(m);
    ctx.log(`discarded  ${describeRun(target.kind, m)}  (${why}); repeating`);
    await settle(target);
    await sleep(5000);
  }
}

/** Waits (bounded) until the server is idle again: a run that overloaded it leaves a backlog. */
export async function settle(target: Target, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const s = new ProcSampler(() => target.serverPids()).start();
    await sleep(500);
    if (s.stop().cpuPct < 15 || Date.now() > deadline) return;
  }
}

/** Starts a target, makes its population and connects the generator to it; `work` gets all three. */
export async function withTarget<T>(
  ctx: Context,
  kind: TargetKind,
  spec: PopulationSpec,
  opts: { nodes?: number; realtimeRoles?: Role[]; connectConcurrency?: number; beforeConnect?: (t: Target) => Promise<void> },
  work: (target: Target, gen: Generator, pop: Population) => Promise<T>,
): Promise<T> {
  const target = createTarget(kind, targetOptions(ctx, opts.nodes ?? 1));
  let gen: Generator | undefined;
  try {
    await target.start();
    const pop = await target.populate(spec);
    await opts.beforeConnect?.(target);
    gen = await Generator.start(pop, target.urls, {
      workers: ctx.workers,
      connectConcurrency: opts.connectConcurrency ?? 100,
      realtimeRoles: opts.realtimeRoles,
      protocol: target.protocol,
      log: ctx.log,
    });
    return await work(target, gen, pop);
  } finally {
    await gen?.close().catch(() => undefined);
    await target.stop().catch((err: Error) => ctx.log(`stopping ${kind}: ${err.message}`));
  }
}

let runCounter = 0;
export function runParams(ctx: Context, rate: number, durationMs: number, drainMs = 10_000): RunParams {
  runCounter++;
  return { runId: `r${runCounter.toString(36)}${Date.now().toString(36)}`, rate, durationMs, bodyBytes: ctx.bodyBytes, drainMs };
}

export function describeRun(kind: string, m: Measured): string {
  const l = m.latency;
  return (
    `${kind.padEnd(11)} ${String(m.rate).padStart(6)}/s → ${String(m.achievedRate).padStart(6)}/s  ` +
    `p50 ${l.p50}ms p99 ${l.p99}ms max ${l.max}ms  sent ${m.sent} acked ${m.acked} lost ${m.lost} dup ${m.duplicates} ` +
    `unacked ${m.unacked}${Object.keys(m.errors).length ? ` errors ${JSON.stringify(m.errors)}` : ''} stored ${m.stored ?? '–'}  ` +
    `server ${m.server.cpuPct}% ${m.server.rssMaxMb}MB  db ${m.database.cpuPct}%  gen ${m.generator.cpuPct}%  ` +
    `machine busy ${m.machine.busyPct}% steal ${m.machine.stealPct}% other ${m.otherPct}%`
  );
}
