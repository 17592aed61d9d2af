import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApiServer, NODE_BIN, sleep, startApiServer, WORKSPACE_ROOT } from '@parley/test-support';

export { NODE_BIN, WORKSPACE_ROOT as ROOT };
export const REGISTER = path.join(WORKSPACE_ROOT, 'tools/bench/bin/register.cjs');
export const TMP = path.join(WORKSPACE_ROOT, 'tmp/bench');

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // keep the Linux default
}

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves a running process (and the children it starts later) onto the given CPUs, e.g. "1" or "0,1". */
export function pinProcess(pid: number, cpus: string | undefined): boolean {
  if (!cpus || !hasTaskset()) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A server the bench started and waited for. */
export interface Spawned {
  server: ApiServer;
  pid: number;
  /** Sends a command to the server's probe (started with PROBE_ARGS) and returns its answer. */
  probe(command: ProbeCommand): Promise<Record<string, unknown>>;
  /** The live heap after a full GC (needs PROBE_ARGS). */
  heap(): Promise<NodeJS.MemoryUsage>;
  /** SIGTERM, then SIGKILL after 8 s. */
  stop(): Promise<void>;
}

export type ProbeCommand = 'heap' | 'memory' | 'prof-start' | 'prof-stop' | 'alloc-start' | 'alloc-stop';

/** Node flags that load bin/probe.cjs into a server: heap after GC, CPU profile and loop delay on demand. */
export const PROBE_ARGS = ['--expose-gc', '-r', path.join(WORKSPACE_ROOT, 'tools/bench/bin/probe.cjs')];

/**
 * Starts a Node server (`entry`, on env.PORT) pinned to `cpus` (when taskset exists), with nothing
 * of this process's environment but what `env` gives it, its output kept in a log file, and waits
 * (90 s at most) until /api/health/ready answers.
 */
export async function startNode(opts: {
  entry: string;
  env: NodeJS.ProcessEnv;
  cpus?: string;
  logFile: string;
  nodeArgs?: string[];
}): Promise<Spawned> {
  mkdirSync(path.join(TMP, 'probe'), { recursive: true });
  mkdirSync(path.join(TMP, 'profiles'), { recursive: true });
  const env = probeEnv(opts.env);
  const probeWaiters: Array<(m: Record<string, unknown>) => void> = [];
  const server = await startApiServer({
    entry: opts.entry,
    baseEnv: {},
    env,
    nodeArgs: opts.nodeArgs,
    // taskset execs node, so the child's pid is the server's pid.
    launcher: opts.cpus && hasTaskset() ? ['taskset', '-c', opts.cpus] : undefined,
    logFile: opts.logFile,
    tailChars: 8000,
    killOnExit: true,
    name: 'server',
    readyTimeoutMs: 90_000,
    readyIntervalMs: 200,
    onOutput: (text) => {
      for (const m of text.matchAll(/^PROBE (\{.*\})$/gm)) probeWaiters.shift()?.(JSON.parse(m[1]) as Record<string, unknown>);
    },
  });
  const { proc } = server;
  const commandFile = env.PROBE_CMD_FILE as string;
  void proc.exited.then(() => rmSync(commandFile, { force: true }));
  const probe = (command: ProbeCommand) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the probe: was the server started with PROBE_ARGS?')), 60_000);
      probeWaiters.push((m) => (clearTimeout(timer), resolve(m)));
      writeFileSync(commandFile, command);
      proc.child.kill('SIGUSR2');
    });
  const heap = async () => (await probe('heap')).heap as NodeJS.MemoryUsage;
  const stop = async () => void (await proc.stop('SIGTERM', 8000));
  return { server, pid: proc.pid as number, probe, heap, stop };
}

/** Where a server's probe reads its command: one file per process, named by the pid it will have. */
let probeSeq = 0;
function probeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  probeSeq++;
  return { ...env, PROBE_DIR: path.join(TMP, 'profiles'), PROBE_CMD_FILE: path.join(TMP, 'probe', `${process.pid}-${probeSeq}.cmd`) };
}

/** CPU time (user + system, seconds) and resident memory (bytes) of a process, from /proc. */
export function procStat(pid: number): { cpuSeconds: number; rssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ... utime(11) stime(12) ... rss pages(21)
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / clockTicks;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuSeconds, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

export interface ProcSample {
  /** Average CPU over the window, in % of one core. */
  cpuPct: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
}

/**
 * Samples the CPU and RSS of a set of processes during a run. CPU is counted per process from its
 * first to its last sample (the kernel counts in 10 ms ticks); a process that appears during the run
 * counts from zero, one that ends keeps its last sample. RSS is the sum over the live processes.
 */
export class ProcSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly cpu = new Map<number, { first: number; last: number }>();
  private startedAt = 0;
  private firstRss = 0;
  private lastRss = 0;
  private rssMax = 0;
  private initial = new Set<number>();

  constructor(
    private readonly pids: () => readonly number[],
    private readonly intervalMs = 250,
  ) {}

  start(): this {
    this.startedAt = performance.now();
    this.initial = new Set(this.pids());
    this.firstRss = this.take();
    this.rssMax = this.firstRss;
    this.timer = setInterval(() => (this.rssMax = Math.max(this.rssMax, this.take())), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): ProcSample {
    if (this.timer) clearInterval(this.timer);
    this.take();
    const seconds = (performance.now() - this.startedAt) / 1000;
    let cpu = 0;
    for (const c of this.cpu.values()) cpu += c.last - c.first;
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    return {
      cpuPct: seconds > 0 ? Math.round((cpu / seconds) * 1000) / 10 : NaN,
      rssStartMb: mb(this.firstRss),
      rssEndMb: mb(this.lastRss),
      rssMaxMb: mb(Math.max(this.rssMax, this.lastRss)),
    };
  }

  private take(): number {
    let rss = 0;
    for (const pid of this.pids()) {
      const s = procStat(pid);
      if (!s) continue;
      rss += s.rssBytes;
      const c = this.cpu.get(pid);
      if (c) c.last = s.cpuSeconds;
      // A process there from the start counts from its first sample; a newer one from its birth.
      else this.cpu.set(pid, { first: this.initial.has(pid) ? s.cpuSeconds : 0, last: s.cpuSeconds });
    }
    this.lastRss = rss;
    return rss;
  }
}

export interface MachineSample {
  /** Shares of all CPUs' time over the window, in % (100 = every CPU busy the whole time). */
  busyPct: number;
  userPct: number;
  systemPct: number;
  softirqPct: number;
  /** Time the hypervisor gave this VM's CPUs to someone else. */
  stealPct: number;
  idlePct: number;
}

function cpuTicks(): number[] {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  return line.trim().split(/\s+/).slice(1).map(Number);
}

/** The whole machine's CPU over a window, from /proc/stat: who else used it, and how much the host stole. */
export class MachineSampler {
  private start = cpuTicks();

  stop(): MachineSample {
    const end = cpuTicks();
    const d = end.map((v, i) => v - (this.start[i] ?? 0));
    const total = d.slice(0, 8).reduce((a, b) => a + b, 0) || 1;
    const pct = (v: number) => Math.round((v / total) * 1000) / 10;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = d;
    return {
      busyPct: pct(total - idle - iowait),
      userPct: pct(user + nice),
      systemPct: pct(system + irq),
      softirqPct: pct(softirq),
      stealPct: pct(steal),
      idlePct: pct(idle + iowait),
    };
  }
}

/** What `bin --version` prints ('unknown' if it cannot run). */
function nodeVersion(bin: string): string {
  try {
    return execFileSync(bin, ['--version']).toString().trim();
  } catch {
    return 'unknown';
  }
}

/** Load averages and the busiest processes: the conditions a measurement ran under. */
export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  let pg = '';
  try {
    pg = execFileSync('psql', ['--version']).toString().trim();
  } catch {
    // psql missing: leave it out
  }
  return {
    host: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memGb: Math.round(os.totalmem() / 1e9),
    kernel: os.release(),
    /** The generator's Node (whatever ran the bench command); the servers run the project's. */
    generatorNode: process.version,
    serverNode: nodeVersion(NODE_BIN),
    postgresClient: pg,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    taskset: hasTaskset(),
  };
}

/** Waits (bounded) until the 1-minute load average is below `max`; returns the load it saw. */
export async function waitForQuiet(max: number, timeoutMs: number, log: (s: string) => void): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let load = os.loadavg()[0];
  while (load > max && Date.now() < deadline) {
    log(`load average ${load.toFixed(2)} > ${max}; waiting for a quiet machine`);
    await sleep(15_000);
    load = os.loadavg()[0];
  }
  return load;
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function exists(p: string): boolean {
  return existsSync(p);
}
